"""Adherence arithmetic (exercises/adherence.py; docs/clinical-decisions.md, "Adherence")."""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercises.adherence import ItemSpan, adherence, encouragement, round_half_up, window

# A Monday-to-Sunday week: 2026-11-02 is a Monday.
MON = date(2026, 11, 2)
SUN = MON + timedelta(days=6)
A, B = 1, 2


def day(offset: int) -> date:
    return MON + timedelta(days=offset)


def logs(exercise_id: int, *offsets: int) -> dict[tuple[int, date], int]:
    counts: dict[tuple[int, date], int] = {}
    for offset in offsets:
        key = (exercise_id, day(offset))
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_window_of_7_days_is_d_minus_6_to_d():
    assert window(SUN, 7) == (MON, SUN)


def test_full_week_daily_plan_counts_each_log():
    spans = [ItemSpan(A, times_per_day=1, days_per_week=7, first_day=day(-30))]
    result = adherence(spans, logs(A, 0, 1, 2, 4, 6), last_day=SUN, days=7)
    assert result.prescribed == 7
    assert result.counted == 5
    assert result.percent == 71


def test_seven_day_window_prescribes_times_per_day_times_days_per_week_as_r13():
    spans = [ItemSpan(A, times_per_day=2, days_per_week=5, first_day=day(-30))]
    assert adherence(spans, {}, last_day=SUN, days=7).prescribed == 10


def test_plan_starting_mid_week_prescribes_only_the_days_in_force():
    # Starts on Thursday: Thursday to Sunday is 4 days at 2 a day.
    spans = [ItemSpan(A, times_per_day=2, days_per_week=7, first_day=day(3))]
    result = adherence(spans, logs(A, 3, 3, 4, 4, 5, 5, 6, 6), last_day=SUN, days=7)
    assert result.prescribed == 8
    assert result.counted == 8
    assert result.percent == 100


def test_logs_before_the_plan_started_do_not_count():
    spans = [ItemSpan(A, times_per_day=1, days_per_week=7, first_day=day(3))]
    result = adherence(spans, logs(A, 0, 1, 2, 3), last_day=SUN, days=7)
    assert result.prescribed == 4
    assert result.logged == 4
    assert result.counted == 1


def test_fewer_days_per_week_prescribes_fewer_doses():
    spans = [ItemSpan(A, times_per_day=1, days_per_week=3, first_day=day(-30))]
    result = adherence(spans, logs(A, 0, 2, 4), last_day=SUN, days=7)
    assert result.prescribed == 3
    assert result.percent == 100


def test_extra_days_are_capped_at_what_was_prescribed():
    spans = [ItemSpan(A, times_per_day=1, days_per_week=3, first_day=day(-30))]
    result = adherence(spans, logs(A, 0, 1, 2, 4, 6), last_day=SUN, days=7)
    assert result.logged == 5
    assert result.counted == 3
    assert result.percent == 100


def test_mid_window_start_with_few_days_a_week_is_prorated_exactly_over_28_days():
    # 10 days in force at 3 days a week: 3 x 10 / 7 = 30/7 doses (shown as 4).
    spans = [ItemSpan(A, times_per_day=1, days_per_week=3, first_day=day(-3))]
    result = adherence(spans, logs(A, -3, -1, 2, 5), last_day=SUN, days=28)
    assert result.prescribed == Fraction(30, 7)
    assert result.prescribed_rounded == 4
    assert result.counted == 4
    assert result.ratio == Fraction(28, 30)
    assert result.percent == 93


def test_many_doses_on_one_day_count_only_times_per_day():
    spans = [ItemSpan(A, times_per_day=1, days_per_week=7, first_day=day(-30))]
    result = adherence(spans, logs(A, *[2] * 7), last_day=SUN, days=7)
    assert result.logged == 7
    assert result.counted == 1
    assert result.percent == 14


def test_extra_doses_of_one_exercise_do_not_hide_a_missed_one():
    spans = [
        ItemSpan(A, times_per_day=2, days_per_week=7, first_day=day(-30)),
        ItemSpan(B, times_per_day=2, days_per_week=7, first_day=day(-30)),
    ]
    counts = logs(A, *[offset for offset in range(7) for _ in range(3)])
    result = adherence(spans, counts, last_day=SUN, days=7)
    per = {share.exercise_id: share for share in result.per_exercise}
    assert per[A].counted == 14
    assert per[A].logged == 21
    assert per[B].counted == 0
    assert result.percent == 50


