"""The rows of one caseload page: what ``caseload_figures`` and ``adherence`` read for the
page's patients (eight statements whatever their number), made into a row per patient without
another query: risk, the most serious alert, flare-ups, the sparkline, current pain against the
baseline, adherence, the last entry, the next session.

Figures come from ``symptoms.DailySummary`` (one row per logged day, kept up to date on save),
never from a loop over entries.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts.models import Patient
from exercises import adherence as adherence_arithmetic
from redflags.engine.domain import DayPain
from redflags.engine.params import RuleParams
from redflags.finding_words import finding_headline
from symptoms import charts

from .adherence import adherence_by_patient
from .caseload import SPARKLINE_DAYS
from .caseload_figures import Figures, load_figures
from .summaries.pain import CurrentPain, current_pain
from .summaries.responses import Flare
from .summaries.risk import Risk, highest_alert, is_not_logging

if TYPE_CHECKING:
    from .caseload import CaseloadPatient


@dataclass
class CaseloadRow:
    patient: Patient
    risk: Risk
    #: The most serious unresolved alert (``id``, ``rule``, ``severity``, ``state``,
    #: ``opened_at``, ``opened_day``, ``data``), how many are unresolved, and what it found in
    #: words and when ("Saddle numbness reported at 02:23 on Tue 1 Dec", issue 11).
    alert: Mapping[str, Any] | None
    open_alerts: int
    alert_headline: str
    flare_open: bool
    #: The latest flare-up open now or ended within RECENT_FLARE_DAYS.
    recent_flare: Flare | None
    sparkline: SafeString
    #: (day, daily pain) of every logged day read for the row, oldest first: from the
    #: sparkline's first day (or 14 days before the latest logged day) to the newest.
    logged_days: list[tuple[date, int]]
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


def caseload_rows(
    patients: Sequence[CaseloadPatient],
    *,
    today: date,
    params: RuleParams,
    zone: zoneinfo.ZoneInfo,
) -> list[CaseloadRow]:
    """The figures of one caseload page: eight statements whatever the number of patients
    (``caseload_figures`` and ``adherence``). ``today`` and ``zone`` are the clinic's, as in
    ``caseload.caseload_patients``."""
    if not patients:
        return []
    first = today - timedelta(days=SPARKLINE_DAYS - 1)
    figures = load_figures(patients, first=first, today=today, params=params)
    adherence = adherence_by_patient([p.pk for p in patients], today)
    return [
        _row(
            patient,
            figures,
            adherence.get(patient.pk),
            first=first,
            today=today,
            params=params,
            zone=zone,
        )
        for patient in patients
    ]


def _row(
    patient: CaseloadPatient,
    figures: Figures,
    adherence: adherence_arithmetic.Adherence | None,
    first: date,
    today: date,
    params: RuleParams,
    zone: zoneinfo.ZoneInfo,
) -> CaseloadRow:
    days = figures.pains.get(patient.pk, [])
    patient_flares = figures.flares.get(patient.pk, [])
    spark = charts.sparkline(
        [charts.DayPoint(*day) for day in days if day[0] >= first],
        [charts.SessionMark(day) for day in figures.session_days.get(patient.pk, [])],
        [charts.Period(f.start, f.end) for f in patient_flares],
        start=first,
        end=today,
        id_prefix=f"spark-{patient.pk}",
        title=_("%(name)s: daily pain, last %(days)d days")
        % {"name": patient.user.full_name, "days": SPARKLINE_DAYS},
    )
    patient_alerts = figures.alerts.get(patient.pk, [])
    alert = highest_alert(patient_alerts)
    return CaseloadRow(
        patient=patient,
        risk=Risk(patient.risk),
        alert=alert,
        open_alerts=len(patient_alerts),
        alert_headline=_headline(alert, patient, zone) if alert else "",
        flare_open=any(f.end is None for f in patient_flares),
        recent_flare=patient_flares[-1] if patient_flares else None,
        sparkline=spark,
        logged_days=[(day, pain) for day, pain, _flare in days],
        current=current_pain(_baseline_days(days, params), patient.intake_baseline, params),
        adherence=adherence,
        last_entry_at=figures.last_entries.get(patient.pk),
        last_entry_day=patient.last_entry_day,
        next_session=figures.next_sessions.get(patient.pk),
        not_logging=is_not_logging(
            patient.last_entry_day,
            today,
            on_caseload_since=timezone.localtime(patient.created_at, zone).date(),
        ),
    )


def _headline(alert: Mapping[str, Any], patient: Patient, zone: zoneinfo.ZoneInfo) -> str:
    # The patient's own zone when they have one (no query: the clinic's is ``zone``).
    own = zoneinfo.ZoneInfo(patient.time_zone) if patient.time_zone else zone
    return finding_headline(
        alert["rule"],
        alert["data"],
        reported_at=alert["reported_at"],
        opened_day=alert["opened_day"],
        zone=own,
    )


def _baseline_days(days: list[tuple[date, int, bool]], params: RuleParams) -> list[DayPain]:
    """The latest logged day and the 14 before it: all that current pain looks at."""
    if not days:
        return []
    since = days[-1][0] - timedelta(days=params.baseline_window_days)
    return [DayPain(*day) for day in days if day[0] >= since]
