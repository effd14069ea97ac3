"""The patient overview's view model, made from what ``loader`` read: current pain, the chart's
trend and its table alternative, session responses, the flare-up summary, frequencies,
screening answers, adherence and alert history over one range of days.

Pure: no ORM and no request; it takes ``OverviewData`` (plain values, and the records the page
shows as they are) and calls the dashboard's arithmetic (``dashboard.summaries``), so it is
tested without a database (tests/dashboard/test_overview_assembler.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from redflags.engine.domain import DayPain, Entry, Session
from redflags.engine.params import RuleParams
from symptoms.choices import SCREENING_QUESTIONS, Intervention

from ..summaries.pain import CurrentPain, baselines_by_day, current_pain, rise_threshold
from ..summaries.responses import (
    Flare,
    FlareSummary,
    SessionResponse,
    flare_summary,
    session_responses,
)
from ..summaries.tallies import (
    ScreeningRow,
    WeekSummary,
    day_frequencies,
    screening_over_time,
    weekly_summary,
)

if TYPE_CHECKING:
    from accounts.models import Patient
    from exercises.selectors import AdherenceReport
    from redflags.models import Alert, TriageAction
    from symptoms.models import Intake

RANGE_4_WEEKS = "4w"
RANGE_12_WEEKS = "12w"
RANGE_ALL = "all"
RANGE_DAYS = {RANGE_4_WEEKS: 28, RANGE_12_WEEKS: 84}
DEFAULT_RANGE = RANGE_4_WEEKS


def range_start(range_key: str, today: date, earliest: date | None) -> date:
    """The first day shown: 4 or 12 weeks back, or for "all" the earliest record (today when
    there is none)."""
    if range_key in RANGE_DAYS:
        return today - timedelta(days=RANGE_DAYS[range_key] - 1)
    return min(earliest or today, today)


def intervention_labels(values: Iterable[str]) -> list[str]:
    return [str(Intervention(value).label) for value in sorted(values) if value in Intervention]


# --- What the loader reads ---------------------------------------------------------------------


@dataclass(frozen=True)
class RangeEntry:
    """What the overview uses of one entry of the range: its sets and screening answers."""

    day: date
    descriptors: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    triggers: frozenset[str] = frozenset()
    #: The screening questions answered "yes", in ``SCREENING_QUESTIONS`` order.
    screening: tuple[str, ...] = ()


@dataclass(frozen=True)
class AlertFact:
    """What the chart and its table use of an alert."""

    opened_day: date
    rule: str
    severity: str
    #: The severity's label in the language of the request.
    severity_label: str
    reason: str = ""
    resolved: bool = False

    @property
    def serious(self) -> bool:
        return self.severity in ("urgent", "emergency")


@dataclass
class AlertHistoryItem:
    alert: Alert
    actions: list[TriageAction] = field(default_factory=list)


@dataclass(frozen=True)
class OverviewData:
    """Everything the overview reads for one range, as ``loader.load_overview`` returns it."""

    patient: Patient
    range_key: str
    today: date
    #: The range's first day (``range_start``).
    start: date
    params: RuleParams
    intake: Intake | None
    intake_baseline: int
    #: Logged days up to today, from the baseline's lookback before ``start`` (all of them for
    #: "all").
    day_pains: list[DayPain]
    #: Sessions up to today, from 2 days before ``start`` (a flare-up can follow them).
    sessions: list[Session]
    next_session: date | None
    #: Entries linked to the sessions shown (before, after and next morning).
    linked_entries: list[Entry]
    #: Flare-ups that overlap the range, by start.
    flares: list[Flare]
    #: The range's entries.
    entries: list[RangeEntry]
    #: Every alert, newest first, with its triage actions (the alert history) ...
    alerts: list[AlertHistoryItem]
    #: ... and the same alerts as plain facts.
    alert_facts: list[AlertFact]
    last_entry_at: datetime | None
    adherence: list[AdherenceReport]


# --- The view model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartDay:
    """One day of the chart's table alternative."""

    day: date
    pain: int | None
    flare_reported: bool
    baseline: Fraction
    in_flare: bool
    sessions: list[str]
    alerts: list[str]


@dataclass(frozen=True)
class BaselineBand:
    """The chart's band on one day: the baseline, up to the smallest meaningful rise over it."""

    day: date
    baseline: Fraction
    rise: Fraction


@dataclass(frozen=True)
class Trend:
    """What the trend chart draws, from the range's first day to today (``chart``)."""

    days: list[DayPain]
    sessions: list[Session]
    #: Every flare-up that overlaps the range (the chart cuts them to it).
    flares: list[Flare]
    baseline: list[BaselineBand]
    alerts: list[AlertFact]


