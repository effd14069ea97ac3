"""What one caseload page reads for its rows: five plain SQL statements over the page's patient
ids (daily pain, sessions, flare-ups, open alerts, the latest entry), and three more in
``adherence``.

Plain SQL rather than querysets, because here the ORM cost more than the database: building,
compiling and converting each of these small queries took about a millisecond, several times
what SQLite takes to answer it, and a page ran eight of them (docs/benchmarks.md, "How the
dashboard stays fast"). The statements stay portable and safe: every value is a bound
parameter, the only ids are those of patients the caller already loaded through
``accounts.access`` (``caseload.caseload_patients``), tables and reserved words are quoted by
the connection, and values come back as the ORM would give them (``sql.plain``). The row
figures are checked in tests/dashboard/test_caseload.py, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from accounts.models import Patient
from exercises.models import ExerciseLog
from redflags.engine.params import RuleParams
from redflags.models import Alert, AlertEvidence, AlertState, FlareEpisode
from symptoms.models import DailySummary, PTSession, SymptomEntry

from .sql import among, column, fetch, plain, plain_date, table
from .summaries.responses import Flare

if TYPE_CHECKING:
    from .caseload import CaseloadPatient


@dataclass(frozen=True)
class Figures:
    """What one page's statements found, by patient id."""

    #: (day, daily pain, "yes, a flare-up" that day) of the logged days read, by day.
    pains: dict[int, list[tuple[date, int, bool]]]
    #: Sessions from the sparkline's first day up to today, and the next one booked (today
    #: counts).
    session_days: dict[int, list[date]]
    next_sessions: dict[int, date]
    flares: dict[int, list[Flare]]
    #: Unresolved alerts (``id``, ``patient_id``, ``rule``, ``severity``, ``state``,
    #: ``opened_at``, ``opened_day``, ``data``, ``reported_at``), newest first.
    alerts: dict[int, list[dict[str, Any]]]
    last_entries: dict[int, datetime | None]


def load_figures(
    patients: Sequence[CaseloadPatient], *, first: date, today: date, params: RuleParams
) -> Figures:
    """Five statements, whatever the number of patients. ``first`` is the sparkline's first
    day; each patient carries ``last_entry_day`` (``caseload.caseload_patients``)."""
    ids = [p.pk for p in patients]
    pains = _daily_pains(patients, first, params)
    session_days, next_sessions = _sessions(ids, first, today)
    return Figures(
        pains=pains,
        session_days=session_days,
        next_sessions=next_sessions,
        flares=_flares(ids, first),
        alerts=_open_alerts(ids),
        last_entries=_last_entries(ids),
    )


def _daily_pains(
    patients: Sequence[CaseloadPatient], first: date, params: RuleParams
) -> dict[int, list[tuple[date, int, bool]]]:
    """Every logged day of each patient from the sparkline's first day, or from 14 days before
    their latest logged day (the baseline of current pain) when that is earlier, to the newest:
    one condition per distinct first day (most patients logged lately and share one). Each list
    is the whole newest part of the patient's history, so the Outcome column's "pain now" can
    take its last days from it (``care.outcomes``)."""
    lookback = timedelta(days=params.baseline_window_days)
    windows: dict[date, list[int]] = defaultdict(list)
    for patient in patients:
        last = patient.last_entry_day
        since = first if last is None else min(first, last - lookback)
        windows[since].append(patient.pk)
    conditions, values = [], []
    for since, ids in windows.items():
        conditions.append(f"(patient_id IN ({among(ids)}) AND day >= %s)")
        values.extend([*ids, since])
    pains: dict[int, list[tuple[date, int, bool]]] = defaultdict(list)
    for patient_id, day, pain, flare_yes in fetch(
        f"SELECT patient_id, day, daily_pain, flare_yes FROM {table(DailySummary)} "
        f"WHERE {' OR '.join(conditions)} ORDER BY patient_id, day",
        values,
    ):
        pains[patient_id].append((plain_date(day), pain, bool(flare_yes)))
    return pains


