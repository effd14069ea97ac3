"""Pages of the outcome measures.

- ``psfs_setup``: name the PSFS activities with their first ratings. The therapist does it at
  intake, or the patient on their own; afterwards the page shows the ratings so far.
- ``psfs_rate``: the patient re-rates the same activities (Today shows a card when it is due).
- ``psfs_request``: the therapist asks for a re-rating now, or for the discharge rating.

Bad input is shown again with its message (400 for a plain request, 200 for htmx so that the
form swaps) and stores nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.access import get_own_patient, get_patient_for_user
from accounts.decorators import clinician_required
from accounts.models import Patient
from audit.decorators import audited
from audit.idempotency import idempotent
from audit.models import Action
from core.htmx import navigate, render_form_page, wants_fragment

from .forms import PSFSRatingForm, PSFSRequestForm, activity_formset
from .measures import PSFS_MAX_ACTIVITIES, PSFS_MCID, PSFS_REVIEW_DAYS
from .selectors import psfs_history
from .services import psfs_rate as psfs_rate_service
from .services import psfs_request as psfs_request_service
from .services import psfs_setup as psfs_setup_service


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, invalid: bool
) -> HttpResponse:
    """The form again with its errors: 400 for a plain request, 200 for htmx (so it swaps)."""
    status = 400 if invalid and not wants_fragment(request) else 200
    return render_form_page(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
@audited(Patient, kwarg="patient_pk", write=Action.CREATE)
@idempotent
def psfs_setup(request: HttpRequest, patient_pk: int) -> HttpResponse:
    patient = get_patient_for_user(request.user, patient_pk)
    history = psfs_history(patient)
    formset = activity_formset(request.POST if request.method == "POST" else None)
    context = {
        "patient": patient,
        "history": history,
        "formset": formset,
        "max_activities": PSFS_MAX_ACTIVITIES,
        "mcid": PSFS_MCID,
        "review_days": PSFS_REVIEW_DAYS,
        "own": request.user.is_patient,
    }
    if request.method == "GET" or history.named:
        if request.method == "POST":
            formset = activity_formset()
            context["formset"] = formset
            messages.error(request, _("The activities are already named; they stay the same."))
            return _form_page(request, "outcomes/psfs_setup.html", context, invalid=True)
        return render(request, "outcomes/psfs_setup.html", context)
    if formset.is_valid():
        try:
            psfs_setup_service(patient, formset.items(), actor=request.user)
        except ValidationError as error:
            context["errors"] = error.messages
        else:
            messages.success(request, _("Activities and their first ratings saved."))
            return navigate(request, "outcomes:psfs_setup", patient_pk=patient.pk)
    return _form_page(request, "outcomes/psfs_setup.html", context, invalid=True)


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
@audited(write=Action.CREATE)
@idempotent
def psfs_rate(request: HttpRequest) -> HttpResponse:
    """The patient re-rates their activities."""
    patient = get_own_patient(request.user)
    history = psfs_history(patient)
    form = PSFSRatingForm(
        request.POST if request.method == "POST" else None, activities=history.activities
    )
    context = {"patient": patient, "history": history, "form": form}
    if request.method == "GET" or not history.named:
        return render(request, "outcomes/psfs_rate.html", context)
    if form.is_valid():
        try:
            psfs_rate_service(patient, form.ratings(), actor=request.user)
        except ValidationError as error:
            for text in error.messages:
                form.add_error(None, text)
        else:
            messages.success(request, _("Thank you. Your ratings are saved."))
            return navigate(request, "care:progress")
    return _form_page(request, "outcomes/psfs_rate.html", context, invalid=True)


@require_POST
@clinician_required
@audited(Patient, kwarg="patient_pk", write=Action.CREATE)
@idempotent
def psfs_request(request: HttpRequest, patient_pk: int) -> HttpResponse:
    """Ask the patient to re-rate now, or for the discharge rating (a card on their Today)."""
    patient = get_patient_for_user(request.user, patient_pk)
    form = PSFSRequestForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose one of the requests shown."))
    try:
        psfs_request_service(patient, form.cleaned_data["kind"], actor=request.user)
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    messages.success(request, _("Asked. The patient sees it on their Today page."))
    return navigate(request, "dashboard:patient_overview", pk=patient.pk)
