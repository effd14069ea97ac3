"""Current pain against the baseline, its direction, and the chart's baseline band (spec.md
sections 2 and 5). Pure."""

from __future__ import annotations

import enum
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from redflags.engine.baseline import (
    baseline_on,
    is_meaningful_fall,
    is_meaningful_rise,
    pains_between,
)
from redflags.engine.domain import DayPain
from redflags.engine.params import RuleParams


class Direction(enum.StrEnum):
    RISE = "rise"
    FALL = "fall"
    STEADY = "steady"


def pain_direction(pain: int | Fraction, baseline: int | Fraction, params: RuleParams) -> Direction:
    """A meaningful rise over the baseline, a meaningful fall from it, else steady (spec.md
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
    # A baseline depends on its window's pains alone, and a year of windows holds a few dozen
    # different ones: each is worked out once.
    known: dict[tuple[int, ...], Fraction] = {}
    result = {}
    for day in days:
        first = bisect_left(keys, day - timedelta(days=params.baseline_window_days))
        last = bisect_left(keys, day)
        window = ordered[first:last]
        pains = tuple(sorted(d.daily_pain for d in window))
        if pains not in known:
            known[pains] = baseline_on(day, window, intake_baseline, params)
        result[day] = known[pains]
    return result
