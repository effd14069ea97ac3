"""The shape of a demo patient's course: weekly sessions and the entries around them, with
pain that falls over the weeks, rises after sessions and settles. Used by the stories
(devtools/demo/stories.py); everything here is invented."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SessionSpec:
    day: int
    kind: str = "treatment"
    interventions: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class EntrySpec:
    day: int
    time: str  # local "HH:MM"
    context: str
    pain_now: int
    pain_worst: int
    descriptors: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    # Any other entry field (rest_relief, is_flare, triggers, saddle_numbness, notes...).
    fields: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class History:
    sessions: list[SessionSpec]
    entries: list[EntrySpec]
    # Days since the patient joined the clinic (their account's creation).
    joined_days_ago: int


def _clip(value: float) -> int:
    return max(0, min(10, round(value)))


SESSION_NOTES = {
    "assessment": (
        "Initial assessment. Neuro exam done, home plan explained.",
        "Assessment: symptoms and goals discussed, baseline measures taken.",
    ),
    "treatment": (
        "Good session. Tolerated the progression well.",
        "Symptoms irritable today, kept the load the same.",
        "Reviewed home exercises, corrected technique.",
        "Patient reports sleeping better. Progressed range.",
    ),
    "review": (
        "Review of progress against goals. Plan updated.",
        "Re-assessed: straight-leg raise improved. Continue plan.",
    ),
    "telehealth": (
        "Video call. Checked home exercises on camera.",
        "Telehealth review: symptoms discussed, plan adjusted.",
    ),
}

DAILY_NOTES = (
    "Walked the dog, fine.",
    "Long day at my desk.",
    "Slept badly.",
    "Did all my exercises.",
    "Stiff in the morning, eased after a walk.",
    "Drove to see family, sore after.",
)


@dataclass
class _Course:
    """The arguments of `course`, with the arithmetic that turns them into a history."""

    rng: random.Random
    weeks: int
    start_pain: float
    end_pain: float
    regions: tuple[str, ...] | Callable[[int], tuple[str, ...]]
    descriptors: tuple[str, ...]
    interventions: tuple[tuple[str, ...], ...]
    after_bump: Callable[[int], int]
    morning_bump: Callable[[int], int]
    settle_days: int
    noise: float
    daily_chance: float
    stop_logging_day: int | None
    first_offset: int
    session_kind: str
    day_bump: Mapping[int, int]
    day_fields: Mapping[int, Mapping[str, Any]]
    flare_entries: Mapping[int, tuple[str, Mapping[str, Any]]]
    helped: tuple[str, ...]
    book_next: bool
    early: bool

    @property
    def first(self) -> int:
        return -self.weeks * 7 + self.first_offset

    @property
    def session_days(self) -> list[int]:
        return list(range(self.first, 1, 7))

    def sessions(self) -> list[SessionSpec]:
        sessions: list[SessionSpec] = []
        for i, day in enumerate(self.session_days):
            kind = "assessment" if i == 0 else ("review" if i % 4 == 0 else self.session_kind)
            chosen = (
                ("education",) if i == 0 else self.interventions[(i - 1) % len(self.interventions)]
            )
            sessions.append(SessionSpec(day, kind, chosen, self.rng.choice(SESSION_NOTES[kind])))
        if self.book_next:
            sessions.append(SessionSpec(self.session_days[-1] + 7, self.session_kind))
        return sessions

    def trend(self, day: int) -> float:
        progress = (day - self.first) / (-self.first or 1)
        if self.early:
            progress = 1 - (1 - progress) ** 2
        return self.start_pain + (self.end_pain - self.start_pain) * progress

    def lingering(self, day: int) -> float:
        total = 0.0
        for i, session_day in enumerate(self.session_days):
            since = day - session_day
            if 1 <= since <= self.settle_days:
                total += self.morning_bump(i) * (self.settle_days - since + 1) / self.settle_days
        return total

    def entry(
        self, day: int, clock: str, context: str, pain: float, exact: bool, more: Mapping | None
    ) -> EntrySpec:
        rng = self.rng
        pain += self.day_bump.get(day, 0)
        if not exact:
            pain += rng.uniform(-self.noise, self.noise)
        now = _clip(pain)
        worst = now if exact else min(10, now + rng.choice((0, 0, 1)))
        k = rng.choice((1, 2)) if len(self.descriptors) > 1 else 1
        extra: dict[str, Any] = {
            "rest_relief": rng.choice(("yes", "yes", "partly")),
            "helped": tuple(sorted(rng.sample(self.helped, k=rng.choice((1, 2))))),
        }
        if worst >= 6 and rng.random() < 0.5:
            extra["sleep_disturbed"] = True
        if context == "daily" and rng.random() < 0.15:
            extra["notes"] = rng.choice(DAILY_NOTES)
        extra.update(self.day_fields.get(day, {}))
        extra.update(more or {})
        regions = self.regions(day) if callable(self.regions) else self.regions
        return EntrySpec(
            day=day,
            time=clock,
            context=context,
            pain_now=now,
            pain_worst=worst,
            descriptors=tuple(sorted(rng.sample(self.descriptors, k=k))),
            regions=regions,
            fields=extra,
        )

    def entries_of(self, day: int, by_day: Mapping[int, int]) -> list[EntrySpec]:
        """The entries of one day: around a session, the morning after, or an ordinary day."""
        rng = self.rng
        base = self.trend(day) + self.lingering(day)
        entries = []
        if day in by_day:
            if rng.random() < 0.9:
                entries.append(self.entry(day, "08:40", "before_session", base, True, None))
            after = base + self.after_bump(by_day[day])
            entries.append(self.entry(day, "18:10", "after_session", after, True, None))
        elif day - 1 in by_day:
            entries.append(self.entry(day, "08:05", "next_morning", base, True, None))
            if rng.random() < 0.4:
                entries.append(self.entry(day, "20:45", "daily", base, False, None))
        elif rng.random() < self.daily_chance or day in self.day_fields or day in self.day_bump:
            clock = f"{rng.choice((19, 20, 21))}:{rng.choice(('05', '20', '35', '50'))}"
            entries.append(self.entry(day, clock, "daily", base, False, None))
        if day in self.flare_entries:
            clock, more = self.flare_entries[day]
            entries.append(self.entry(day, clock, "flare", base, True, more))
        return entries

    def history(self) -> History:
        sessions = self.sessions()
        by_day = {day: i for i, day in enumerate(self.session_days)}
        entries: list[EntrySpec] = []
        for day in range(self.first, 1):
            if self.stop_logging_day is not None and day >= self.stop_logging_day:
                break
            entries.extend(self.entries_of(day, by_day))
        return History(sessions=sessions, entries=entries, joined_days_ago=-self.first + 3)


def course(
    rng: random.Random,
    *,
    weeks: int,
    start_pain: float,
    end_pain: float,
    regions: tuple[str, ...] | Callable[[int], tuple[str, ...]],
    descriptors: tuple[str, ...],
    interventions: tuple[tuple[str, ...], ...],
    after_bump: Callable[[int], int] = lambda i: 1,
    morning_bump: Callable[[int], int] = lambda i: 0,
    settle_days: int = 1,
    noise: float = 0.5,
    daily_chance: float = 0.75,
    stop_logging_day: int | None = None,
    first_offset: int = 2,
    session_kind: str = "treatment",
    day_bump: Mapping[int, int] | None = None,
    day_fields: Mapping[int, Mapping[str, Any]] | None = None,
    flare_entries: Mapping[int, tuple[str, Mapping[str, Any]]] | None = None,
    helped: tuple[str, ...] = ("gentle_movement", "heat", "home_exercises", "rest"),
    book_next: bool = True,
    early: bool = False,
) -> History:
    """Weekly sessions and the entries around them over `weeks` weeks, ending today.

    Pain goes from `start_pain` to `end_pain` in a straight line, or with `early` mostly in the
    first weeks (as most recoveries do); a session raises that
    evening's pain by `after_bump(i)` and the next `settle_days` days by `morning_bump(i)`,
    fading. Session-linked entries have no noise, so a story's post-session shape is exact.
    `day_bump` adds pain on given days, `day_fields` sets entry fields on given days (both
    make sure the day has an entry), `flare_entries` adds a "flare" entry (time, fields).
    """
    return _Course(
        rng=rng,
        weeks=weeks,
        start_pain=start_pain,
        end_pain=end_pain,
        regions=regions,
        descriptors=descriptors,
        interventions=interventions,
        after_bump=after_bump,
        morning_bump=morning_bump,
        settle_days=settle_days,
        noise=noise,
        daily_chance=daily_chance,
        stop_logging_day=stop_logging_day,
        first_offset=first_offset,
        session_kind=session_kind,
        day_bump=day_bump or {},
        day_fields=day_fields or {},
        flare_entries=flare_entries or {},
        helped=helped,
        book_next=book_next,
        early=early,
    ).history()
