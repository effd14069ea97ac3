"""The raw-SQL floor of the benchmarked pages: what their data costs with nothing around it.

Each function runs a few plain SQL statements through ``connection.cursor()`` and fetches every
row into Python: no ORM, no model instances, no domain arithmetic, no template, no middleware.
``make bench`` times them beside the pages, and reports each page's p50 over its floor's p50:
a ratio that says how much the page costs on top of its data, and that moves far less with the
load of a shared machine than milliseconds do (docs/benchmarks.md).

The floors read what the pages read (``DailySummary`` for daily pain, the indexes the pages
use), so a page can only come near its floor by doing less around its queries, not by having
a slower floor to compare with.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import connection

from accounts.models import Patient, User
from exercises.models import Exercise, ExerciseLog, Plan, PlanItem, PlanVersion
from outcomes.models import GROCResponse, PSFSAssessment, PSFSRating
from redflags.models import Alert, FlareEpisode, RuleSetVersion, TriageAction
from symptoms.choices import SCREENING_QUESTIONS
from symptoms.models import DailySummary, Intake, PTSession, SymptomEntry

#: Days of daily pain in a caseload row (as ``dashboard.caseload.SPARKLINE_DAYS``).
CASELOAD_DAYS = 28
#: The overview's default range: today and the 27 days before.
OVERVIEW_DAYS = 28
#: What the overview reads before its first day: the 14-day baseline window and the 2 days a
#: session can precede the flare-up it is linked to.
OVERVIEW_LOOKBACK_DAYS = 14 + 2
#: The overview's adherence table covers the last 28 days.
ADHERENCE_DAYS = 28
#: Patients on one caseload page (``dashboard.caseload.CASELOAD_PAGE_SIZE``): the Outcome
#: column is worked out for them only.
PAGE_SIZE = 25
#: "Pain now": the last 7 logged days (``care.outcomes.PAIN_NOW_DAYS``).
PAIN_NOW_DAYS = 7


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _fetch(sql: str, params: list[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def caseload_floor(therapist_id: int, today: date) -> dict[str, list[tuple]]:
    """For every patient of the therapist's caseload: the last 28 days of daily maximum pain,
    the number of open alerts and the time of the latest entry; for a page of them, the outcome
    measures. Seven statements."""
    caseload = f"SELECT patient_id FROM {_table(Patient.therapists.through)} WHERE user_id = %s"
    first = today - timedelta(days=CASELOAD_DAYS - 1)
    page = f"SELECT patient_id AS id FROM ({caseload}) caseload LIMIT {PAGE_SIZE}"
    outcomes = {
        name: _fetch(sql, params)
        for name, (sql, params) in outcome_statements(page, [therapist_id]).items()
    }
    return outcomes | {
        "pains": _fetch(
            f"SELECT patient_id, day, daily_pain FROM {_table(DailySummary)} "
            f"WHERE patient_id IN ({caseload}) AND day >= %s AND day <= %s "
            "ORDER BY patient_id, day",
            [therapist_id, first, today],
        ),
        "open_alerts": _fetch(
            f"SELECT patient_id, COUNT(*) FROM {_table(Alert)} "
            f"WHERE patient_id IN ({caseload}) AND state <> 'resolved' GROUP BY patient_id",
            [therapist_id],
        ),
        # Through the (patient, recorded_at) index, as the page reads it.
        "last_entries": _fetch(
            f"SELECT c.patient_id, (SELECT MAX(e.recorded_at) FROM {_table(SymptomEntry)} e "
            "WHERE e.patient_id = c.patient_id) "
            f"FROM {_table(Patient.therapists.through)} c WHERE c.user_id = %s",
            [therapist_id],
        ),
    }


def outcome_statements(patients_sql: str, params: list[Any]) -> dict[str, tuple[str, list]]:
    """The outcome measures of the patients ``patients_sql`` selects (a column ``id``; issue
    16): intakes, the last 7 logged days, the first and latest PSFS ratings, the GROC answers."""
    days = _table(DailySummary)
    assessments = _table(PSFSAssessment)
    first_last = (
        f"SELECT (SELECT id FROM {assessments} a WHERE a.patient_id = p.id ORDER BY day, id "
        f"LIMIT 1) FROM ({patients_sql}) p UNION SELECT (SELECT id FROM {assessments} a "
        f"WHERE a.patient_id = p.id ORDER BY day DESC, id DESC LIMIT 1) FROM ({patients_sql}) p"
    )
    return {
        "outcome_intakes": (
            f"SELECT patient_id, baseline_pain FROM {_table(Intake)} "
            f"WHERE patient_id IN ({patients_sql})",
            params,
        ),
        "outcome_pains": (
            f"SELECT d.patient_id, d.day, d.daily_pain FROM {days} d WHERE d.patient_id IN "
            f"({patients_sql}) AND d.day >= COALESCE((SELECT day FROM {days} x WHERE "
            f"x.patient_id = d.patient_id ORDER BY day DESC LIMIT 1 OFFSET {PAIN_NOW_DAYS - 1}), "
            "'0001-01-01')",
            params,
        ),
        "outcome_psfs": (
            f"SELECT a.patient_id, a.day, r.rating FROM {_table(PSFSRating)} r "
            f"JOIN {assessments} a ON a.id = r.assessment_id WHERE a.id IN ({first_last})",
            params + params,
        ),
        "outcome_groc": (
            f"SELECT patient_id, day, score FROM {_table(GROCResponse)} "
            f"WHERE patient_id IN ({patients_sql}) ORDER BY patient_id, day",
            params,
        ),
    }


def _days_before(column: str) -> str:
    """SQL for the date ``%s`` days (``_days_param``) before ``column``, in this database's
    dialect: SQLite's date() modifiers, PostgreSQL's date minus an integer."""
    if connection.vendor == "postgresql":
        return f"({column} - %s)"
    return f"date({column}, %s)"


def _days_param(days: int) -> int | str:
    return days if connection.vendor == "postgresql" else f"-{days} days"


def clinic_flares_floor(clinic_id: int, start: date, last: date, link_days: int = 2) -> dict:
    """The clinic's sessions from ``start`` to ``last`` counted per diagnosis and set of
    interventions, with how many a flare-up followed (the session a flare-up belongs to: the
    patient's latest from 2 days before its start to its start), and the number of sessions.
    Two statements."""
    sessions, flares, patients = _table(PTSession), _table(FlareEpisode), _table(Patient)
    linked = (
        f"SELECT (SELECT s.id FROM {sessions} s WHERE s.patient_id = f.patient_id "
        f"AND s.date <= f.start AND s.date >= {_days_before('f.start')} "
        "ORDER BY s.date DESC, s.id DESC "
        f"LIMIT 1) FROM {flares} f JOIN {patients} fp ON fp.id = f.patient_id "
        "WHERE fp.clinic_id = %s AND f.start >= %s AND f.start <= %s"
    )
    scope = (
        f"FROM {sessions} s JOIN {patients} p ON p.id = s.patient_id "
        "WHERE p.clinic_id = %s AND s.date >= %s AND s.date <= %s"
    )
    return {
        "counts": _fetch(
            "SELECT s.interventions, i.conditions, COUNT(*), "
            f"SUM(CASE WHEN s.id IN ({linked}) THEN 1 ELSE 0 END) "
            f"FROM {sessions} s JOIN {patients} p ON p.id = s.patient_id "
            f"LEFT JOIN {_table(Intake)} i ON i.patient_id = p.id "
            "WHERE p.clinic_id = %s AND s.date >= %s AND s.date <= %s "
            "GROUP BY s.interventions, i.conditions",
            [_days_param(link_days), clinic_id, start, last + timedelta(days=link_days)]
            + [clinic_id, start, last],
        ),
        "sessions": _fetch(f"SELECT COUNT(*) {scope}", [clinic_id, start, last]),
    }


def overview_floor(patient_id: int, today: date, start: date | None) -> dict[str, list[tuple]]:
    """What one patient's overview cannot do without, from ``start`` (None: the whole history)
    to ``today``: the patient and their intake, the clinic's rule set, daily pain (with the
    baseline's lookback), sessions (with the next one booked), the range's entries with their
    sets and screening answers, flare-ups, alerts with their triage actions, the latest entry
    and the last 28 days of exercise plan and doses, and the outcome measures. Fifteen
    statements."""
    since = start - timedelta(days=OVERVIEW_LOOKBACK_DAYS) if start else date.min
    entries_from = start or date.min
    screening = ", ".join(connection.ops.quote_name(name) for name in SCREENING_QUESTIONS)
    adherence_from = today - timedelta(days=ADHERENCE_DAYS - 1)
    plans = f"SELECT id FROM {_table(Plan)} WHERE patient_id = %s"
    versions = f"SELECT id FROM {_table(PlanVersion)} WHERE plan_id IN ({plans})"
    end = connection.ops.quote_name("end")
    statements: dict[str, tuple[str, list[Any]]] = {
        "patient": (
            f"SELECT p.id, p.clinic_id, p.time_zone, u.full_name, u.email "
            f"FROM {_table(Patient)} p JOIN {_table(User)} u ON u.id = p.user_id WHERE p.id = %s",
            [patient_id],
        ),
        "intake": (
            "SELECT conditions, baseline_pain, baseline_regions, cancer_history, diabetes "
            f"FROM {_table(Intake)} WHERE patient_id = %s",
            [patient_id],
        ),
        "rule_set": (
            f"SELECT params FROM {_table(RuleSetVersion)} WHERE clinic_id = "
            f"(SELECT clinic_id FROM {_table(Patient)} WHERE id = %s) ORDER BY number DESC LIMIT 1",
            [patient_id],
        ),
        "pains": (
            f"SELECT day, daily_pain, flare_yes FROM {_table(DailySummary)} "
            "WHERE patient_id = %s AND day >= %s AND day <= %s ORDER BY day",
            [patient_id, since, today],
        ),
        "sessions": (
            f"SELECT id, date, interventions FROM {_table(PTSession)} "
            "WHERE patient_id = %s AND date >= %s ORDER BY date, id",
            [patient_id, since],
        ),
        "entries": (
            "SELECT day, context, session_id, pain_now, pain_worst, descriptors, regions, "
            f"triggers, {screening} FROM {_table(SymptomEntry)} "
            "WHERE patient_id = %s AND day >= %s AND day <= %s",
            [patient_id, entries_from, today],
        ),
        "flares": (
            f"SELECT start, {end}, self_reported, peak FROM {_table(FlareEpisode)} "
            f"WHERE patient_id = %s AND start <= %s AND ({end} IS NULL OR {end} >= %s) "
            "ORDER BY start",
            [patient_id, today, entries_from],
        ),
        "alerts": (
            "SELECT a.id, a.rule, a.severity, a.state, a.opened_at, a.opened_day, a.reason, "
            "t.kind, t.contact_method, t.note, t.created_at, u.full_name "
            f"FROM {_table(Alert)} a LEFT JOIN {_table(TriageAction)} t ON t.alert_id = a.id "
            f"LEFT JOIN {_table(User)} u ON u.id = t.actor_id "
            "WHERE a.patient_id = %s ORDER BY a.opened_at DESC, a.id DESC, t.created_at, t.id",
            [patient_id],
        ),
        "last_entry": (
            f"SELECT MAX(recorded_at) FROM {_table(SymptomEntry)} WHERE patient_id = %s",
            [patient_id],
        ),
        "plan": (
            "SELECT v.number, v.start_date, v.end_date, i.exercise_id, x.name, i.times_per_day, "
            f"i.days_per_week FROM {_table(PlanVersion)} v "
            f"JOIN {_table(PlanItem)} i ON i.version_id = v.id "
            f"JOIN {_table(Exercise)} x ON x.id = i.exercise_id WHERE v.id IN ({versions})",
            [patient_id],
        ),
        "doses": (
            f"SELECT exercise_id, day, COUNT(*) FROM {_table(ExerciseLog)} "
            "WHERE patient_id = %s AND day >= %s AND day <= %s GROUP BY exercise_id, day",
            [patient_id, adherence_from, today],
        ),
    }
    statements |= outcome_statements("SELECT %s AS id", [patient_id])
    return {name: _fetch(sql, params) for name, (sql, params) in statements.items()}
