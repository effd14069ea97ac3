"""The pages a reminder email's quick-log link leads to, without logging in: the check-in form,
its guidance, and the emergency page with its confirmation.

The pages show nothing of the patient's record: the email may be read by someone else. The
token travels in the query string (the audit log keeps paths without it) and the page after
saving is reached through this browser's session, never the link, so a forwarded email cannot
show what was logged.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from accounts.language import activate_user_language
from audit.models import Action
from audit.services import record
from core.forms import add_model_errors
from core.htmx import HtmxRequest, navigate
from core.http import private_page
from redflags.emergency import emergency_page_guidance, is_pending
from redflags.guidance import guidance_for
from redflags.models import Severity
from redflags.triage import alert_patient_confirm
from reminders.choices import ReminderKind
from reminders.forms import QuickLogEntryForm
from reminders.mail import COPY
from reminders.models import QuickLogToken
from reminders.services import (
    QuickLogClosed,
    QuickLogRefused,
    QuickLogUsed,
    quick_log_token_get,
    quick_log_token_spent,
)
from symptoms.selectors import alerts_for_entry

from ..services import quick_log_record

#: The session key naming the link this browser just used, for the page after saving.
DONE_SESSION_KEY = "reminders_quick_log_done"
DONE_WINDOW = timedelta(hours=2)
CONTEXT_KIND = {
    "after_session": ReminderKind.AFTER_SESSION,
    "next_morning": ReminderKind.NEXT_MORNING,
    "daily": ReminderKind.DAILY,
}


def _refused(request: HttpRequest, problem: QuickLogRefused) -> HttpResponse:
    if isinstance(problem, QuickLogClosed):
        reason = "closed"
    elif isinstance(problem, QuickLogUsed):
        reason = "used"
    elif problem.status == 410:
        reason = "expired"
    else:
        reason = "invalid"
    response = render(
        request,
        "care/link_problem.html",
        {"reason": reason, "login_url": reverse("accounts:login")},
        status=problem.status,
    )
    return private_page(response)


def _used_here(request: HttpRequest, token_id: int | None) -> bool:
    return token_id is not None and request.session.get(DONE_SESSION_KEY) == token_id


@never_cache
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def quick_log(request: HtmxRequest) -> HttpResponse:
    """The reminder's check-in form: the shared entry form, its check-in and session fixed by
    the link, one save, no login. Used, expired or changed links get a clear page."""
    signed = request.GET.get("t", "")
    try:
        token = quick_log_token_get(signed)
    except QuickLogRefused as problem:
        if problem.token is not None and _used_here(request, problem.token.pk):
            # Saved from this browser a moment ago (a second tap or a reload): show what follows.
            return navigate(request, "care:quick_log_done")
        if request.htmx:
            return HttpResponseClientRedirect(request.get_full_path())
        return _refused(request, problem)

    patient = token.patient
    activate_user_language(request, patient.user)
    if request.method == "POST":
        form = QuickLogEntryForm(request.POST, context=token.context)
        if form.is_valid():
            try:
                result = quick_log_record(
                    token, form.entry_data(), idempotency_key=form.idempotency_token()
                )
            except QuickLogRefused as problem:
                if request.htmx:
                    return HttpResponseClientRedirect(request.get_full_path())
                return _refused(request, problem)
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                record(
                    request,
                    Action.CREATE,
                    patient=patient,
                    obj=result.entry,
                    detail="quick-log link",
                )
                request.session[DONE_SESSION_KEY] = token.pk
                return navigate(request, "care:quick_log_done")
    else:
        form = QuickLogEntryForm(context=token.context)
        record(request, Action.VIEW, patient=patient, obj=token, detail="quick-log link")

    context: dict[str, Any] = {
        "form": form,
        "action": request.get_full_path(),
        "correcting": False,
        "suggestion": None,
        "first_name": patient.user.get_short_name() if patient.user.full_name else "",
        "question": COPY[CONTEXT_KIND[token.context]].question,
        "login_url": reverse("accounts:login"),
    }
    template = "care/quick_log.html"
    if request.htmx:
        template = "care/entry_form.html#entry-form"
    return private_page(render(request, template, context))


def _done_token(request: HttpRequest) -> QuickLogToken | None:
    """The link this browser spent in the last two hours, with its entry (never None: the
    query asks for one); else None."""
    token_id = request.session.get(DONE_SESSION_KEY)
    if not isinstance(token_id, int):
        return None
    return quick_log_token_spent(token_id, within=DONE_WINDOW)


def _first_emergency(alerts):
    return next((alert for alert in alerts if alert.severity == Severity.EMERGENCY), None)


@never_cache
@require_GET
def quick_log_done(request: HttpRequest) -> HttpResponse:
    """What follows a quick-log save, in the browser that saved it: the emergency page first
    if the entry raised an emergency alert, else the guidance a logged-in save would show."""
    token = _done_token(request)
    if token is None or token.entry is None:
        return _refused(request, QuickLogUsed())
    activate_user_language(request, token.patient.user)
    entry = token.entry
    alerts = alerts_for_entry(entry)
    emergency = _first_emergency(alerts)
    if emergency is not None:
        # The guidance carries the clinic's emergency number and its tel: link.
        context = {
            "alert": emergency,
            "guidance": emergency_page_guidance(emergency),
            "pending": is_pending(emergency),
        }
        return private_page(render(request, "care/quick_log_emergency.html", context))
    context = {"guidance": guidance_for(entry, alerts), "login_url": reverse("accounts:login")}
    return private_page(render(request, "care/quick_log_done.html", context))


@require_POST
def quick_log_emergency_confirm(request: HttpRequest) -> HttpResponse:
    """The patient confirms reading the emergency advice, from the browser that saved the
    entry. Recorded as the patient's confirmation: the link was theirs."""
    token = _done_token(request)
    if token is None or token.entry is None:
        return _refused(request, QuickLogUsed())
    emergency = _first_emergency(alerts_for_entry(token.entry))
    if emergency is not None:
        alert_patient_confirm(emergency, actor=token.patient.user)
    return navigate(request, "care:quick_log_done")
