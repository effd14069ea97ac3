"""The warning a patient keeps seeing after a red flag (issue 11; spec.md section 11.11).

While a patient has an unresolved urgent or emergency alert, every page of theirs starts with a
banner: what they told us and when, and what to do now. "I have read this" records that they
read it (a ``patient_confirmed`` triage action and an audit event) but never hides it: only a
clinician resolving the alert does. While an emergency is open, the home exercise plan is paused.

One selector reads the warnings of a request, once: ``warnings_for_request`` (one query, kept on
the request), used by the base template's banner (``context_processors.patient_warnings``), by
``emergency.emergency_first`` and by the pages that pause the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User

from .engine.domain import SEVERITY_ORDER
from .guidance import Guidance, warning_guidance
from .models import Alert, AlertEvidence, AlertState, Severity, TriageAction, TriageKind
from .report_times import report_time

#: Severities whose open alerts the patient keeps seeing (spec.md section 8.1: the clinic acts
#: the same day).
WARNING_SEVERITIES = (Severity.EMERGENCY, Severity.URGENT)
#: Rules found by the daily check, not told by the patient: "we noticed", not "you told us".
NOTICED_RULES = frozenset({"R11", "R13", "R14"})
_REQUEST_ATTRIBUTE = "_patient_warnings"

_RANK = Case(
    *(When(severity=severity, then=Value(rank)) for rank, severity in enumerate(SEVERITY_ORDER)),
    default=Value(-1),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class PatientWarning:
    """One open urgent or emergency alert as the patient's banner shows it."""

    alert: Alert
    #: When the patient last told us (the latest record behind the alert, else when it was
    #: added or opened), local.
    reported_at: datetime
    #: When they said they had read the advice about that report; None if not yet.
    read_at: datetime | None
    guidance: Guidance

    @property
    def severity(self) -> str:
        return self.alert.severity

    @property
    def is_emergency(self) -> bool:
        return self.alert.severity == Severity.EMERGENCY

    @property
    def noticed(self) -> bool:
        """Found by the daily check rather than told by the patient."""
        return self.alert.rule in NOTICED_RULES

    @property
    def acknowledged(self) -> bool:
        return self.alert.state == AlertState.ACKNOWLEDGED

    @property
    def reported_time(self) -> str:
        """ "02:23", in the patient's zone."""
        return self.reported_at.strftime("%H:%M")

    @property
    def reported_day(self) -> str:
        """ "Tue 1 Dec" in the active language, in the patient's zone."""
        return date_format(self.reported_at.date(), "D j M")


def seen_from() -> Coalesce:
    """An alert's ``seen_from``: when its latest evidence came (a repeat of the rule adds
    evidence, which the patient must read again), else when it opened."""
    latest_evidence = Subquery(
        AlertEvidence.objects.filter(alert=OuterRef("pk"))
        .order_by("-added_at")
        .values("added_at")[:1]
    )
    return Coalesce(latest_evidence, "opened_at")


def confirmed_since_seen() -> QuerySet[TriageAction]:
    """The patient's "I have read this" on an alert annotated with ``seen_from``, since then,
    newest first."""
    return TriageAction.objects.filter(
        alert=OuterRef("pk"),
        kind=TriageKind.PATIENT_CONFIRMED,
        created_at__gte=OuterRef("seen_from"),
    ).order_by("-created_at")


def _open_warning_alerts(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Unresolved urgent and emergency alerts, most serious first, newest first within each,
    with ``seen_from``, ``reported`` (the time of the latest record behind it) and ``read_at``
    (the patient's confirmation since, if any)."""
    return (
        alerts.filter(severity__in=WARNING_SEVERITIES)
        .exclude(state=AlertState.RESOLVED)
        .select_related("patient__clinic")
        .annotate(
            seen_from=seen_from(),
            reported=report_time(first=False),
            read_at=Subquery(confirmed_since_seen().values("created_at")[:1]),
            rank=_RANK,
        )
        .order_by("-rank", "-opened_at", "-id")
    )


def open_warnings(user: User) -> list[PatientWarning]:
    """The banner's warnings for a logged-in patient, most serious first: one query."""
    if not user.is_authenticated or not user.is_patient:
        return []
    warnings = []
    for alert in _open_warning_alerts(Alert.objects.filter(patient__user=user)):
        zone = alert.patient.zone
        warnings.append(
            PatientWarning(
                alert=alert,
                reported_at=timezone.localtime(
                    alert.reported or alert.seen_from,  # type: ignore[attr-defined]
                    zone,
                ),
                read_at=alert.read_at,  # type: ignore[attr-defined]
                guidance=warning_guidance(alert),
            )
        )
    return warnings


def warnings_for_request(request: HttpRequest) -> list[PatientWarning]:
    """``open_warnings`` of the request's user, read once per request."""
    cached = getattr(request, _REQUEST_ATTRIBUTE, None)
    if cached is None:
        cached = open_warnings(request.user)  # type: ignore[arg-type]
        setattr(request, _REQUEST_ATTRIBUTE, cached)
    return cached


def plan_paused(warnings: list[PatientWarning]) -> bool:
    """While an emergency is open the home exercise plan is paused (no dose buttons)."""
    return any(warning.is_emergency for warning in warnings)


def unread_emergency(warnings: list[PatientWarning]) -> Alert | None:
    """The newest open emergency whose latest advice the patient has not confirmed reading:
    their pages lead back to its emergency page (``emergency.emergency_first``)."""
    return next((w.alert for w in warnings if w.is_emergency and w.read_at is None), None)
