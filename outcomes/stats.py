"""Rates with a 95% Wilson score interval, and the small-number rule: pure, no Django.

Used by the clinic's flare-up view ("does dry needling precede flare-ups more often than manual
therapy here?"). The Wilson interval (Wilson 1927, JASA 22:209) behaves at 0 and at n, unlike
the normal approximation; Brown, Cai and DasGupta 2001 (Stat Sci 16:101) recommend it for small n.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

#: z for a two-sided 95% interval.
Z_95 = 1.959963984540054
#: Fewer sessions than this are shown as counts ("2 of 7"), never as a rate: a rate of 2 of 7
#: reads as 29% and invites comparisons that the numbers cannot carry.
MIN_DENOMINATOR_FOR_RATE = 10


def wilson_interval(successes: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of ``successes`` out of ``total`` (both whole, 0 <= k <= n,
    n > 0), clipped to [0, 1]."""
    if total <= 0:
        raise ValueError("a rate needs at least one trial")
    if not 0 <= successes <= total:
        raise ValueError(f"{successes} successes out of {total} trials")
    n = total
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = (z / (1 + z2 / n)) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class Rate:
    """``events`` out of ``total``; ``share``, ``low`` and ``high`` are None when there are too
    few to show a rate (``too_few``) or nothing at all."""

    events: int
    total: int
    share: Fraction | None
    low: float | None
    high: float | None

    @property
    def too_few(self) -> bool:
        """Some, but too few to show as a rate."""
        return self.share is None and self.total > 0

    @property
    def percent(self) -> float | None:
        return None if self.share is None else float(self.share) * 100

    @property
    def low_percent(self) -> float | None:
        return None if self.low is None else self.low * 100

    @property
    def high_percent(self) -> float | None:
        return None if self.high is None else self.high * 100


def rate(events: int, total: int, minimum: int = MIN_DENOMINATOR_FOR_RATE) -> Rate:
    """A rate with its 95% Wilson interval, or the bare counts below ``minimum``."""
    if total < minimum or total == 0:
        return Rate(events, total, None, None, None)
    low, high = wilson_interval(events, total)
    return Rate(events, total, Fraction(events, total), low, high)
