"""The clinician dashboard's own arithmetic: risk order, current pain, session response, the
flare-up summary, time to acknowledgement, alert ages and frequencies (issue 5).

Pure: plain values in, frozen dataclasses out, no ORM, so every figure is checked against a
hand-computed fixture in milliseconds (tests/dashboard/test_summaries.py). The clinical
definitions are CLINICAL.md's and come from ``redflags.engine.baseline`` and
``redflags.engine.flare`` (baseline, meaningful rise and fall, pre-session pain, the flare's
session link); nothing here re-implements them. Choices CLINICAL.md leaves open are written up
in docs/clinical-decisions.md, "Clinician dashboard".
"""

from __future__ import annotations

import enum
import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from redflags.engine.baseline import (
    baseline_on,
    is_meaningful_fall,
    is_meaningful_rise,
    median,
    pains_between,
    pre_session_pain,
)
from redflags.engine.domain import SEVERITY_ORDER, DayPain, Entry, Session, severity_rank
from redflags.engine.flare import flare_session_link
from redflags.engine.params import RuleParams

#: "Not logging": no symptom entry on any of the last N days (today and the N - 1 days before).
NOT_LOGGING_DAYS = 3
#: The caseload's flare column: a flare-up open now or ended within the last N days.
RECENT_FLARE_DAYS = 28
#: Days of daily pain in a caseload row's sparkline (today and the 27 days before).
SPARKLINE_DAYS = 28
#: Days of the caseload's adherence figure (today and the 6 days before).
ADHERENCE_DAYS = 7
#: The clinic view's time to acknowledgement covers alerts opened in the last N days.
ACK_WINDOW_DAYS = 30
#: ... and reports the median and this percentile (nearest-rank method).
ACK_PERCENTILE = 90
#: Open alerts are grouped by age: under 1 day, 1 to 3 days, 3 to 7 days, 7 days or more.
ALERT_AGE_LIMITS = (timedelta(days=1), timedelta(days=3), timedelta(days=7))
#: The flare-up summary names the N most frequent self-reported triggers.
TOP_TRIGGERS = 3

#: Alert severities from most to least serious, for tables.
SEVERITIES_MOST_SERIOUS_FIRST: tuple[str, ...] = tuple(reversed(SEVERITY_ORDER))
#: Rank of "no unresolved alert", below every severity rank (low = 0 ... emergency = 3).
NO_ALERT_RANK = -1


# --- Risk order ---------------------------------------------------------------------------------


class Risk(enum.IntEnum):
    """The caseload's order, most pressing first (issue 5, "Sorted by risk")."""

    EMERGENCY = 0
    URGENT = 1
    ACTIVE_FLARE = 2
    REVIEW = 3
    NOT_LOGGING = 4
    OTHER = 5


def alert_rank(severity: str | None) -> int:
    """The rank of a patient's highest unresolved alert severity; NO_ALERT_RANK for none."""
    return NO_ALERT_RANK if severity is None else severity_rank(severity)


def risk_of(open_severity: str | None, *, flare_open: bool, not_logging: bool) -> Risk:
    """Where a patient sorts: an unresolved emergency alert, then urgent, then an open flare-up,
    then a review alert, then not logging, then the rest (a low alert sorts with the rest).

    ``selectors.risk_expression`` is the same decision in SQL, so a caseload of any size is
    ordered before it is paginated; a test checks that the two agree on every combination."""
    rank = alert_rank(open_severity)
    if rank >= severity_rank("emergency"):
        return Risk.EMERGENCY
    if rank >= severity_rank("urgent"):
        return Risk.URGENT
    if flare_open:
        return Risk.ACTIVE_FLARE
    if rank >= severity_rank("review"):
        return Risk.REVIEW
    if not_logging:
        return Risk.NOT_LOGGING
    return Risk.OTHER


def not_logging_since(today: date) -> date:
    """The first of the last NOT_LOGGING_DAYS days: an entry on or after it counts as logging."""
    return today - timedelta(days=NOT_LOGGING_DAYS - 1)


def is_not_logging(last_entry_day: date | None, today: date, *, on_caseload_since: date) -> bool:
    """No entry in the last NOT_LOGGING_DAYS days. A patient who never logged counts once they
    have been on the caseload that long, so a patient added this morning is not flagged."""
    since = not_logging_since(today)
    if last_entry_day is None:
        return on_caseload_since < since
    return last_entry_day < since


