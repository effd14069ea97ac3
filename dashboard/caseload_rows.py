"""The figures of one caseload page: eight queries whatever the number of patients on it, one
aggregate per kind over the page's patient ids (``_load_figures``), then a row per patient made
from them without another query (``_row``).

Figures come from ``symptoms.DailySummary`` (one row per logged day, kept up to date on save),
never from a loop over entries.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts.models import Patient
from exercises import adherence as adherence_arithmetic
from redflags.domain import DayPain
from redflags.models import Alert, AlertState, FlareEpisode
from redflags.params import RuleParams
from symptoms import charts
from symptoms.models import DailySummary, PTSession, SymptomEntry

from .adherence import adherence_by_patient
from .caseload import SPARKLINE_DAYS
from .summaries.pain import CurrentPain, current_pain
from .summaries.responses import Flare
from .summaries.risk import Risk, highest_alert, is_not_logging


@dataclass
class CaseloadRow:
    patient: Patient
    risk: Risk
    #: The most serious unresolved alert (``id``, ``rule``, ``severity``, ``state``,
    #: ``opened_at``), and how many are unresolved.
    alert: dict[str, Any] | None
    open_alerts: int
    flare_open: bool
    #: The latest flare-up open now or ended within RECENT_FLARE_DAYS.
    recent_flare: Flare | None
    sparkline: SafeString
    current: CurrentPain | None
    adherence: adherence_arithmetic.Adherence | None
    last_entry_at: datetime | None
    last_entry_day: date | None
    next_session: date | None
    not_logging: bool

    @property
    def also_not_logging(self) -> bool:
        """Not logging, while something more pressing decides the row's place."""
        return self.not_logging and self.risk != Risk.NOT_LOGGING


@dataclass(frozen=True)
class _Figures:
    """What one page's queries found, by patient id."""

    #: The sparkline's first day.
    first: date
    pains: dict[int, list[DayPain]]
    session_days: dict[int, list[date]]
    next_sessions: dict[int, date]
    flares: dict[int, list[Flare]]
    alerts: dict[int, list[dict[str, Any]]]
    last_entries: dict[int, datetime | None]
    adherence: dict[int, adherence_arithmetic.Adherence]


def caseload_rows(
    patients: Sequence[Patient], *, today: date, params: RuleParams, zone: zoneinfo.ZoneInfo
) -> list[CaseloadRow]:
    """The figures of one caseload page: eight queries whatever the number of patients.
    ``today`` and ``zone`` are the clinic's, as in ``caseload.caseload_patients``."""
    if not patients:
        return []
    figures = _load_figures(patients, today, params)
    return [_row(patient, figures, today=today, params=params, zone=zone) for patient in patients]


def _load_figures(patients: Sequence[Patient], today: date, params: RuleParams) -> _Figures:
    ids = [p.pk for p in patients]
    first = today - timedelta(days=SPARKLINE_DAYS - 1)
    pains = _daily_pains(patients, first, params)
    session_days, next_sessions = _sessions(ids, first, today)
    return _Figures(
        first=first,
        pains=pains,
        session_days=session_days,
        next_sessions=next_sessions,
        flares=_flares(ids, first),
        alerts=_open_alerts(ids),
        last_entries=_last_entries(ids),
        adherence=adherence_by_patient(ids, today),
    )


def _daily_pains(
    patients: Sequence[Patient], first: date, params: RuleParams
) -> dict[int, list[DayPain]]:
    """The sparkline's days, and the 14 days before each patient's latest logged day for the
    baseline of current pain, whenever that was. One query, with a condition per distinct
    window (most patients logged lately and share the first)."""
    lookback = timedelta(days=params.baseline_window_days)
    windows: dict[tuple[date, date | None], list[int]] = defaultdict(list)
    for patient in patients:
        last = patient.last_entry_day
        if last is None or last >= first:
            since = first if last is None else min(first, last - lookback)
            windows[(since, None)].append(patient.pk)
        else:
            windows[(last - lookback, last)].append(patient.pk)
    condition = Q()
    for (since, until), ids in windows.items():
        window = Q(patient_id__in=ids, day__gte=since)
        condition |= window & Q(day__lte=until) if until else window
    pains: dict[int, list[DayPain]] = defaultdict(list)
    for patient_id, day, pain, flare_yes in (
        DailySummary.objects.filter(condition)
        .order_by("patient_id", "day")
        .values_list("patient_id", "day", "daily_pain", "flare_yes")
    ):
        pains[patient_id].append(DayPain(day, pain, flare_yes))
    return pains


