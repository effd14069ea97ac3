"""What the patient overview reads for one range of days: eleven queries whatever the length of
the history, returned as ``assembler.OverviewData`` for ``assembler.build_overview``.

Queries only: the rule set, the intake, daily pain (``symptoms.DailySummary``, with the 14 days
the baseline looks back), sessions, the entries linked to the sessions shown, flare-ups, the
range's entries (for region, descriptor, trigger and screening counts), alerts and their triage
actions, the latest entry, and adherence (three, in ``exercises.selectors``).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.db.models import Max, Prefetch, Q, TextField
from django.db.models.functions import Cast

from accounts.models import Patient
from exercises.selectors import adherence_reports
from redflags.engine.domain import DayPain, Entry, Session
from redflags.engine.params import RuleParams
from redflags.models import Alert, AlertState, FlareEpisode, TriageAction
from redflags.report_times import report_time
from symptoms.choices import SCREENING_QUESTIONS, Context
from symptoms.models import DailySummary, Intake, PTSession, SymptomEntry

from ..adherence import ADHERENCE_DAYS
from ..selectors import rule_params_for_clinic
from ..summaries.responses import Flare
from .assembler import (
    DEFAULT_RANGE,
    RANGE_DAYS,
    AlertFact,
    AlertHistoryItem,
    OverviewData,
    RangeEntry,
    range_start,
)


def load_overview(
    patient: Patient, range_key: str = DEFAULT_RANGE, today: date | None = None
) -> OverviewData:
    """Everything the patient overview and its printable summary show, over one range of days.
    Eleven queries, whatever the length of the history."""
    today = today or patient.local_day()
    params = rule_params_for_clinic(patient.clinic_id)
    intake = Intake.objects.filter(patient=patient).first()
    day_pains, sessions, next_session = _pains_and_sessions(patient, range_key, today, params)
    earliest = min([d.day for d in day_pains[:1]] + [s.day for s in sessions[:1]], default=None)
    start = range_start(range_key, today, earliest)
    shown_sessions = [s for s in sessions if s.day >= start]
    linked_entries = _linked_entries(patient, shown_sessions)
    flares = [
        Flare(start=row.start, end=row.end, self_reported=row.self_reported, peak=row.peak)
        for row in FlareEpisode.objects.filter(patient=patient, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .order_by("start")
    ]
    entries = _range_entries(patient, start, today)
    alerts = _alerts(patient)
    last_entry_at = SymptomEntry.objects.filter(patient=patient).aggregate(last=Max("recorded_at"))[
        "last"
    ]
    return OverviewData(
        patient=patient,
        range_key=range_key,
        today=today,
        start=start,
        params=params,
        intake=intake,
        intake_baseline=intake.baseline_pain if intake else 0,
        day_pains=day_pains,
        sessions=sessions,
        next_session=next_session,
        linked_entries=linked_entries,
        flares=flares,
        entries=entries,
        alerts=alerts,
        alert_facts=[_fact(item.alert) for item in alerts],
        last_entry_at=last_entry_at,
        adherence=adherence_reports(patient, today, (ADHERENCE_DAYS, 28)),
    )


def _pains_and_sessions(
    patient: Patient, range_key: str, today: date, params: RuleParams
) -> tuple[list[DayPain], list[Session], date | None]:
    """Daily pain up to today and sessions up to today, reaching back from a fixed range's
    first day as far as its first day needs: the baseline looks 14 days back, and a session 2
    days before can be the one a flare-up followed. The whole history for "all". Also the next
    session booked after today. Two queries."""
    summaries = DailySummary.objects.filter(patient=patient, day__lte=today)
    sessions = PTSession.objects.filter(patient=patient)
    if range_key in RANGE_DAYS:
        first = range_start(range_key, today, None)
        lookback = timedelta(days=params.baseline_window_days + params.flare_session_link_days)
        summaries = summaries.filter(day__gte=first - lookback)
        sessions = sessions.filter(date__gte=first - timedelta(days=params.flare_session_link_days))
    day_pains = [
        DayPain(day, pain, flare_yes)
        for day, pain, flare_yes in summaries.order_by("day").values_list(
            "day", "daily_pain", "flare_yes"
        )
    ]
    rows = list(sessions.order_by("date", "id").values("id", "date", "interventions", "kind"))
    past = [
        Session(id=row["id"], day=row["date"], interventions=frozenset(row["interventions"] or ()))
        for row in rows
        if row["date"] <= today
    ]
    next_session = next((row["date"] for row in rows if row["date"] > today), None)
    return day_pains, past, next_session


def _linked_entries(patient: Patient, sessions: list[Session]) -> list[Entry]:
    """The before, after and next-morning entries of the sessions shown; no query without one."""
    if not sessions:
        return []
    return [
        Entry(
            id=row["id"],
            day=row["day"],
            recorded_at=row["recorded_at"],
            context=row["context"],
            session_id=row["session_id"],
            pain_now=row["pain_now"],
            pain_worst=row["pain_worst"],
        )
        for row in SymptomEntry.objects.filter(
            patient=patient,
            session_id__in=[s.id for s in sessions],
            context__in=[Context.BEFORE_SESSION, Context.AFTER_SESSION, Context.NEXT_MORNING],
        ).values("id", "day", "recorded_at", "context", "session_id", "pain_now", "pain_worst")
    ]


def _range_entries(patient: Patient, start: date, today: date) -> list[RangeEntry]:
    """The sets come as JSON text and are parsed once per distinct value: a year of entries
    repeats a few dozen combinations."""
    questions = list(SCREENING_QUESTIONS)
    parsed: dict[str | None, frozenset[str]] = {}

    def as_set(text: str | None) -> frozenset[str]:
        if text not in parsed:
            parsed[text] = frozenset(json.loads(text) if text else ())
        return parsed[text]

    rows = (
        SymptomEntry.objects.filter(patient=patient, day__gte=start, day__lte=today)
        .annotate(
            descriptors_text=Cast("descriptors", TextField()),
            regions_text=Cast("regions", TextField()),
            triggers_text=Cast("triggers", TextField()),
        )
        .values_list("day", "descriptors_text", "regions_text", "triggers_text", *questions)
    )
    return [
        RangeEntry(
            day=row[0],
            descriptors=as_set(row[1]),
            regions=as_set(row[2]),
            triggers=as_set(row[3]),
            screening=tuple(name for name, value in zip(questions, row[4:], strict=True) if value),
        )
        for row in rows
    ]


def _alerts(patient: Patient) -> list[AlertHistoryItem]:
    """Every alert, newest first, with its triage actions: two queries."""
    actions = TriageAction.objects.select_related("actor").order_by("created_at", "id")
    rows = (
        Alert.objects.filter(patient=patient)
        # When the patient reported it, for the strip of open alerts (issue 11).
        .annotate(reported_at=report_time(first=True))
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("-opened_at", "-id")
    )
    return [AlertHistoryItem(alert, list(alert.actions.all())) for alert in rows]


def _fact(alert: Alert) -> AlertFact:
    return AlertFact(
        opened_day=alert.opened_day,
        rule=alert.rule,
        severity=alert.severity,
        severity_label=str(alert.get_severity_display()),
        reason=alert.reason,
        resolved=alert.state == AlertState.RESOLVED,
    )
