"""Clinician pages for one patient: their PT sessions (past and scheduled) and their intake.

Patients get 404 here, like anyone outside the patient's caseload (accounts.decorators).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.access import get_patient_for_user
from accounts.decorators import clinician_required
from accounts.forms import add_validation_error
from accounts.models import Patient
from accounts.selectors import pending_invitation
from accounts.types import AuthenticatedRequest
from audit.decorators import audited
from audit.idempotency import idempotent
from audit.models import Action
from core.htmx import navigate, render_form_page

from .access import get_session_for_user
from .clinic_forms import IntakeContactForm, PTSessionForm
from .models import Intake, PTSession
from .services import intake_and_contact_save, pt_session_create, pt_session_update


def sessions_for_patient(patient: Patient) -> QuerySet[PTSession]:
    """The patient's sessions, newest first, with how many entries are linked to each."""
    return patient.sessions.annotate(entry_count=Count("entries")).order_by("-date", "-id")


def _form_data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


@require_GET
@clinician_required
@audited(Patient, kwarg="patient_pk")
def patient_sessions(request: AuthenticatedRequest, patient_pk: int) -> HttpResponse:
    patient = get_patient_for_user(request.user, patient_pk)
    today = patient.local_day()
    sessions = list(sessions_for_patient(patient))
    context = {
        "patient": patient,
        "invitation": pending_invitation(patient.user),
        "scheduled": [s for s in reversed(sessions) if s.date > today],
        "past": [s for s in sessions if s.date <= today],
        "today": today,
    }
    return render(request, "symptoms/clinic/patient_sessions.html", context)


@require_http_methods(["GET", "POST"])
@clinician_required
@vary_on_headers("HX-Request")
@audited(Patient, kwarg="patient_pk", write=Action.CREATE)
@idempotent
def session_create(request: AuthenticatedRequest, patient_pk: int) -> HttpResponse:
    patient = get_patient_for_user(request.user, patient_pk)
    today = patient.local_day()
    form = PTSessionForm(
        _form_data(request), today=today, initial={"date": today, "kind": "treatment"}
    )
    if form.is_valid():
        try:
            session = pt_session_create(patient, dict(form.cleaned_data), actor=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            if session.date > today:
                text = _("Session scheduled for %(date)s.")
            else:
                text = _("Session of %(date)s recorded.")
            messages.success(request, text % {"date": f"{session.date:%d %b %Y}"})
            return navigate(request, "symptoms:patient_sessions", patient_pk=patient.pk)
    context = {"patient": patient, "form": form, "session": None}
    return render_form_page(request, "symptoms/clinic/session_form.html", context)


@require_http_methods(["GET", "POST"])
@clinician_required
@vary_on_headers("HX-Request")
@audited(PTSession)
def session_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    patient = session.patient
    form = PTSessionForm(_form_data(request), today=patient.local_day(), session=session)
    if form.is_valid():
        try:
            pt_session_update(session, dict(form.cleaned_data), actor=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Session saved."))
            return navigate(request, "symptoms:patient_sessions", patient_pk=patient.pk)
    context = {"patient": patient, "form": form, "session": session}
    return render_form_page(request, "symptoms/clinic/session_form.html", context)


@require_http_methods(["GET", "POST"])
@clinician_required
@vary_on_headers("HX-Request")
@audited(Patient, kwarg="patient_pk")
def intake_edit(request: AuthenticatedRequest, patient_pk: int) -> HttpResponse:
    patient = get_patient_for_user(request.user, patient_pk)
    intake = Intake.objects.filter(patient=patient).first()
    initial = {
        **IntakeContactForm.initial_from(intake),
        **IntakeContactForm.contact_initial(patient),
    }
    form = IntakeContactForm(
        _form_data(request), initial=initial, region=patient.clinic.phone_region
    )
    if form.is_valid():
        try:
            intake_and_contact_save(
                patient,
                form.intake_data(),
                form.contact_data(),
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Intake saved."))
            return navigate(request, "symptoms:patient_sessions", patient_pk=patient.pk)
    context = {"patient": patient, "form": form}
    return render_form_page(request, "symptoms/clinic/intake_form.html", context)
