"""What the patient's phone needs to log offline (issue 17; docs/decisions.md, "Installable app
and offline logging").

- ``offline_session``: who is logged in here, and a CSRF token, for the page or the service
  worker about to send the entries kept on the phone. JSON; when nobody is logged in it is the
  login redirect, which the phone does not follow: the entries wait for the next login.
- ``offline_sync``: one entry saved on the phone, sent when the network is back. Saved and
  screened as the log page saves it (``checkin_record``), once per idempotency key however
  often it is sent; an entry the form refuses comes back as 400 with the messages, and the
  phone gives it back to the patient to fix.
- ``offline_emergency``: the emergency advice with the clinic's number, kept on the phone and
  shown at once when an entry saved offline answers an emergency question.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import get_own_patient
from accounts.offline import offline_page, offline_user_key
from accounts.types import AuthenticatedRequest
from audit.decorators import audited
from audit.models import Action
from core.forms import add_model_errors
from outcomes.forms import GROCForm
from outcomes.selectors import groc_due
from redflags.guidance import offline_emergency_guidance
from redflags.models import Severity
from redflags.screening import emergency_answers_for
from symptoms.forms import SymptomEntryForm
from symptoms.selectors import alerts_for_entry

from ..services import checkin_record


@require_GET
@login_required
def offline_session(request: AuthenticatedRequest) -> JsonResponse:
    get_own_patient(request.user)  # 404 for anyone but a patient
    response = JsonResponse({"user": offline_user_key(request.user), "csrf": get_token(request)})
    response["Cache-Control"] = "no-store"
    return response


def _errors(*bound: forms.Form | None) -> list[dict[str, str]]:
    """The form's messages, each with its field's name and question."""
    errors = []
    for form in bound:
        if form is None:
            continue
        for name, messages in form.errors.items():
            field = form.fields.get(name)
            label = str(field.label) if field is not None and field.label else ""
            errors += [{"field": name, "label": label, "message": str(m)} for m in messages]
    return errors


def _emergency_url(alerts: list[Any]) -> str:
    for alert in alerts:
        if alert.severity == Severity.EMERGENCY:
            return reverse("redflags:emergency", args=[alert.pk])
    return ""


def _rejected(*bound: forms.Form | None) -> JsonResponse:
    return JsonResponse({"status": "rejected", "errors": _errors(*bound)}, status=400)


@require_POST
@login_required
@audited(write=Action.CREATE)
def offline_sync(request: AuthenticatedRequest) -> JsonResponse:
    patient = get_own_patient(request.user)
    form = SymptomEntryForm(request.POST)
    groc_form = GROCForm(request.POST) if groc_due(patient, patient.local_day()) else None
    valid = form.is_valid() and (groc_form is None or groc_form.is_valid())
    if valid and not form.cleaned_data.get("idempotency_key"):
        form.add_error(
            "idempotency_key", _("This form could not be read. Check your answers and save again.")
        )
        valid = False
    if not valid:
        return _rejected(form, groc_form)
    try:
        result = checkin_record(
            patient,
            form.entry_data(),
            groc=groc_form.cleaned_data["groc"] if groc_form else None,
            actor=request.user,
            idempotency_key=form.idempotency_token(),
        )
    except ValidationError as error:
        add_model_errors(form, error)
        return _rejected(form, groc_form)
    alerts = alerts_for_entry(result.entry) if result.duplicate else result.alerts
    body = {
        "status": "duplicate" if result.duplicate else "saved",
        "entry": reverse("care:entry_detail", args=[result.entry.pk]),
        "emergency": _emergency_url(alerts),
    }
    return JsonResponse(body, status=200 if result.duplicate else 201)


@require_GET
@login_required
@offline_page
def offline_emergency(request: AuthenticatedRequest) -> HttpResponse:
    """The emergency advice for an entry saved on the phone: the clinic's number, what to do,
    and which of the entry's answers it is about (pwa.js shows those the entry ticked)."""
    patient = get_own_patient(request.user)
    answers = emergency_answers_for(patient.clinic)
    context = {
        "guidance": offline_emergency_guidance(patient.clinic.emergency_number),
        "answers": [(name, SymptomEntryForm.base_fields[name].label) for name in answers],
    }
    return render(request, "care/offline_emergency.html", context)
