"""Daily pain, baseline and meaningful change (spec.md section 4 and section 8,
"Precise semantics"). All arithmetic is exact: medians are ``Fraction`` values and the 30%
comparison is done on fractions, so 0.3 x 7 is 21/10 and never 2.0999999.
"""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from fractions import Fraction

from .domain import DayPain, Entry
from .params import RuleParams


def daily_pains(entries: Iterable[Entry]) -> list[DayPain]:
    """Daily pain of each logged day, in date order: the highest ``pain_worst`` among that
    day's symptom entries; ``flare_yes`` when any of them says ``is_flare = yes`` (section 2;
    section 3: ``unsure`` is not ``yes``). Exercise logs are not entries and never count."""
    highest: dict[date, int] = {}
    flare_yes: dict[date, bool] = {}
    for entry in entries:
        highest[entry.day] = max(highest.get(entry.day, entry.pain_worst), entry.pain_worst)
        flare_yes[entry.day] = flare_yes.get(entry.day, False) or entry.is_flare == "yes"
    return [DayPain(day, highest[day], flare_yes[day]) for day in sorted(highest)]


def median(values: Iterable[int | Fraction]) -> Fraction:
    """Exact median; of an even count, the mean of the two middle values (section 5)."""
    ordered = sorted(Fraction(value) for value in values)
    if not ordered:
        raise ValueError("median of no values")
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def pains_between(day_pains: Iterable[DayPain], first: date, last: date) -> list[int]:
    """Daily pains of the logged days from ``first`` to ``last`` inclusive."""
    return [d.daily_pain for d in day_pains if first <= d.day <= last]


def baseline_on(
    day: date, day_pains: Iterable[DayPain], intake_baseline: int, params: RuleParams
) -> Fraction:
    """Baseline on ``day`` (section 2): the median daily pain of the logged days among the 14
    days before it (D-14 to D-1; ``day`` itself never counts); with fewer than 3 such days,
    the intake ``baseline_pain``. Days without entries simply are not in the window."""
    window = pains_between(
        day_pains, day - timedelta(days=params.baseline_window_days), day - timedelta(days=1)
    )
    if len(window) < params.baseline_min_days:
        return Fraction(intake_baseline)
    return median(window)


def is_meaningful_rise(value: int | Fraction, baseline: int | Fraction, params: RuleParams) -> bool:
    """Section 2 (Farrar 2001): at least 2 points AND at least 30% above the baseline.
    With a baseline of 0 the 30% part is 0, so 2 points suffice."""
    rise = Fraction(value) - Fraction(baseline)
    return rise >= params.rise_min_points and rise >= params.rise_min_fraction * Fraction(baseline)


def is_meaningful_fall(first: int | Fraction, last: int | Fraction, params: RuleParams) -> bool:
    """Section 5: a fall from A to L mirrors a rise, A - L >= 2 and A - L >= 0.3 x A (R14)."""
    fall = Fraction(first) - Fraction(last)
    return fall >= params.rise_min_points and fall >= params.rise_min_fraction * Fraction(first)


def pre_session_pain(
    before_entries: Sequence[Entry],
    session_day: date,
    day_pains: Iterable[DayPain],
    intake_baseline: int,
    params: RuleParams,
) -> Fraction:
    """Pre-session pain of a session (section 2 and 5): ``pain_now`` of the latest
    ``before_session`` entry linked to it, else the baseline on the session's day.

    ``before_entries`` are the entries linked to the session; any that are not
    ``before_session`` are ignored. "Latest" is by ``recorded_at``, ties going to the later one
    in the sequence (the replay's file order)."""
    before = [e for e in before_entries if e.context == "before_session"]
    if before:
        latest = max(enumerate(before), key=lambda pair: (pair[1].recorded_at, pair[0]))[1]
        return Fraction(latest.pain_now)
    return baseline_on(session_day, day_pains, intake_baseline, params)
