"""Reads for the alert inbox and the alert page (issue 4, "Clinician triage").

Callers pass the user; every query starts from ``access.alerts_for_user`` so a clinician only
ever reads their caseload's (therapist) or their clinic's (admin) alerts. Each function issues a
fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.utils.functional import Promise

from accounts.access import clinicians_for_user
from accounts.models import User

from .access import alerts_for_user
from .engine.domain import SEVERITY_ORDER
from .explain import RULE_PARAMETERS, explain_rule, parameter_rows, rule_name
from .finding_words import finding_headline
from .forms import InboxFilterForm
from .models import Alert, AlertEvidence, AlertState, Notification, TriageAction, TriageKind
from .report_times import evidence_report_time, report_time

INBOX_PAGE_SIZE = 25


class InboxAnnotations(TypedDict):
    """What inbox_alerts adds to each alert."""

    unresolved_first: int
    severity_order: int
    last_action_kind: str | None
    last_action_at: datetime | None
    last_action_by: str | None
    reported_at: datetime | None


if TYPE_CHECKING:  # django-stubs' helper types only (django_stubs_ext is not a run-time need)
    from django_stubs_ext import WithAnnotations

    InboxAlert = WithAnnotations[Alert, InboxAnnotations]

_SEVERITY_ORDER = Case(
    *(When(severity=severity, then=Value(rank)) for rank, severity in enumerate(SEVERITY_ORDER)),
    default=Value(-1),
    output_field=IntegerField(),
)
_UNRESOLVED_FIRST = Case(
    When(state=AlertState.RESOLVED, then=Value(0)), default=Value(1), output_field=IntegerField()
)


def inbox_alerts(
    user: User,
    *,
    state: str = InboxFilterForm.STATE_UNRESOLVED,
    severity: str = "",
    rule: str = "",
    therapist: User | None = None,
) -> QuerySet[InboxAlert]:
    """The user's alerts, filtered; unresolved before resolved, then emergencies, urgent,
    review, low, newest first within each; with the latest triage action of each."""
    alerts = alerts_for_user(user)
    if state == InboxFilterForm.STATE_UNRESOLVED:
        alerts = alerts.exclude(state=AlertState.RESOLVED)
    elif state == InboxFilterForm.STATE_RESOLVED:
        alerts = alerts.filter(state=AlertState.RESOLVED)
    if severity:
        alerts = alerts.filter(severity=severity)
    if rule:
        alerts = alerts.filter(rule=rule)
    if therapist is not None:
        alerts = alerts.filter(patient__therapists=therapist)
    last_action = TriageAction.objects.filter(alert=OuterRef("pk")).order_by("-created_at", "-id")
    return (
        alerts.select_related("patient__user", "patient__clinic")
        .annotate(
            unresolved_first=_UNRESOLVED_FIRST,
            severity_order=_SEVERITY_ORDER,
            last_action_kind=Subquery(last_action.values("kind")[:1]),
            last_action_at=Subquery(last_action.values("created_at")[:1]),
            last_action_by=Subquery(last_action.values("actor__full_name")[:1]),
            reported_at=report_time(first=True),
        )
        .order_by("-unresolved_first", "-severity_order", "-opened_at", "-id")
    )


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox: the alert with its rule's name and its last action's."""

    alert: InboxAlert
    rule_name: str
    last_action_label: str | Promise
    #: What it found and when, in words: "Saddle numbness reported at 02:23 on Tue 1 Dec".
    headline: str = ""


def inbox_page(
    alerts: QuerySet[InboxAlert], page_number: Any
) -> tuple[Page[InboxAlert], list[InboxRow]]:
    """One page of the inbox (for its links) and its rows, each alert labelled with its rule
    name and last action."""
    page = Paginator(alerts, INBOX_PAGE_SIZE).get_page(page_number)
    return page, [_inbox_row(alert) for alert in page.object_list]


def _inbox_row(alert: InboxAlert) -> InboxRow:
    kind = alert.last_action_kind
    label = TriageKind(kind).label if kind in TriageKind.values else ""
    headline = finding_headline(
        alert.rule,
        alert.data,
        reported_at=alert.reported_at,
        opened_day=alert.opened_day,
        zone=alert.patient.zone,
    )
    return InboxRow(alert, rule_name(alert.rule), label, headline)


@dataclass
class AlertDetail:
    """Everything the alert page shows about one alert."""

    alert: Alert
    rule_name: str
    #: What it found and when, in words (issue 11).
    headline: str
    explanation: str
    parameters: list
    evidence: list[AlertEvidence]
    actions: list[TriageAction]
    notifications: list[Notification]


def alert_detail(alert: Alert) -> AlertDetail:
    """The alert's explanation with the thresholds of the rule-set version that raised it, the
    records behind it, its triage history and the delivery of its notifications."""
    params = alert.rule_set_version.rule_params()
    evidence = list(
        alert.evidence.select_related(
            "entry__session", "session", "exercise_log__exercise", "exercise_log__plan_item"
        ).order_by("day", "added_at", "id")
    )
    return AlertDetail(
        alert=alert,
        rule_name=rule_name(alert.rule),
        headline=finding_headline(
            alert.rule,
            alert.data,
            reported_at=evidence_report_time(evidence),
            opened_day=alert.opened_day,
            zone=alert.patient.zone,
        ),
        explanation=explain_rule(alert.rule, params),
        parameters=parameter_rows(params, RULE_PARAMETERS[alert.rule]),
        evidence=evidence,
        actions=alert_actions(alert),
        notifications=list(
            alert.notifications.select_related("recipient", "message").order_by("created_at", "id")
        ),
    )


def alert_actions(alert: Alert) -> list[TriageAction]:
    return list(alert.actions.select_related("actor").order_by("created_at", "id"))


def therapist_choices(user: User) -> QuerySet[User] | None:
    """Therapists a clinic admin may filter the inbox by; None for therapists (no filter)."""
    if not user.is_clinic_admin:
        return None
    return clinicians_for_user(user).order_by("full_name")