def _sessions(
    ids: list[int], first: date, today: date
) -> tuple[dict[int, list[date]], dict[int, date]]:
    session_days: dict[int, list[date]] = defaultdict(list)
    next_sessions: dict[int, date] = {}
    for patient_id, day in fetch(
        f"SELECT patient_id, {column('date')} FROM {table(PTSession)} "
        f"WHERE patient_id IN ({among(ids)}) AND {column('date')} >= %s ORDER BY {column('date')}",
        [*ids, first],
    ):
        day = plain_date(day)
        if day <= today:
            session_days[patient_id].append(day)
        if day >= today:
            next_sessions.setdefault(patient_id, day)
    return session_days, next_sessions


def _flares(ids: list[int], first: date) -> dict[int, list[Flare]]:
    """Flare-ups open now or ended since the sparkline's first day, by start."""
    end = column("end")
    flares: dict[int, list[Flare]] = defaultdict(list)
    for patient_id, start, last, self_reported, peak in fetch(
        f"SELECT patient_id, start, {end}, self_reported, peak FROM {table(FlareEpisode)} "
        f"WHERE patient_id IN ({among(ids)}) AND ({end} IS NULL OR {end} >= %s) ORDER BY start",
        [*ids, first],
    ):
        flares[patient_id].append(
            Flare(plain_date(start), plain_date(last), bool(self_reported), peak)
        )
    return flares


def _json(value: Any) -> dict[str, Any]:
    """A JSON column as the ORM gives it: text on SQLite, already decoded on PostgreSQL."""
    if isinstance(value, dict):
        return value
    try:
        decoded = json.loads(value or "{}")
    except (TypeError, ValueError):
        return {}
    return decoded if isinstance(decoded, dict) else {}


def _open_alerts(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    alerts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    # When the patient reported it: the first record behind the alert (redflags.report_times).
    reported = (
        f"(SELECT COALESCE(e.recorded_at, g.logged_at) FROM {table(AlertEvidence)} v "
        f"LEFT JOIN {table(SymptomEntry)} e ON e.id = v.entry_id "
        f"LEFT JOIN {table(ExerciseLog)} g ON g.id = v.exercise_log_id "
        "WHERE v.alert_id = a.id AND (v.entry_id IS NOT NULL OR v.exercise_log_id IS NOT NULL) "
        "ORDER BY v.added_at, v.id LIMIT 1)"
    )
    rows = fetch(
        f"SELECT a.id, a.patient_id, a.{column('rule')}, a.severity, a.state, a.opened_at, "
        f"a.opened_day, a.{column('data')}, {reported} FROM {table(Alert)} a "
        f"WHERE a.patient_id IN ({among(ids)}) AND a.state <> %s "
        "ORDER BY a.opened_at DESC, a.id DESC",
        [*ids, AlertState.RESOLVED.value],
    )
    for alert_id, patient_id, rule, severity, state, opened_at, opened_day, data, at in rows:
        alerts[patient_id].append(
            {
                "id": alert_id,
                "patient_id": patient_id,
                "rule": rule,
                "severity": severity,
                "state": state,
                "opened_at": plain(opened_at),
                "opened_day": plain_date(opened_day),
                "data": _json(data),
                "reported_at": plain(at),
            }
        )
    return alerts


def _last_entries(ids: list[int]) -> dict[int, datetime | None]:
    """The newest entry of each patient through the (patient, recorded_at) index, rather than a
    MAX over all of their entries."""
    entries = table(SymptomEntry)
    return {
        patient_id: plain(last)
        for patient_id, last in fetch(
            f"SELECT p.id, (SELECT e.recorded_at FROM {entries} e WHERE e.patient_id = p.id "
            f"ORDER BY e.recorded_at DESC LIMIT 1) FROM {table(Patient)} p "
            f"WHERE p.id IN ({among(ids)})",
            ids,
        )
    }