# --- Current pain and direction ------------------------------------------------------------------


class Direction(enum.StrEnum):
    RISE = "rise"
    FALL = "fall"
    STEADY = "steady"


def pain_direction(pain: int | Fraction, baseline: int | Fraction, params: RuleParams) -> Direction:
    """A meaningful rise over the baseline, a meaningful fall from it, else steady (CLINICAL.md
    section 2; the fall mirrors the rise, section 5)."""
    if is_meaningful_rise(pain, baseline, params):
        return Direction.RISE
    if is_meaningful_fall(baseline, pain, params):
        return Direction.FALL
    return Direction.STEADY


@dataclass(frozen=True)
class CurrentPain:
    """The latest logged day's daily pain against the baseline on that day."""

    day: date
    pain: int
    baseline: Fraction
    baseline_from_intake: bool
    direction: Direction


def _sorted_days(day_pains: Iterable[DayPain]) -> list[DayPain]:
    return sorted(day_pains, key=lambda d: d.day)


def uses_intake_baseline(day: date, day_pains: Iterable[DayPain], params: RuleParams) -> bool:
    """Whether the baseline on ``day`` falls back to the intake (fewer than 3 logged days among
    the 14 before it)."""
    window = pains_between(
        day_pains, day - timedelta(days=params.baseline_window_days), day - timedelta(days=1)
    )
    return len(window) < params.baseline_min_days


def current_pain(
    day_pains: Iterable[DayPain], intake_baseline: int, params: RuleParams
) -> CurrentPain | None:
    """ "Current pain" is the latest logged day's daily pain; it is compared with the baseline
    on that day (the median of the logged days among the 14 before it, else the intake's
    ``baseline_pain``). None when nothing was ever logged."""
    ordered = _sorted_days(day_pains)
    if not ordered:
        return None
    latest = ordered[-1]
    baseline = baseline_on(latest.day, ordered, intake_baseline, params)
    return CurrentPain(
        day=latest.day,
        pain=latest.daily_pain,
        baseline=baseline,
        baseline_from_intake=uses_intake_baseline(latest.day, ordered, params),
        direction=pain_direction(latest.daily_pain, baseline, params),
    )


def rise_threshold(baseline: Fraction, params: RuleParams) -> Fraction:
    """The smallest daily pain that is a meaningful rise over ``baseline``: B + max(2, 0.3 x B).
    The chart's baseline band runs from the baseline up to here."""
    return baseline + max(Fraction(params.rise_min_points), params.rise_min_fraction * baseline)


def baselines_by_day(
    day_pains: Iterable[DayPain], days: Iterable[date], intake_baseline: int, params: RuleParams
) -> dict[date, Fraction]:
    """The baseline on each of ``days``, through ``baseline_on`` on just that day's window, so a
    year of days costs a year of 14-day windows rather than a year of full scans."""
    ordered = _sorted_days(day_pains)
    keys = [d.day for d in ordered]
    result = {}
    for day in days:
        first = bisect_left(keys, day - timedelta(days=params.baseline_window_days))
        last = bisect_left(keys, day)
        result[day] = baseline_on(day, ordered[first:last], intake_baseline, params)
    return result


# --- Session response ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Flare:
    """A flare-up as stored (CLINICAL.md section 3): ``end`` None while open."""

    start: date
    end: date | None = None
    self_reported: bool = False
    peak: int | None = None

    def last_day(self, today: date) -> date:
        return self.end or today

    def covers(self, day: date, today: date) -> bool:
        return self.start <= day <= self.last_day(today)


@dataclass(frozen=True)
class SessionResponse:
    """One row of the session response table (issue 5)."""

    session: Session
    pre: Fraction
    #: True when pre-session pain is the patient's before-session entry, False for the baseline.
    pre_from_entry: bool
    #: Highest ``pain_worst`` of the after-session entries linked to the session.
    post: int | None
    #: Highest ``pain_now`` of the next-morning entries linked to the session.
    next_morning: int | None
    #: Settled within 24 hours: next-morning pain is not a meaningful rise over pre-session
    #: pain. None when there is no next-morning entry.
    settled: bool | None
    #: The flare-up that followed it (started on the session's day up to 2 days after).
    flare: Flare | None


