"""Adherence arithmetic: doses logged against doses prescribed over a window of days.

Pure (no ORM) and exact (``Fraction``); the selector loads the plan and the logs and calls
:func:`adherence`. The choices are written up in docs/clinical-decisions.md, "Adherence":

- a dose is one exercise log (spec.md R13);
- prescribed doses of an exercise = ``times_per_day`` x ``days_per_week`` per 7 days, prorated
  by the days the exercise was in force within the window: each such day contributes
  ``times_per_day x days_per_week / 7``. A 7-day window with the plan in force throughout gives
  R13's ``times_per_day x days_per_week`` exactly;
- logs count at most ``times_per_day`` per exercise per day, only on days the exercise was in
  force, and at most the prescribed doses per exercise over the window: seven doses on Monday
  do not make up for a missed week, and extra doses of one exercise do not hide missed doses of
  another. ``logged`` keeps the raw number of logs for the record.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from math import floor

from django.utils.translation import gettext as _

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class ItemSpan:
    """One prescribed exercise and the days it was in force (``last_day`` inclusive, None while
    the plan runs on)."""

    exercise_id: int
    times_per_day: int
    days_per_week: int
    first_day: date
    last_day: date | None = None

    def __post_init__(self) -> None:
        if self.times_per_day < 1 or not 1 <= self.days_per_week <= DAYS_PER_WEEK:
            raise ValueError("times_per_day must be >= 1 and days_per_week from 1 to 7")
        if self.last_day is not None and self.last_day < self.first_day:
            raise ValueError("last_day is before first_day")

    def covers(self, day: date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


def round_half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


@dataclass(frozen=True)
class Share:
    """Counted doses over prescribed doses; ``percent`` is None when nothing was prescribed."""

    prescribed: Fraction
    counted: Fraction
    logged: int

    @property
    def ratio(self) -> Fraction | None:
        return self.counted / self.prescribed if self.prescribed else None

    @property
    def percent(self) -> int | None:
        ratio = self.ratio
        return None if ratio is None else round_half_up(ratio * 100)

    @property
    def prescribed_rounded(self) -> int:
        return round_half_up(self.prescribed)

    @property
    def counted_rounded(self) -> int:
        return round_half_up(self.counted)

    @property
    def encouragement(self) -> str:
        return encouragement(self.percent)


@dataclass(frozen=True)
class ExerciseShare(Share):
    exercise_id: int = 0


@dataclass(frozen=True)
class Adherence(Share):
    first_day: date = date.min
    last_day: date = date.min
    per_exercise: tuple[ExerciseShare, ...] = ()

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def window(last_day: date, days: int) -> tuple[date, date]:
    """The ``days`` days ending on ``last_day`` (inclusive), e.g. D-6..D for 7."""
    if days < 1:
        raise ValueError("a window has at least one day")
    return last_day - timedelta(days=days - 1), last_day


def adherence(
    spans: Iterable[ItemSpan],
    log_counts: Mapping[tuple[int, date], int],
    *,
    last_day: date,
    days: int,
) -> Adherence:
    """Adherence over the ``days`` days ending on ``last_day``, overall and per exercise.

    ``log_counts`` maps (exercise id, day) to the number of logs; entries outside the window or
    for exercises that no span names are ignored. Per-exercise results keep the order in which
    exercises first appear in ``spans`` and leave out exercises with nothing prescribed or
    logged in the window."""
    first_day, last_day = window(last_day, days)
    spans = list(spans)
    order = list(dict.fromkeys(span.exercise_id for span in spans))
    prescribed: dict[int, Fraction] = defaultdict(Fraction)
    counted_uncapped: dict[int, int] = defaultdict(int)
    logged: dict[int, int] = defaultdict(int)

    for offset in range(days):
        day = first_day + timedelta(days=offset)
        daily_cap: dict[int, int] = defaultdict(int)
        for span in spans:
            if span.covers(day):
                prescribed[span.exercise_id] += Fraction(
                    span.times_per_day * span.days_per_week, DAYS_PER_WEEK
                )
                daily_cap[span.exercise_id] += span.times_per_day
        for exercise_id in order:
            count = log_counts.get((exercise_id, day), 0)
            logged[exercise_id] += count
            counted_uncapped[exercise_id] += min(count, daily_cap[exercise_id])

    per_exercise = tuple(
        ExerciseShare(
            exercise_id=exercise_id,
            prescribed=prescribed[exercise_id],
            counted=min(Fraction(counted_uncapped[exercise_id]), prescribed[exercise_id]),
            logged=logged[exercise_id],
        )
        for exercise_id in order
        if prescribed[exercise_id] or logged[exercise_id]
    )
    return Adherence(
        prescribed=sum((share.prescribed for share in per_exercise), Fraction(0)),
        counted=sum((share.counted for share in per_exercise), Fraction(0)),
        logged=sum(share.logged for share in per_exercise),
        first_day=first_day,
        last_day=last_day,
        per_exercise=per_exercise,
    )


def encouragement(percent: int | None) -> str:
    """A kind word for the patient about a share of doses done (never a telling-off)."""
    if percent is None:
        return _("Your plan has not started yet.")
    if percent >= 80:
        return _("Great work. Keeping this up really helps your recovery.")
    if percent >= 50:
        return _("Good going. Every dose you do helps.")
    return _("Every dose counts. Could you fit one in today?")
