"""How a patient responded to sessions: each session's response and the flare-up summary
(issue 5), with flare-ups linked to the session they followed by ``redflags.engine.flare``. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from redflags.engine.baseline import is_meaningful_rise, median, pre_session_pain
from redflags.engine.domain import DayPain, Entry, Session
from redflags.engine.flare import flare_session_link
from redflags.engine.params import RuleParams

#: The flare-up summary names the N most frequent self-reported triggers.
TOP_TRIGGERS = 3


@dataclass(frozen=True)
class Flare:
    """A flare-up as stored (spec.md section 6): ``end`` None while open."""

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
    entries = [(day, frozenset(named)) for day, named in trigger_entries]
    for flare in flares:
        named_in_flare: set[str] = set()
        for day, named in entries:
            if flare.covers(day, today):
                named_in_flare |= named
        trigger_counts.update(named_in_flare)
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
