"""The outcome arithmetic, without a database (outcomes.measures)."""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes.measures import (
    PSFS_MCID,
    Verdict,
    groc_change,
    groc_verdict,
    is_due,
    overall_verdict,
    pain_verdict,
    psfs_change,
    psfs_score,
    psfs_verdict,
)

D = date(2026, 3, 2)
ratings = st.lists(st.integers(0, 10), min_size=1, max_size=5)


def test_psfs_score_is_the_exact_mean_of_the_items():
    assert psfs_score([3, 4, 4]) == Fraction(11, 3)
    assert psfs_score([10]) == 10


@pytest.mark.parametrize("bad", [[], [11], [-1, 5]])
def test_psfs_score_refuses_no_items_or_ratings_outside_0_to_10(bad):
    with pytest.raises(ValueError):
        psfs_score(bad)


def test_a_rise_of_exactly_two_points_on_the_mean_reaches_the_mcid():
    # 4.4 -> 6.4 is exactly 2 in fractions (22/5 -> 32/5), never 1.9999.
    assert psfs_verdict(Fraction(22, 5), Fraction(32, 5)) == Verdict.IMPROVED


def test_a_rise_just_under_two_points_is_not_yet():
    assert psfs_verdict(Fraction(4), Fraction(29, 5)) == Verdict.NOT_YET


def test_a_fall_of_two_points_on_the_mean_is_worse():
    assert psfs_verdict(Fraction(6), Fraction(4)) == Verdict.WORSE


def test_psfs_change_compares_the_first_and_the_latest_assessment_whatever_the_order():
    change = psfs_change(
        [(D + timedelta(days=28), [6, 7, 5]), (D, [2, 3, 4]), (D + timedelta(days=14), [4, 4, 4])]
    )
    assert change.first.value == 3
    assert change.last.value == 6
    assert change.change == 3
    assert change.verdict == Verdict.IMPROVED
    assert change.measured_twice


def test_one_psfs_assessment_is_a_baseline_not_yet_a_change():
    change = psfs_change([(D, [2, 3])])
    assert change.verdict == Verdict.NOT_YET
    assert not change.measured_twice


def test_no_psfs_is_unmeasured():
    assert psfs_change([]).verdict == Verdict.UNMEASURED


@pytest.mark.parametrize(
    ("score", "verdict"),
    [
        (7, Verdict.IMPROVED),
        (3, Verdict.IMPROVED),
        (2, Verdict.NOT_YET),
        (0, Verdict.NOT_YET),
        (-2, Verdict.NOT_YET),
        (-3, Verdict.WORSE),
        (-7, Verdict.WORSE),
    ],
)
def test_groc_plus_three_or_more_is_clinically_important(score, verdict):
    assert groc_verdict(score) == verdict


@pytest.mark.parametrize("bad", [8, -8])
def test_groc_outside_minus7_plus7_is_refused(bad):
    with pytest.raises(ValueError):
        groc_verdict(bad)


def test_the_latest_groc_answer_decides():
    change = groc_change([(D, 4), (D + timedelta(days=7), 1)])
    assert change.verdict == Verdict.NOT_YET
    assert change.first.value == 4
    assert change.last.value == 1


def test_pain_rise_outweighs_a_fall_flag_and_neither_is_not_yet():
    assert pain_verdict(meaningful_fall=True, meaningful_rise=False) == Verdict.IMPROVED
    assert pain_verdict(meaningful_fall=False, meaningful_rise=True) == Verdict.WORSE
    assert pain_verdict(meaningful_fall=False, meaningful_rise=False) == Verdict.NOT_YET


@pytest.mark.parametrize(
    ("verdicts", "overall"),
    [
        ([Verdict.IMPROVED, Verdict.WORSE], Verdict.WORSE),
        ([Verdict.IMPROVED, Verdict.NOT_YET], Verdict.IMPROVED),
        ([Verdict.NOT_YET, Verdict.UNMEASURED], Verdict.NOT_YET),
        ([Verdict.UNMEASURED], Verdict.UNMEASURED),
        ([], Verdict.UNMEASURED),
    ],
)
def test_overall_outcome_is_worse_first_then_improved_then_not_yet(verdicts, overall):
    assert overall_verdict(verdicts) == overall


def test_a_fortnightly_measure_is_due_on_the_fourteenth_day_not_the_thirteenth():
    assert not is_due(D, D + timedelta(days=13), 14)
    assert is_due(D, D + timedelta(days=14), 14)
    assert is_due(None, D, 14)


@given(ratings, ratings)
def test_psfs_verdict_agrees_with_the_change_of_the_means(first, last):
    change = psfs_score(last) - psfs_score(first)
    verdict = psfs_verdict(psfs_score(first), psfs_score(last))
    if change >= PSFS_MCID:
        assert verdict == Verdict.IMPROVED
    elif change <= -PSFS_MCID:
        assert verdict == Verdict.WORSE
    else:
        assert verdict == Verdict.NOT_YET


@given(ratings)
def test_psfs_score_stays_within_0_and_10(items):
    assert 0 <= psfs_score(items) <= 10


@given(st.lists(st.sampled_from(list(Verdict)), max_size=6))
def test_overall_verdict_is_worse_whenever_any_measure_is_worse(verdicts):
    overall = overall_verdict(verdicts)
    assert (overall == Verdict.WORSE) == (Verdict.WORSE in verdicts)
    assert overall in set(verdicts) | {Verdict.UNMEASURED}
