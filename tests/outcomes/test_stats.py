"""Rates with a 95% Wilson interval and the small-number rule (outcomes.stats)."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes.stats import MIN_DENOMINATOR_FOR_RATE, rate, wilson_interval


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # Reference values: Newcombe 1998 (Stat Med 17:857), table I, and R's prop.test
        # without continuity correction.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
    ],
)
def test_wilson_interval_matches_published_values(k, n, low, high):
    got_low, got_high = wilson_interval(k, n)
    assert got_low == pytest.approx(low, abs=5e-5)
    assert got_high == pytest.approx(high, abs=5e-5)


@pytest.mark.parametrize(("k", "n"), [(0, 0), (-1, 5), (6, 5)])
def test_wilson_interval_refuses_impossible_counts(k, n):
    with pytest.raises(ValueError):
        wilson_interval(k, n)


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_contains_the_observed_share_and_stays_in_0_1(pair):
    k, n = pair
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


@given(st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_is_symmetric_between_events_and_non_events(pair):
    k, n = pair
    low, high = wilson_interval(k, n)
    other_low, other_high = wilson_interval(n - k, n)
    assert low == pytest.approx(1 - other_high, abs=1e-12)
    assert high == pytest.approx(1 - other_low, abs=1e-12)


def test_fewer_than_the_minimum_sessions_are_counts_not_a_rate():
    small = rate(3, MIN_DENOMINATOR_FOR_RATE - 1)
    assert small.too_few
    assert small.share is None and small.low is None and small.high is None
    assert (small.events, small.total) == (3, MIN_DENOMINATOR_FOR_RATE - 1)


def test_enough_sessions_give_a_rate_with_its_interval():
    shown = rate(3, 12)
    assert not shown.too_few
    assert shown.share == Fraction(1, 4)
    assert shown.percent == pytest.approx(25.0)
    assert shown.low < 0.25 < shown.high


def test_no_sessions_is_neither_a_rate_nor_too_few():
    empty = rate(0, 0)
    assert empty.share is None and not empty.too_few