def flares_by_session(
    flares: Iterable[Flare], sessions: Sequence[Session], params: RuleParams
) -> dict[int | None, list[Flare]]:
    """Each flare under the session it followed (``flare_session_link``: the latest session from
    2 days before its start to its start day), or under None when it followed none."""
    result: dict[int | None, list[Flare]] = {}
    for flare in flares:
        linked = flare_session_link(flare.start, sessions, params)
        result.setdefault(linked.id if linked else None, []).append(flare)
    return result


def session_responses(
    sessions: Sequence[Session],
    linked_entries: Iterable[Entry],
    day_pains: Sequence[DayPain],
    intake_baseline: int,
    flares: Iterable[Flare],
    params: RuleParams,
    *,
    since: date | None = None,
) -> list[SessionResponse]:
    """The response to each of ``sessions`` on or after ``since`` (oldest first), from the
    entries linked to them.

    ``day_pains`` must reach 14 days before the first session (the pre-session fallback is the
    baseline on the session's day). ``flares`` are linked with ``flare_session_link`` over all of
    ``sessions``, so pass the sessions up to 2 days before ``since`` too: a flare-up starting on
    ``since`` may follow one of them."""
    ordered = sorted(sessions, key=lambda s: (s.day, s.id or 0))
    by_session: dict[int | None, list[Entry]] = {}
    for entry in linked_entries:
        by_session.setdefault(entry.session_id, []).append(entry)
    linked_flares = flares_by_session(flares, ordered, params)
    rows = []
    for session in ordered:
        if since is not None and session.day < since:
            continue
        entries = by_session.get(session.id, [])
        before = [e for e in entries if e.context == "before_session"]
        after = [e.pain_worst for e in entries if e.context == "after_session"]
        mornings = [e.pain_now for e in entries if e.context == "next_morning"]
        pre = pre_session_pain(entries, session.day, day_pains, intake_baseline, params)
        next_morning = max(mornings) if mornings else None
        settled = None
        if next_morning is not None:
            settled = not is_meaningful_rise(next_morning, pre, params)
        followed = linked_flares.get(session.id, [])
        rows.append(
            SessionResponse(
                session=session,
                pre=pre,
                pre_from_entry=bool(before),
                post=max(after) if after else None,
                next_morning=next_morning,
                settled=settled,
                flare=min(followed, key=lambda f: f.start) if followed else None,
            )
        )
    return rows


# --- Flare-up summary ----------------------------------------------------------------------------


@dataclass(frozen=True)
class InterventionLink:
    """How often flare-ups followed sessions with one intervention."""

    intervention: str
    #: Flare-ups that followed a session with this intervention.
    flares_after: int
    #: Sessions with this intervention.
    sessions_with: int


@dataclass(frozen=True)
class FlareSummary:
    count: int
    open_count: int
    #: Duration of an ended flare-up: days from its start to the day it settled.
    total_days: int
    median_days: Fraction | None
    #: Flare-ups that began on a session's day or up to 2 days after it.
    after_session: int
    interventions: tuple[InterventionLink, ...]
    #: (trigger, number of flare-ups in which the patient named it), most frequent first.
    triggers: tuple[tuple[str, int], ...]
    #: Flare-ups that started with the patient saying "yes, a flare-up".
    self_reported: int
    #: Flare-ups found from the pain pattern alone (two meaningfully raised days).
    computed: int
    #: Logged days on which the patient said they were having a flare-up.
    reported_days: int
    #: ... of which inside a flare-up period.
    reported_days_in_flares: int

    @property
    def closed_count(self) -> int:
        return self.count - self.open_count

    @property
    def reported_days_outside(self) -> int:
        return self.reported_days - self.reported_days_in_flares


def flare_duration(flare: Flare) -> int | None:
    """Days from the start to the day it was seen to have settled; None while open."""
    return None if flare.end is None else (flare.end - flare.start).days


