"""The clinic view's arithmetic: time from an alert opening to its acknowledgement, and open
alerts by severity and age. Pure."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from redflags.engine.baseline import median
from redflags.engine.domain import SEVERITY_ORDER

#: The clinic view's time to acknowledgement covers alerts opened in the last N days.
ACK_WINDOW_DAYS = 30
#: ... and reports the median and this percentile (nearest-rank method).
ACK_PERCENTILE = 90
#: Open alerts are grouped by age: under 1 day, 1 to 3 days, 3 to 7 days, 7 days or more.
ALERT_AGE_LIMITS = (timedelta(days=1), timedelta(days=3), timedelta(days=7))

#: Alert severities from most to least serious, for tables.
SEVERITIES_MOST_SERIOUS_FIRST: tuple[str, ...] = tuple(reversed(SEVERITY_ORDER))


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
