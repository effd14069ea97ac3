"""A clinician adds a patient: who they are, their therapists and their intake, in one form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.access import clinicians_for_user, get_own_clinic
from accounts.decorators import clinician_required
from accounts.forms import add_validation_error
from accounts.types import AuthenticatedRequest
from audit.idempotency import idempotent
from core.htmx import navigate, render_form_page

from ..forms import PatientInviteForm
from ..services import patient_add_with_intake


@require_http_methods(["GET", "POST"])
@clinician_required
@vary_on_headers("HX-Request")
@idempotent
def patient_add(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    clinic = get_own_clinic(user)
    therapist_choices = clinicians_for_user(user) if user.is_clinic_admin else None
    form = PatientInviteForm(
        request.POST if request.method == "POST" else None,
        therapist_choices=therapist_choices,
        clinic=clinic,
    )
    if form.is_valid():
        therapists = form.cleaned_data["therapists"] if user.is_clinic_admin else [user]
        try:
            patient = patient_add_with_intake(
                clinic=clinic,
                **form.person_data(),
                therapists=therapists,
                intake=form.intake_data(),
                contact=form.contact_data(),
                actor=user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is on the caseload. We have emailed them a link to set a password.")
                % {"name": patient.user.full_name},
            )
            return navigate(request, "dashboard:caseload")
    return render_form_page(request, "care/patient_add.html", {"form": form})
