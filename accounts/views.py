"""Invitations, adding patients and therapists, the clinic's settings, and a patient's own
contact details."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from audit.decorators import audited
from core.htmx import navigate, render_form_page

from .access import (
    get_own_clinic,
    get_own_patient,
    get_patient_for_user,
    get_therapist_for_user,
    own_clinic_id,
)
from .decorators import clinic_admin_required, clinician_required
from .forms import (
    ClinicSettingsForm,
    PatientContactForm,
    TherapistInviteForm,
    add_validation_error,
)
from .language import activate_user_language
from .models import Clinic, Patient
from .selectors import InvitationState, invitation_by_token, invitation_state, therapist_rows
from .services import (
    InvitationNotNeeded,
    InvitationUnusable,
    clinic_update,
    invitation_accept,
    invitation_resend,
    patient_contact_update,
    therapist_invite,
)
from .types import AuthenticatedRequest

# The password was just set through the invitation, so there is no credential for axes to check.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _form_data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


@require_POST
@clinician_required
@audited(Patient)
def patient_invitation_resend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = get_patient_for_user(request.user, pk)
    try:
        invitation_resend(patient.user, actor=request.user)
    except InvitationNotNeeded:
        messages.info(
            request,
            _(
                "%(name)s has already set a password. If they forgot it, they can use "
                '"Forgot your password?" on the login page.'
            )
            % {"name": patient.user.full_name},
        )
    else:
        messages.success(
            request,
            _("We have emailed %(name)s a new link. Earlier links no longer work.")
            % {"name": patient.user.full_name},
        )
    return redirect("symptoms:patient_sessions", patient_pk=patient.pk)


@require_http_methods(["GET", "POST"])
@never_cache
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", {"state": "unknown"}, status=404)
    activate_user_language(request, invitation.user)
    state = invitation_state(invitation)
    if state != InvitationState.USABLE:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"state": state, "clinic": invitation.user.clinic},
            status=410,
        )
    user = invitation.user
    form = SetPasswordForm(user, _form_data(request))
    if form.is_valid():
        try:
            invitation_accept(invitation, form.cleaned_data["new_password1"])
        except InvitationUnusable:
            return render(
                request,
                "accounts/invitation_invalid.html",
                {"state": InvitationState.USED, "clinic": user.clinic},
                status=410,
            )
        login(request, user, backend=LOGIN_BACKEND)
        messages.success(request, _("Your password is set. Welcome to PT Tracker."))
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invited_user": user})


@require_http_methods(["GET"])
@clinic_admin_required
def therapist_list(request: AuthenticatedRequest) -> HttpResponse:
    rows = therapist_rows(request.user)
    return render(request, "accounts/therapist_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@clinic_admin_required
@vary_on_headers("HX-Request")
def therapist_add(request: AuthenticatedRequest) -> HttpResponse:
    form = TherapistInviteForm(_form_data(request))
    if form.is_valid():
        try:
            therapist = therapist_invite(
                clinic=get_own_clinic(request.user),
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                actor=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                _("We have emailed %(name)s a link to set a password.")
                % {"name": therapist.full_name},
            )
            return navigate(request, "accounts:therapist_list")
    return render_form_page(request, "accounts/therapist_add.html", {"form": form})


@require_POST
@clinic_admin_required
def therapist_invitation_resend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    therapist = get_therapist_for_user(request.user, pk)
    try:
        invitation_resend(therapist, actor=request.user)
    except InvitationNotNeeded:
        messages.info(
            request,
            _("%(name)s has already set a password.") % {"name": therapist.full_name},
        )
    else:
        messages.success(
            request,
            _("We have emailed %(name)s a new link. Earlier links no longer work.")
            % {"name": therapist.full_name},
        )
    return redirect("accounts:therapist_list")


@require_http_methods(["GET", "POST"])
@clinic_admin_required
@vary_on_headers("HX-Request")
def clinic_settings(request: AuthenticatedRequest) -> HttpResponse:
    # A fresh copy: validating a ModelForm writes into its instance, and an invalid name must
    # not show up elsewhere on the page.
    clinic = get_object_or_404(Clinic, pk=own_clinic_id(request.user))
    form = ClinicSettingsForm(_form_data(request), instance=clinic)
    if form.is_valid():
        try:
            clinic_update(clinic, form.cleaned_data, actor=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The clinic settings are saved."))
            return navigate(request, "accounts:clinic_settings")
    return render_form_page(request, "accounts/clinic_settings.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
@audited()
def my_details(request: AuthenticatedRequest) -> HttpResponse:
    """The patient's own contact details: their phone number, the best time to call and an
    emergency contact (issue 11). Each change is on the audit log."""
    patient = get_own_patient(request.user)
    form = PatientContactForm(
        _form_data(request),
        initial=PatientContactForm.contact_initial(patient),
        region=patient.clinic.phone_region,
    )
    if form.is_valid():
        try:
            patient_contact_update(
                patient, form.contact_data(), actor=request.user, request=request
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Your details are saved."))
            return navigate(request, "accounts:my_details")
    return render_form_page(request, "accounts/my_details.html", {"form": form})
