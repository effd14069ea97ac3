"""Emergency advice comes first (spec.md section 8): after an entry raises an emergency
alert, the patient sees the emergency page before anything else, and their next pages lead back
to it until they confirm they have read it. After that the banner of every page keeps the
warning until a clinician resolves the alert (``patient_warnings``).

Patient views use ``emergency_first`` (a decorator) and the entry-save view uses
``emergency_response``; both answer htmx requests with HX-Redirect so the page, not a fragment,
changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, Concatenate

from django.db.models import Exists, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse

from core.htmx import navigate
from redflags.guidance import Guidance, guidance_for

from .models import Alert, AlertState, Severity
from .patient_warnings import (
    confirmed_since_seen,
    seen_from,
    unread_emergency,
    warnings_for_request,
)


def _pending(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Unresolved emergency alerts whose latest evidence the patient has not yet confirmed
    (a repeat of the rule adds evidence, and the advice must be seen again)."""
    return (
        alerts.filter(severity=Severity.EMERGENCY)
        .exclude(state=AlertState.RESOLVED)
        .annotate(seen_from=seen_from())
        .exclude(Exists(confirmed_since_seen()))
        .order_by("-opened_at", "-id")
    )


def is_pending(alert: Alert) -> bool:
    return _pending(Alert.objects.filter(pk=alert.pk)).exists()


def emergency_redirect(request: HttpRequest, alert: Alert) -> HttpResponse:
    return navigate(request, "redflags:emergency", pk=alert.pk)


def emergency_response(request: HttpRequest, alerts: Iterable[Any]) -> HttpResponse | None:
    """For the entry-save view: the redirect to the emergency page when the save raised (or
    added evidence to) an emergency alert; None otherwise."""
    emergencies = [alert for alert in alerts if alert.severity == Severity.EMERGENCY]
    if not emergencies:
        return None
    return emergency_redirect(request, emergencies[0])


def emergency_first[Req: HttpRequest, **P, R: HttpResponseBase](
    view: Callable[Concatenate[Req, P], R],
) -> Callable[Concatenate[Req, P], R | HttpResponse]:
    """Patient pages: while emergency advice is unconfirmed, go to it instead."""

    @wraps(view)
    def wrapper(request: Req, *args: P.args, **kwargs: P.kwargs) -> R | HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_patient:
            # The banner's query (patient_warnings), read once for the page: no query more.
            alert = unread_emergency(warnings_for_request(request))
            if alert is not None:
                return emergency_redirect(request, alert)
        return view(request, *args, **kwargs)

    return wrapper


def _latest_entry_id(alert: Alert) -> int | None:
    return (
        alert.evidence.filter(entry__isnull=False)
        .order_by("-added_at", "-id")
        .values_list("entry_id", flat=True)
        .first()
    )


def emergency_page_guidance(alert: Alert) -> Guidance:
    """The emergency advice (symptoms.guidance) for this alert, with why and the number."""
    return guidance_for(None, [alert])


def after_emergency_url(alert: Alert) -> str:
    """Where the patient goes once they have read the advice: the entry that raised it."""
    entry_id = _latest_entry_id(alert)
    if entry_id is None:
        return reverse("care:diary")
    return reverse("care:entry_detail", args=[entry_id])