@dataclass
class PatientOverview:
    patient: Patient
    range_key: str
    start: date
    today: date
    params: RuleParams
    intake: Intake | None
    current: CurrentPain | None
    logged_days: int
    trend: Trend
    #: The chart's table alternative: a row per day of up to 12 weeks, else a row per week.
    chart_days: list[ChartDay]
    chart_weeks: list[WeekSummary]
    responses: list[SessionResponse]
    flare_summary: FlareSummary
    #: Flare-ups that began in the range.
    flares: list[Flare]
    descriptors: list[tuple[str, int]]
    regions: list[tuple[str, int]]
    screening: list[ScreeningRow]
    adherence: list[AdherenceReport]
    alerts: list[AlertHistoryItem]
    open_alerts: int
    last_entry_at: datetime | None
    next_session: date | None

    @property
    def range_days(self) -> int:
        return (self.today - self.start).days + 1

    @property
    def has_entries(self) -> bool:
        return self.last_entry_at is not None

    @property
    def adherence_rows(self) -> list[tuple[Any, Any, Any]]:
        """(exercise, 7-day share or None, 28-day share or None) per exercise."""
        week, month = self.adherence
        weekly = {exercise.pk: share for exercise, share in week.rows}
        rows = [(exercise, weekly.pop(exercise.pk, None), share) for exercise, share in month.rows]
        return rows


# --- Assembly ------------------------------------------------------------------------------------


def build_overview(data: OverviewData) -> PatientOverview:
    """The overview of ``data``'s range: no query, no request."""
    start, today, params = data.start, data.today, data.params
    trend = _trend(data)
    started_in_range = [f for f in data.flares if f.start >= start]
    chart_days, chart_weeks = _chart_table(trend, start=start, today=today)
    return PatientOverview(
        patient=data.patient,
        range_key=data.range_key,
        start=start,
        today=today,
        params=params,
        intake=data.intake,
        current=current_pain(data.day_pains, data.intake_baseline, params),
        logged_days=len(trend.days),
        trend=trend,
        chart_days=chart_days,
        chart_weeks=chart_weeks,
        responses=list(
            reversed(
                session_responses(
                    data.sessions,
                    data.linked_entries,
                    data.day_pains,
                    data.intake_baseline,
                    data.flares,
                    params,
                    since=start,
                )
            )
        ),
        flare_summary=flare_summary(
            started_in_range,
            data.sessions,
            [(entry.day, entry.triggers) for entry in data.entries if entry.triggers],
            [d.day for d in trend.days if d.flare_yes],
            today=today,
            params=params,
            since=start,
        ),
        flares=started_in_range,
        descriptors=day_frequencies((entry.day, entry.descriptors) for entry in data.entries),
        regions=day_frequencies((entry.day, entry.regions) for entry in data.entries),
        screening=screening_over_time(
            ((entry.day, entry.screening) for entry in data.entries), list(SCREENING_QUESTIONS)
        ),
        adherence=data.adherence,
        alerts=data.alerts,
        open_alerts=sum(1 for fact in data.alert_facts if not fact.resolved),
        last_entry_at=data.last_entry_at,
        next_session=data.next_session,
    )


def _trend(data: OverviewData) -> Trend:
    start, today = data.start, data.today
    shown_days = [start + timedelta(days=n) for n in range((today - start).days + 1)]
    baselines = baselines_by_day(data.day_pains, shown_days, data.intake_baseline, data.params)
    return Trend(
        days=[d for d in data.day_pains if d.day >= start],
        sessions=[s for s in data.sessions if s.day >= start],
        flares=data.flares,
        baseline=[
            BaselineBand(day, value, rise_threshold(value, data.params))
            for day, value in baselines.items()
        ],
        alerts=[fact for fact in data.alert_facts if start <= fact.opened_day <= today],
    )


def _chart_table(
    trend: Trend, *, start: date, today: date
) -> tuple[list[ChartDay], list[WeekSummary]]:
    """The chart's table alternative: a row per day with something on it for up to 12 weeks,
    else a row per week."""
    shown_days = [band.day for band in trend.baseline]
    if len(shown_days) > RANGE_DAYS[RANGE_12_WEEKS]:
        weeks = weekly_summary(
            trend.days,
            start=start,
            end=today,
            flare_days=[day for day in shown_days if _in_flare(day, trend.flares, today)],
            session_days=[s.day for s in trend.sessions],
            alert_days=[fact.opened_day for fact in trend.alerts],
        )
        return [], weeks
    by_day = {d.day: d for d in trend.days}
    sessions_by_day: dict[date, list[str]] = defaultdict(list)
    for s in trend.sessions:
        sessions_by_day[s.day].append(", ".join(intervention_labels(s.interventions)) or "-")
    alerts_by_day: dict[date, list[str]] = defaultdict(list)
    for fact in trend.alerts:
        alerts_by_day[fact.opened_day].append(f"{fact.rule} {fact.severity_label}")
    days = [
        ChartDay(
            day=band.day,
            pain=by_day[band.day].daily_pain if band.day in by_day else None,
            flare_reported=by_day[band.day].flare_yes if band.day in by_day else False,
            baseline=band.baseline,
            in_flare=_in_flare(band.day, trend.flares, today),
            sessions=sessions_by_day.get(band.day, []),
            alerts=alerts_by_day.get(band.day, []),
        )
        for band in trend.baseline
        if band.day in by_day or band.day in sessions_by_day or band.day in alerts_by_day
    ]
    return days, []


def _in_flare(day: date, flares: Sequence[Flare], today: date) -> bool:
    return any(f.covers(day, today) for f in flares)
