"""A patient's "My data" page: download everything, or close the account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.access import get_own_patient
from accounts.otp_forms import AccountCloseForm
from accounts.types import AuthenticatedRequest
from audit.decorators import audited
from audit.models import Action
from audit.signals import LOGOUT_REASON_ATTR
from core.htmx import navigate, render_form_page

from ..export import patient_data_json, patient_data_zip
from ..services import patient_close


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _file_name(extension: str) -> str:
    return f"pt-tracker-my-data-{timezone.localdate():%Y-%m-%d}.{extension}"


@require_GET
@login_required
@audited()
def my_data(request: AuthenticatedRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    return render(request, "care/rights/my_data.html", {"patient": patient})


@require_GET
@login_required
@audited(read=Action.EXPORT)
def export_json(request: AuthenticatedRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    return _download(patient_data_json(patient), "application/json", _file_name("json"))


@require_GET
@login_required
@audited(read=Action.EXPORT)
def export_zip(request: AuthenticatedRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    return _download(patient_data_zip(patient), "application/zip", _file_name("zip"))


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
@vary_on_headers("HX-Request")
def account_close(request: AuthenticatedRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    form = AccountCloseForm(request.user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        patient_close(patient, request=request)
        setattr(request, LOGOUT_REASON_ATTR, "account closed")
        logout(request)
        messages.success(request, _("Your account is closed."))
        return navigate(request, "rights:account_closed")
    context = {"form": form, "patient": patient, "retention_years": patient.clinic.retention_years}
    return render_form_page(request, "care/rights/account_close.html", context)


@require_GET
def account_closed(request: HttpRequest) -> HttpResponse:
    return render(request, "care/rights/account_closed.html")
