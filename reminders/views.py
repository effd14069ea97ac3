"""Reminder pages: the patient's preferences, the therapist's read-only panel, and the pages a
reminder email leads to without logging in (quick-log, its guidance, unsubscribe).

The pages without login show nothing of the patient's record: the email may be read by someone
else. The quick-log link's token travels in the query string (the audit log keeps paths
without it) and the page after saving is reached through this browser's session, never the
link, so a forwarded email cannot show what was logged.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from accounts.access import get_own_patient, get_patient_for_user
from accounts.decorators import clinician_required
from accounts.language import activate_user_language
from accounts.models import Patient
from accounts.types import AuthenticatedRequest
from audit.decorators import audited
from audit.models import Action
from audit.services import record
from core.htmx import navigate, render_page
from core.http import private_page

from .choices import ReminderKind
from .forms import ReminderPreferenceForm
from .push import push_configured, push_subscribe, push_unsubscribe
from .selectors import preference_for, reminder_overview
from .services import (
    reminder_preference_save,
    reminder_unsubscribe,
)
from .tokens import BadToken, unsubscribe_token_read

# --- Patient: preferences ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
@audited()
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    """Turn each reminder on or off and set its time. htmx saves on every change; without
    JavaScript the Save button does the same (POST/redirect/GET)."""
    patient = get_own_patient(request.user)
    preference = preference_for(patient)
    form = ReminderPreferenceForm(request.POST or None, instance=preference)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            preference = reminder_preference_save(patient, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not request.htmx:
                messages.success(request, _("Your reminders are saved."))
                return navigate(request, "reminders:preferences")
            saved = True
            form = ReminderPreferenceForm(instance=preference)
    context = {
        "form": form,
        "patient": patient,
        "saved": saved,
        "push_key": settings.WEBPUSH_VAPID_PUBLIC_KEY if push_configured() else "",
    }
    if request.htmx:
        response = render(request, "reminders/preferences.html#form", context)
        return trigger_client_event(response, "remindersSaved") if saved else response
    return render(request, "reminders/preferences.html", context)


@require_POST
@login_required
@audited()
def push_subscription(request: AuthenticatedRequest) -> JsonResponse:
    """Reminders on in this browser (JSON: the browser's push subscription, as
    ``PushSubscription.toJSON()`` gives it) or off (``{"endpoint": ..., "off": true}``)."""
    patient = get_own_patient(request.user)
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(endpoint, str) or not endpoint:
        return JsonResponse({"error": _("This browser's reminder address is missing.")}, status=400)
    if data.get("off") is True:
        push_unsubscribe(patient, endpoint)
        return JsonResponse({"push": False})
    keys = keys if isinstance(keys, dict) else {}
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not isinstance(p256dh, str) or not isinstance(auth, str):
        return JsonResponse(
            {"error": _("This browser's reminder keys could not be read.")}, status=400
        )
    try:
        push_subscribe(patient, endpoint, p256dh, auth)
    except ValidationError as error:
        return JsonResponse({"error": error.messages[0]}, status=400)
    return JsonResponse({"push": True}, status=201)


# --- Clinician: what is on for a patient ---------------------------------------------------------


@require_GET
@clinician_required
@vary_on_headers("HX-Request")
@audited(Patient)
def patient_reminders(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = get_patient_for_user(request.user, pk)
    context = {"overview": reminder_overview(patient), "patient": patient}
    return render_page(request, "reminders/patient_reminders.html", context, fragment="panel")


# --- Unsubscribe, without logging in -------------------------------------------------------------


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One kind of reminder off. GET asks first (mail scanners open links); POST does it, from
    the button or from the mail client (RFC 8058 List-Unsubscribe-Post: no CSRF token there,
    so the signed link is the authority; it can only ever turn a reminder off)."""
    try:
        patient_id, kind = unsubscribe_token_read(token)
    except BadToken:
        patient_id, kind = 0, ""
    patient = (
        Patient.objects.filter(pk=patient_id).select_related("user").first()
        if kind in ReminderKind.values
        else None
    )
    if patient is None:
        context = {"invalid": True, "login_url": reverse("accounts:login")}
        return private_page(render(request, "reminders/unsubscribe.html", context, status=404))
    activate_user_language(request, patient.user)
    label = ReminderKind(kind).label
    done = request.method == "POST"
    if done:
        preference = reminder_unsubscribe(patient, kind)
        record(
            request, Action.UPDATE, patient=patient, obj=preference, detail=f"unsubscribe {kind}"
        )
    context = {
        "label": label,
        "done": done,
        "action": request.path,
        "login_url": reverse("accounts:login"),
    }
    return private_page(render(request, "reminders/unsubscribe.html", context))
