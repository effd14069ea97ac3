"""Daily pain, baseline and meaningful change (spec.md section 4; section 8 "Precise
semantics")."""

from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

import pytest

from redflags.engine.baseline import (
    baseline_on,
    daily_pains,
    is_meaningful_fall,
    is_meaningful_rise,
    median,
    pre_session_pain,
)
from redflags.engine.domain import DayPain, Entry
from redflags.engine.params import RuleParams

P = RuleParams()
D0 = date(2026, 1, 5)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def entry(n: int, worst: int, *, at: str = "12:00", context: str = "daily", **kw) -> Entry:
    kw.setdefault("pain_now", min(worst, kw.get("pain_now", worst)))
    return Entry(
        id=kw.pop("id", None),
        day=day(n),
        recorded_at=datetime.combine(day(n), time.fromisoformat(at), tzinfo=UTC),
        context=context,
        session_id=kw.pop("session_id", None),
        pain_worst=worst,
        **kw,
    )


def logged(*pairs: tuple[int, int]) -> list[DayPain]:
    return [DayPain(day(n), pain) for n, pain in pairs]


# --- daily pain ---------------------------------------------------------------------------------


def test_daily_pain_is_the_highest_pain_worst_of_the_day():
    pains = daily_pains([entry(0, 3), entry(0, 6, pain_now=1), entry(0, 4), entry(2, 1)])
    assert pains == [DayPain(day(0), 6, False), DayPain(day(2), 1, False)]


def test_daily_pains_come_out_in_date_order():
    assert [p.day for p in daily_pains([entry(5, 1), entry(1, 1), entry(3, 1)])] == [
        day(1),
        day(3),
        day(5),
    ]


@pytest.mark.parametrize(
    ("answers", "flare_yes"),
    [(["no"], False), (["unsure"], False), (["no", "yes"], True), (["yes", "no"], True)],
)
def test_flare_yes_needs_one_entry_saying_yes_and_unsure_is_not_yes(answers, flare_yes):
    entries = [entry(0, 3, at=f"{8 + i:02d}:00", is_flare=a) for i, a in enumerate(answers)]
    assert daily_pains(entries)[0].flare_yes is flare_yes


def test_days_without_entries_have_no_daily_pain():
    assert daily_pains([]) == []


# --- median -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([4], Fraction(4)),
        ([5, 1, 3], Fraction(3)),
        ([3, 4], Fraction(7, 2)),
        ([6, 1, 4, 3], Fraction(7, 2)),
        ([2, 2, 9, 9], Fraction(11, 2)),
        ([Fraction(1, 2), 1], Fraction(3, 4)),
    ],
)
def test_median_of_an_even_count_is_the_mean_of_the_two_middle_values(values, expected):
    assert median(values) == expected
    assert isinstance(median(values), Fraction)


def test_median_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        median([])


# --- baseline -----------------------------------------------------------------------------------


def test_baseline_with_fewer_than_three_logged_days_is_the_intake_baseline():
    assert baseline_on(day(20), logged((18, 8), (19, 8)), 2, P) == 2


def test_baseline_with_three_logged_days_is_their_median():
    assert baseline_on(day(20), logged((10, 8), (18, 1), (19, 3)), 2, P) == 3


def test_baseline_window_is_d_minus_14_to_d_minus_1():
    pains = logged((5, 9), (6, 1), (7, 1), (8, 1), (20, 9))
    # Day 20 itself and day 5 (= D-15) are outside; days 6-8 (D-14..D-12) are inside.
    assert baseline_on(day(20), pains, 7, P) == 1
    # Two days later, days 6 and 7 drop out and only two logged days remain.
    assert baseline_on(day(21), pains, 7, P) == 1
    assert baseline_on(day(22), pains, 7, P) == 7


def test_baseline_ignores_days_after_d():
    pains = logged((0, 2), (1, 2), (2, 2), (4, 10), (5, 10))
    assert baseline_on(day(3), pains, 0, P) == 2


def test_baseline_of_an_even_count_can_be_a_half():
    pains = logged((0, 4), (1, 3), (7, 5), (8, 3))
    assert baseline_on(day(14), pains, 3, P) == Fraction(7, 2)


# --- meaningful rise and fall -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "baseline", "rise"),
    [
        (1, 0, False),  # B = 0: 2 points are enough ...
        (2, 0, True),  # ... and needed
        (6, 5, False),
        (7, 5, True),  # 2 >= 1.5
        (9, 7, False),  # 2 < 2.1
        (10, 7, True),
        (12, 10, False),  # 2 < 3
        (13, 10, True),  # 3 >= 3: at the 30% boundary
        (5, Fraction(7, 2), False),  # 1.5 < 2
        (Fraction(11, 2), Fraction(7, 2), True),
        (2, 2, False),
        (1, 3, False),
    ],
)
def test_meaningful_rise_needs_two_points_and_thirty_percent(value, baseline, rise):
    assert is_meaningful_rise(value, baseline, P) is rise


def test_meaningful_rise_uses_exact_arithmetic():
    # A rise exactly at the fraction boundary. In floats 3.3 - 3 < 0.1 * 3 and it would be missed.
    tuned = RuleParams(rise_min_points=0, rise_min_fraction=Fraction(1, 10))
    assert not (3.3 - 3 >= 0.1 * 3)
    assert is_meaningful_rise(Fraction(33, 10), 3, tuned)
    assert is_meaningful_fall(3, Fraction(27, 10), tuned)


@pytest.mark.parametrize(
    ("first", "last", "fall"),
    [
        (0, 0, False),
        (2, 0, True),
        (5, 4, False),
        (5, 3, True),
        (7, 5, False),  # 2 < 2.1
        (7, 4, True),
        (10, 7, True),  # 3 >= 3
        (10, 8, False),
        (Fraction(7, 2), Fraction(3, 2), True),
        (3, 5, False),
    ],
)
def test_meaningful_fall_mirrors_a_rise(first, last, fall):
    assert is_meaningful_fall(first, last, P) is fall


def test_tuned_thresholds_are_used():
    strict = RuleParams(rise_min_points=3, rise_min_fraction=Fraction(1, 2))
    assert not is_meaningful_rise(6, 4, strict)  # 2 points
    assert not is_meaningful_rise(11, 8, strict)  # 3 points but < 50%
    assert is_meaningful_rise(11, 8, RuleParams())
    assert is_meaningful_rise(7, 4, strict)


# --- pre-session pain ---------------------------------------------------------------------------


def test_pre_session_pain_is_pain_now_of_the_latest_before_session_entry():
    before = [
        entry(7, 5, at="09:00", context="before_session", pain_now=4),
        entry(7, 5, at="07:00", context="before_session", pain_now=1),
        entry(7, 9, at="19:00", context="after_session", pain_now=9),
    ]
    assert pre_session_pain(before, day(7), [], 3, P) == 4


def test_pre_session_pain_tie_goes_to_the_later_entry_in_order():
    before = [
        entry(7, 5, at="09:00", context="before_session", pain_now=4),
        entry(7, 5, at="09:00", context="before_session", pain_now=2),
    ]
    assert pre_session_pain(before, day(7), [], 3, P) == 2


def test_pre_session_pain_without_a_before_entry_is_the_baseline_on_the_session_day():
    pains = logged((1, 4), (2, 5), (3, 6), (7, 9))
    assert pre_session_pain([], day(7), pains, 2, P) == 5
    assert pre_session_pain([], day(2), pains, 2, P) == 2