def flare_summary(
    flares: Sequence[Flare],
    sessions: Sequence[Session],
    trigger_entries: Iterable[tuple[date, Iterable[str]]],
    reported_days: Iterable[date],
    *,
    today: date,
    params: RuleParams,
    since: date | None = None,
    top: int = TOP_TRIGGERS,
) -> FlareSummary:
    """Flare-ups across sessions (issue 5): count, total and median duration of the ended ones,
    how many began within 2 days after a session, which interventions preceded them, the most
    frequent self-reported triggers and self-reported against computed flare-ups.

    ``trigger_entries`` are (day, triggers) of entries; a trigger counts once per flare-up in
    whose days (start to end, or to ``today`` while open) the patient named it.
    ``reported_days`` are the days on which an entry said ``is_flare = yes``.
    ``sessions`` are those a flare could follow; those before ``since`` only link flare-ups
    (their interventions are not counted in ``sessions_with``)."""
    flares = sorted(flares, key=lambda f: f.start)
    durations = [d for d in (flare_duration(f) for f in flares) if d is not None]
    linked = flares_by_session(flares, sessions, params)
    by_id = {s.id: s for s in sessions}

    flares_after: Counter[str] = Counter()
    for session_id, followed in linked.items():
        if session_id is None:
            continue
        for intervention in by_id[session_id].interventions:
            flares_after[intervention] += len(followed)
    sessions_with: Counter[str] = Counter(
        i for s in sessions if since is None or s.day >= since for i in s.interventions
    )
    interventions = tuple(
        sorted(
            (
                InterventionLink(name, flares_after[name], sessions_with[name])
                for name in flares_after
            ),
            key=lambda link: (-link.flares_after, link.intervention),
        )
    )

    trigger_counts: Counter[str] = Counter()
    entries = [(day, frozenset(triggers)) for day, triggers in trigger_entries]
    for flare in flares:
        named: set[str] = set()
        for day, triggers in entries:
            if flare.covers(day, today):
                named |= triggers
        trigger_counts.update(named)
    triggers = tuple(sorted(trigger_counts.items(), key=lambda pair: (-pair[1], pair[0]))[:top])

    reported = set(reported_days)
    in_flares = {day for day in reported if any(f.covers(day, today) for f in flares)}
    self_reported = sum(1 for f in flares if f.self_reported)
    return FlareSummary(
        count=len(flares),
        open_count=sum(1 for f in flares if f.end is None),
        total_days=sum(durations),
        median_days=median(durations) if durations else None,
        after_session=sum(len(f) for key, f in linked.items() if key is not None),
        interventions=interventions,
        triggers=triggers,
        self_reported=self_reported,
        computed=len(flares) - self_reported,
        reported_days=len(reported),
        reported_days_in_flares=len(in_flares),
    )


# --- Clinic view: alert ages and time to acknowledgement ---------------------------------------


def percentile(values: Sequence[Fraction | int | float], percent: int) -> Fraction | int | float:
    """Nearest-rank percentile: the smallest value with at least ``percent``% of the values at
    or below it (of 10 values, the 90th percentile is the 9th smallest)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 < percent <= 100:
        raise ValueError("percent must be in (0, 100]")
    ordered = sorted(values)
    return ordered[math.ceil(percent * len(ordered) / 100) - 1]


@dataclass(frozen=True)
class AckStats:
    """Time from an alert opening to its acknowledgement, over the alerts of a window."""

    opened: int
    acknowledged: int
    median: timedelta | None
    p90: timedelta | None

    @property
    def waiting(self) -> int:
        return self.opened - self.acknowledged


def ack_stats(waits: Iterable[timedelta | None], percent: int = ACK_PERCENTILE) -> AckStats:
    """Median and ``percent``th percentile of the waits; None stands for an alert not yet
    acknowledged, which is counted as opened but has no time."""
    waits = list(waits)
    done = [Fraction(int(w.total_seconds())) for w in waits if w is not None]
    if not done:
        return AckStats(len(waits), 0, None, None)
    return AckStats(
        opened=len(waits),
        acknowledged=len(done),
        median=timedelta(seconds=float(median(done))),
        p90=timedelta(seconds=float(percentile(done, percent))),
    )


def acknowledgement_wait(
    opened_at: datetime, acknowledged_at: datetime | None, resolved_at: datetime | None
) -> timedelta | None:
    """An alert counts as acknowledged at its acknowledgement, or at its resolution when it was
    resolved without one (resolving it means someone looked)."""
    seen = acknowledged_at or resolved_at
    if seen is None:
        return None
    return max(seen - opened_at, timedelta(0))


def age_bucket(age: timedelta, limits: Sequence[timedelta] = ALERT_AGE_LIMITS) -> int:
    """Index of the age group: 0 under the first limit, ..., len(limits) at or over the last."""
    for index, limit in enumerate(limits):
        if age < limit:
            return index
    return len(limits)


@dataclass(frozen=True)
class AgeRow:
    severity: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


def alerts_by_age(
    alerts: Iterable[tuple[str, datetime]],
    now: datetime,
    limits: Sequence[timedelta] = ALERT_AGE_LIMITS,
) -> list[AgeRow]:
    """Open alerts counted by severity (most serious first) and age group."""
    counts = {severity: [0] * (len(limits) + 1) for severity in SEVERITIES_MOST_SERIOUS_FIRST}
    for severity, opened_at in alerts:
        counts[severity][age_bucket(now - opened_at, limits)] += 1
    return [AgeRow(severity, tuple(row)) for severity, row in counts.items()]


# --- Weekly table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekSummary:
    """One week of the long chart's table alternative."""

    start: date
    end: date
    logged_days: int
    lowest: int | None
    median: Fraction | None
    highest: int | None
    flare_days: int
    sessions: int
    alerts: int