def test_a_new_version_changes_the_dose_from_its_start():
    spans = [
        ItemSpan(A, times_per_day=1, days_per_week=7, first_day=day(-30), last_day=day(2)),
        ItemSpan(A, times_per_day=2, days_per_week=7, first_day=day(3)),
    ]
    result = adherence(spans, logs(A, 0, 0, 3, 3), last_day=SUN, days=7)
    assert result.prescribed == 3 + 8
    # Two logs on Monday count once (1 a day then); two on Thursday count twice.
    assert result.counted == 3
    assert len(result.per_exercise) == 1


def test_ended_plan_prescribes_nothing_after_its_end():
    spans = [ItemSpan(A, times_per_day=1, days_per_week=7, first_day=day(-30), last_day=day(1))]
    assert adherence(spans, {}, last_day=SUN, days=7).prescribed == 2


def test_nothing_prescribed_has_no_percentage():
    result = adherence([], logs(A, 1, 2), last_day=SUN, days=7)
    assert result.prescribed == 0
    assert result.percent is None
    assert result.per_exercise == ()


def test_logs_of_exercises_the_plan_does_not_name_are_ignored():
    spans = [ItemSpan(A, times_per_day=1, days_per_week=7, first_day=day(-30))]
    result = adherence(spans, {**logs(A, 0), **logs(B, 0, 1, 2)}, last_day=SUN, days=7)
    assert result.logged == 1
    assert [share.exercise_id for share in result.per_exercise] == [A]


def test_exercises_outside_the_window_are_left_out():
    spans = [
        ItemSpan(A, times_per_day=1, days_per_week=7, first_day=day(-30), last_day=day(-20)),
        ItemSpan(B, times_per_day=1, days_per_week=7, first_day=day(0)),
    ]
    result = adherence(spans, {}, last_day=SUN, days=7)
    assert [share.exercise_id for share in result.per_exercise] == [B]


@pytest.mark.parametrize(
    ("value", "rounded"),
    [(Fraction(1, 2), 1), (Fraction(5, 2), 3), (Fraction(30, 7), 4), (Fraction(0), 0)],
)
def test_display_rounds_half_up(value, rounded):
    assert round_half_up(value) == rounded


@pytest.mark.parametrize(
    ("percent", "word"),
    [
        (None, "not started"),
        (100, "Great"),
        (80, "Great"),
        (79, "Good"),
        (50, "Good"),
        (10, "counts"),
    ],
)
def test_encouragement_is_kind_at_every_level(percent, word):
    assert word in encouragement(percent)


def test_invalid_spans_are_rejected():
    with pytest.raises(ValueError):
        ItemSpan(A, times_per_day=0, days_per_week=7, first_day=MON)
    with pytest.raises(ValueError):
        ItemSpan(A, times_per_day=1, days_per_week=8, first_day=MON)
    with pytest.raises(ValueError):
        ItemSpan(A, times_per_day=1, days_per_week=7, first_day=SUN, last_day=MON)


spans_strategy = st.lists(
    st.builds(
        ItemSpan,
        exercise_id=st.integers(1, 3),
        times_per_day=st.integers(1, 3),
        days_per_week=st.integers(1, 7),
        first_day=st.integers(-40, 6).map(day),
    ),
    max_size=4,
)
logs_strategy = st.dictionaries(
    st.tuples(st.integers(1, 4), st.integers(-40, 6).map(day)), st.integers(0, 5), max_size=30
)


@given(spans=spans_strategy, counts=logs_strategy, days=st.sampled_from([7, 28]))
def test_counted_never_exceeds_prescribed_or_logged(spans, counts, days):
    result = adherence(spans, counts, last_day=SUN, days=days)
    assert 0 <= result.counted <= result.prescribed
    assert result.counted <= result.logged
    if result.percent is not None:
        assert 0 <= result.percent <= 100
    assert result.prescribed == sum(share.prescribed for share in result.per_exercise)
