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
from django.db import connection
from django.db.models import (
    BooleanField,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from accounts.access import patients_for_user
from accounts.models import Patient, User
from redflags.models import Alert, AlertState, FlareEpisode
from symptoms.models import DailySummary

from .selectors import clinic_zone
from .sql import column, table
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


def _start_of(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _unresolved() -> QuerySet[Alert]:
    return Alert.objects.filter(patient=OuterRef("pk")).exclude(state=AlertState.RESOLVED)


def _flares() -> QuerySet[FlareEpisode]:
    return FlareEpisode.objects.filter(patient=OuterRef("pk"))


# The risk order is written in SQL rather than as ORM subqueries: built and compiled as
# querysets, the same expression cost about 3 ms of every request, more than SQLite takes to
# run it over 500 patients. Tables come from the models and values are bound parameters; the
# test test_sql_risk_key_matches_the_pure_risk_order_for_every_combination holds it to
# summaries.risk.risk_of. The expressions name the patient table as the outermost query does:
# filter, count and slice the queryset, but do not nest it in another query.


def _patient_id() -> str:
    return f"{table(Patient)}.{column('id')}"


def _not_logging_sql(logging_since: date, zone: zoneinfo.ZoneInfo) -> tuple[str, list[Any]]:
    """``summaries.risk.is_not_logging``: nothing on or after ``logging_since``, and either an
    older entry or on the caseload since before it."""
    summaries, patient = table(DailySummary), _patient_id()
    created = f"{table(Patient)}.{column('created_at')}"
    return (
        f"(NOT EXISTS (SELECT 1 FROM {summaries} s WHERE s.patient_id = {patient} "
        "AND s.day >= %s) "
        f"AND (EXISTS (SELECT 1 FROM {summaries} s WHERE s.patient_id = {patient}) "
        f"OR {created} < %s))",
        [logging_since, connection.ops.adapt_datetimefield_value(_start_of(logging_since, zone))],
    )


def not_logging(*, logging_since: date, zone: zoneinfo.ZoneInfo) -> RawSQL:
    return RawSQL(*_not_logging_sql(logging_since, zone), output_field=BooleanField())


def risk_expression(*, logging_since: date, zone: zoneinfo.ZoneInfo) -> RawSQL:
    """``summaries.risk.risk_of`` in SQL: the lowest of the most serious unresolved alert's
    place (emergency 0, urgent 1, review 3; a low alert sorts with the rest), an open
    flare-up's (2) and not logging's (4), else 5. Each figure appears once, so SQLite reads
    each correlated subquery once per patient while it sorts the whole caseload; the alert's
    place is an aggregate, where ordering the alerts and keeping the first made SQLite sort
    once per patient."""
    patient = _patient_id()
    not_logging_sql, not_logging_params = _not_logging_sql(logging_since, zone)
    lowest = "LEAST" if connection.vendor == "postgresql" else "MIN"
    sql = (
        f"{lowest}("
        "COALESCE((SELECT MIN(CASE WHEN a.severity = %s THEN %s WHEN a.severity = %s THEN %s "
        f"WHEN a.severity = %s THEN %s ELSE %s END) FROM {table(Alert)} a "
        f"WHERE a.patient_id = {patient} AND a.state <> %s), %s), "
        f"CASE WHEN EXISTS (SELECT 1 FROM {table(FlareEpisode)} f WHERE f.patient_id = {patient} "
        f"AND f.{column('end')} IS NULL) THEN %s ELSE %s END, "
        f"CASE WHEN {not_logging_sql} THEN %s ELSE %s END)"
    )
    params = [
        *("emergency", Risk.EMERGENCY, "urgent", Risk.URGENT, "review", Risk.REVIEW, Risk.OTHER),
        *(AlertState.RESOLVED.value, Risk.OTHER),
        *(Risk.ACTIVE_FLARE, Risk.OTHER),
        *not_logging_params,
        *(Risk.NOT_LOGGING, Risk.OTHER),
    ]
    return RawSQL(sql, [int(p) if isinstance(p, Risk) else p for p in params], IntegerField())


def _last_entry_day() -> RawSQL:
    return RawSQL(
        f"SELECT s.day FROM {table(DailySummary)} s WHERE s.patient_id = {_patient_id()} "
        "ORDER BY s.day DESC LIMIT 1",
        [],
        output_field=DateField(),
    )


def caseload_patients(
    user: User, *, today: date, filters: CaseloadFilters = CaseloadFilters()
) -> QuerySet[Patient]:
    """The open patients the user may see, most pressing first (``summaries.risk.Risk``), then
    by name; each carries ``risk``, ``last_entry_day`` and ``intake_baseline``. The page's other
    figures come from ``caseload_rows``."""
    logging_since, zone = not_logging_since(today), clinic_zone(user)
    patients = (
        patients_for_user(user)
        .filter(closed_at__isnull=True)
        .annotate(
            risk=risk_expression(logging_since=logging_since, zone=zone),
            last_entry_day=_last_entry_day(),
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
