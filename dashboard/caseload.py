"""The caseload: the open patients a clinician may see, most pressing first, filtered and cut
into pages.

The whole caseload is ordered by risk in SQL (``risk_expression``, the same decision as
``summaries.risk.risk_of``) before it is paginated, so a caseload of any size costs the same two
queries (the count and the page); only the page's patients then get their figures
(``caseload_rows``).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from accounts.access import patients_for_user
from accounts.models import Patient, User
from redflags.models import Alert, AlertState, FlareEpisode
from symptoms.models import DailySummary

from .selectors import clinic_zone
from .summaries.risk import Risk, not_logging_since

#: Patients per caseload page.
CASELOAD_PAGE_SIZE = 25
#: The caseload's flare column: a flare-up open now or ended within the last N days.
RECENT_FLARE_DAYS = 28
#: Days of daily pain in a caseload row's sparkline (today and the 27 days before).
SPARKLINE_DAYS = 28


@dataclass(frozen=True)
class CaseloadFilters:
    """What the caseload shows: ``show`` is "", "alerts", "flaring" or "not_logging"."""

    show: str = ""
    therapist: User | None = None
    query: str = ""


SHOW_ALERTS = "alerts"
SHOW_FLARING = "flaring"
SHOW_NOT_LOGGING = "not_logging"

#: An unresolved alert's place in the risk order (summaries.risk.risk_of); a low one sorts with
#: the rest.
_ALERT_RISK = Case(
    When(severity="emergency", then=Value(Risk.EMERGENCY)),
    When(severity="urgent", then=Value(Risk.URGENT)),
    When(severity="review", then=Value(Risk.REVIEW)),
    default=Value(Risk.OTHER),
    output_field=IntegerField(),
)


def _start_of(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _unresolved() -> QuerySet[Alert]:
    return Alert.objects.filter(patient=OuterRef("pk")).exclude(state=AlertState.RESOLVED)


def _flares() -> QuerySet[FlareEpisode]:
    return FlareEpisode.objects.filter(patient=OuterRef("pk"))


def not_logging(*, logging_since: date, zone: zoneinfo.ZoneInfo) -> Q:
    """``summaries.risk.is_not_logging`` in SQL: nothing on or after ``logging_since``, and
    either an older entry or on the caseload since before it."""
    summaries = DailySummary.objects.filter(patient=OuterRef("pk"))
    return ~Exists(summaries.filter(day__gte=logging_since)) & (
        Exists(summaries) | Q(created_at__lt=_start_of(logging_since, zone))
    )


def risk_expression(*, logging_since: date, zone: zoneinfo.ZoneInfo) -> Least:
    """``summaries.risk.risk_of`` in SQL: the lowest of the most serious unresolved alert's
    place (emergency 0, urgent 1, review 3), an open flare-up's (2) and not logging's (4), else
    5. Each figure appears once, so SQLite reads each correlated subquery once per patient
    while it sorts the whole caseload; the lowest alert place is an aggregate, where ordering
    the alerts and keeping the first made SQLite sort once per patient."""
    return Least(
        Coalesce(
            Subquery(_unresolved().values("patient").annotate(key=Min(_ALERT_RISK)).values("key")),
            Value(Risk.OTHER),
        ),
        Case(
            When(Exists(_flares().filter(end__isnull=True)), then=Value(Risk.ACTIVE_FLARE)),
            default=Value(Risk.OTHER),
        ),
        Case(
            When(
                not_logging(logging_since=logging_since, zone=zone),
                then=Value(Risk.NOT_LOGGING),
            ),
            default=Value(Risk.OTHER),
        ),
        output_field=IntegerField(),
    )


def caseload_patients(
    user: User, *, today: date, filters: CaseloadFilters = CaseloadFilters()
) -> QuerySet[Patient]:
    """The open patients the user may see, most pressing first (``summaries.risk.Risk``), then
    by name; each carries ``risk``, ``last_entry_day`` and ``intake_baseline``. The page's other
    figures come from ``caseload_rows``."""
    logging_since, zone = not_logging_since(today), clinic_zone(user)
    last_entry_day = Subquery(
        DailySummary.objects.filter(patient=OuterRef("pk")).order_by("-day").values("day")[:1]
    )
    patients = (
        patients_for_user(user)
        .filter(closed_at__isnull=True)
        .annotate(
            risk=risk_expression(logging_since=logging_since, zone=zone),
            last_entry_day=last_entry_day,
            intake_baseline=Coalesce(F("intake__baseline_pain"), Value(0)),
        )
    )
    if filters.show == SHOW_NOT_LOGGING:
        patients = patients.filter(not_logging(logging_since=logging_since, zone=zone))
    patients = _filtered(patients, filters, today=today)
    return patients.select_related("user").order_by("risk", "user__full_name", "pk")


def _filtered(
    patients: QuerySet[Patient], filters: CaseloadFilters, *, today: date
) -> QuerySet[Patient]:
    # The filters' subqueries are built only when a filter needs them: building one costs a
    # good part of a millisecond, on every request of the page.
    if filters.show == SHOW_ALERTS:
        patients = patients.filter(Exists(_unresolved()))
    elif filters.show == SHOW_FLARING:
        recent_since = today - timedelta(days=RECENT_FLARE_DAYS - 1)
        patients = patients.filter(
            Exists(_flares().filter(Q(end__isnull=True) | Q(end__gte=recent_since)))
        )
    if filters.therapist is not None:
        patients = patients.filter(therapists=filters.therapist)
    if filters.query:
        patients = patients.filter(user__full_name__icontains=filters.query)
    return patients


def caseload_page(patients: QuerySet[Patient], page_number: Any) -> Page:
    return Paginator(patients, CASELOAD_PAGE_SIZE).get_page(page_number)