def _sessions(
    ids: list[int], first: date, today: date
) -> tuple[dict[int, list[date]], dict[int, date]]:
    """Sessions of the sparkline's days, and the next one booked (today counts): one query."""
    session_days: dict[int, list[date]] = defaultdict(list)
    next_sessions: dict[int, date] = {}
    for patient_id, day in (
        PTSession.objects.filter(patient_id__in=ids, date__gte=first)
        .order_by("date")
        .values_list("patient_id", "date")
    ):
        if day <= today:
            session_days[patient_id].append(day)
        if day >= today:
            next_sessions.setdefault(patient_id, day)
    return session_days, next_sessions


def _flares(ids: list[int], first: date) -> dict[int, list[Flare]]:
    flares: dict[int, list[Flare]] = defaultdict(list)
    for patient_id, start, end, self_reported, peak in (
        FlareEpisode.objects.filter(patient_id__in=ids)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .order_by("start")
        .values_list("patient_id", "start", "end", "self_reported", "peak")
    ):
        flares[patient_id].append(Flare(start, end, self_reported, peak))
    return flares


def _open_alerts(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    alerts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        Alert.objects.filter(patient_id__in=ids)
        .exclude(state=AlertState.RESOLVED)
        .values("id", "patient_id", "rule", "severity", "state", "opened_at")
    ):
        alerts[row["patient_id"]].append(row)
    return alerts


def _last_entries(ids: list[int]) -> dict[int, datetime | None]:
    """The newest entry of each patient through the (patient, recorded_at) index, rather than a
    MAX over all of their entries."""
    return dict(
        Patient.objects.filter(pk__in=ids)
        .annotate(
            last=Subquery(
                SymptomEntry.objects.filter(patient=OuterRef("pk"))
                .order_by("-recorded_at")
                .values("recorded_at")[:1]
            )
        )
        .order_by()
        .values_list("pk", "last")
    )


def _row(
    patient: Patient,
    figures: _Figures,
    *,
    today: date,
    params: RuleParams,
    zone: zoneinfo.ZoneInfo,
) -> CaseloadRow:
    first = figures.first
    days = figures.pains.get(patient.pk, [])
    patient_flares = figures.flares.get(patient.pk, [])
    spark = charts.sparkline(
        [charts.DayPoint(d.day, d.daily_pain, d.flare_yes) for d in days if d.day >= first],
        [charts.SessionMark(day) for day in figures.session_days.get(patient.pk, [])],
        [charts.Period(f.start, f.end) for f in patient_flares],
        start=first,
        end=today,
        id_prefix=f"spark-{patient.pk}",
        title=_("%(name)s: daily pain, last %(days)d days")
        % {"name": patient.user.full_name, "days": SPARKLINE_DAYS},
    )
    patient_alerts = figures.alerts.get(patient.pk, [])
    return CaseloadRow(
        patient=patient,
        risk=Risk(patient.risk),
        alert=highest_alert(patient_alerts),
        open_alerts=len(patient_alerts),
        flare_open=any(f.end is None for f in patient_flares),
        recent_flare=patient_flares[-1] if patient_flares else None,
        sparkline=spark,
        current=current_pain(days, patient.intake_baseline, params),
        adherence=figures.adherence.get(patient.pk),
        last_entry_at=figures.last_entries.get(patient.pk),
        last_entry_day=patient.last_entry_day,
        next_session=figures.next_sessions.get(patient.pk),
        not_logging=is_not_logging(
            patient.last_entry_day,
            today,
            on_caseload_since=timezone.localtime(patient.created_at, zone).date(),
        ),
    )