def weekly_summary(
    day_pains: Iterable[DayPain],
    *,
    start: date,
    end: date,
    flare_days: Iterable[date] = (),
    session_days: Iterable[date] = (),
    alert_days: Iterable[date] = (),
) -> list[WeekSummary]:
    """Seven-day weeks counted back from ``end`` (the last one may be shorter at ``start``),
    newest first: logged days, lowest, median and highest daily pain, and how many flare-up
    days, sessions and alerts fell in each."""
    pains = {d.day: d.daily_pain for d in day_pains if start <= d.day <= end}
    flare_set, sessions, alerts = set(flare_days), list(session_days), list(alert_days)
    weeks = []
    week_end = end
    while week_end >= start:
        week_start = max(start, week_end - timedelta(days=6))

        def inside(day: date, first: date = week_start, last: date = week_end) -> bool:
            return first <= day <= last

        values = [pain for day, pain in pains.items() if inside(day)]
        weeks.append(
            WeekSummary(
                start=week_start,
                end=week_end,
                logged_days=len(values),
                lowest=min(values) if values else None,
                median=median(values) if values else None,
                highest=max(values) if values else None,
                flare_days=sum(1 for day in flare_set if inside(day)),
                sessions=sum(1 for day in sessions if inside(day)),
                alerts=sum(1 for day in alerts if inside(day)),
            )
        )
        week_end = week_start - timedelta(days=1)
    return weeks


# --- Frequencies ---------------------------------------------------------------------------------


def day_frequencies(entries: Iterable[tuple[date, Iterable[str]]]) -> list[tuple[str, int]]:
    """On how many days each value (a descriptor, a region, a screening answer) was reported,
    most frequent first, ties by value. A day with several entries naming it counts once."""
    days: dict[str, set[date]] = {}
    for day, values in entries:
        for value in values:
            days.setdefault(value, set()).add(day)
    return sorted(((value, len(d)) for value, d in days.items()), key=lambda p: (-p[1], p[0]))


@dataclass(frozen=True)
class ScreeningRow:
    question: str
    days: tuple[date, ...]

    @property
    def count(self) -> int:
        return len(self.days)

    @property
    def last(self) -> date:
        return self.days[-1]


def screening_over_time(
    entries: Iterable[tuple[date, Iterable[str]]], questions: Sequence[str]
) -> list[ScreeningRow]:
    """Each screening question answered "yes" at least once, in ``questions`` order, with the
    days it was answered (oldest first)."""
    days: dict[str, set[date]] = {}
    for day, answers in entries:
        for answer in answers:
            days.setdefault(answer, set()).add(day)
    return [ScreeningRow(q, tuple(sorted(days[q]))) for q in questions if q in days]


def highest_alert(alerts: Iterable[Mapping]) -> Mapping | None:
    """The most serious of a patient's unresolved alerts; the oldest one among equals (it has
    waited longest). Each alert is a mapping with ``severity`` and ``opened_at``."""
    best = None
    for alert in alerts:
        if best is None:
            best = alert
            continue
        key = (severity_rank(alert["severity"]), -alert["opened_at"].timestamp())
        best_key = (severity_rank(best["severity"]), -best["opened_at"].timestamp())
        if key > best_key:
            best = alert
    return best
