"""The daily sweep's rules, R13 and R14 (spec.md section 8), at and around every threshold."""

import pytest

from redflags.engine.domain import Session
from redflags.engine.rules.day_end import (
    r13_disengaged_plan,
    r13_disengaged_session,
    r14_not_improving,
)
from tests.redflags.rule_helpers import (
    FLAT,
    P,
    check_finding,
    counts,
    day,
    pains,
    plan,
)

# --- R13 disengaged -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry_days", "fires"),
    [(set(), True), ({-1}, True), ({3}, True), ({0}, False), ({1}, False), ({2}, False)],
)
def test_r13_no_entry_on_the_session_day_or_the_two_days_after(entry_days, fires):
    sessions = [Session(1, day(0))]
    findings = r13_disengaged_session(day(2), sessions, {day(n) for n in entry_days}, P)
    assert bool(findings) is fires
    if fires:
        assert check_finding(findings[0], "R13", "low").data["part"] == "session"


@pytest.mark.parametrize("checked_on", [0, 1, 3])
def test_r13_session_part_is_checked_only_at_the_end_of_the_second_day_after(checked_on):
    assert r13_disengaged_session(day(checked_on), [Session(1, day(0))], set(), P) == []


@pytest.mark.parametrize(("checked_on", "fires"), [(5, False), (6, True), (7, True)])
def test_r13_plan_part_is_checked_from_the_end_of_day_start_plus_six(checked_on, fires):
    assert (r13_disengaged_plan(day(checked_on), [plan()], counts(), P) is not None) is fires


@pytest.mark.parametrize(("logged", "fires"), [(3, True), (4, False), (7, False)])
def test_r13_fewer_than_half_of_prescribed_doses(logged, fires):
    # 1 x 7 = 7 prescribed: 3 < 3.5 fires, 4 does not.
    finding = r13_disengaged_plan(day(6), [plan()], counts(*range(logged)), P)
    assert (finding is not None) is fires
    if fires:
        assert check_finding(finding, "R13", "low").data == {
            "part": "plan",
            "logged": 3,
            "prescribed": 7,
            "first_day": day(0).isoformat(),
            "last_day": day(6).isoformat(),
        }


def test_r13_exactly_half_is_enough():
    items = [plan(times=2, days_per_week=2)]  # 4 prescribed
    assert r13_disengaged_plan(day(6), items, counts(0, 1), P) is None
    assert r13_disengaged_plan(day(6), items, counts(0), P)


def test_r13_prescribed_doses_are_summed_over_the_plan_exercises():
    items = [plan(times=2, days_per_week=7), plan(times=1, days_per_week=3)]  # 17
    assert r13_disengaged_plan(day(6), items, counts(*[0] * 9), P) is None
    assert r13_disengaged_plan(day(6), items, counts(*[0] * 8), P)


def test_r13_only_logs_in_the_last_seven_days_count():
    assert r13_disengaged_plan(day(10), [plan()], counts(0, 1, 2, 3, 4, 5, 6), P)


def test_r13_ended_plan_is_not_checked():
    assert r13_disengaged_plan(day(10), [plan(end=9)], counts(), P) is None


# --- R14 not improving --------------------------------------------------------------------------


@pytest.mark.parametrize(("checked_on", "fires"), [(27, False), (28, True)])
def test_r14_checked_28_days_after_the_first_entry(checked_on, fires):
    finding = r14_not_improving(day(checked_on), day(0), FLAT, P)
    assert (finding is not None) is fires
    if fires:
        check_finding(finding, "R14", "review")


@pytest.mark.parametrize(("last", "fires"), [(4, True), (3, False), (2, False), (6, True)])
def test_r14_fires_when_the_last_week_is_not_a_meaningful_fall(last, fires):
    spec = {**dict.fromkeys(range(7), 5), **dict.fromkeys(range(22, 29), last)}
    assert (r14_not_improving(day(28), day(0), pains(spec), P) is not None) is fires


@pytest.mark.parametrize(
    ("first_days", "last_days", "checked"), [(3, 3, True), (2, 7, False), (7, 2, False)]
)
def test_r14_each_window_needs_three_logged_days(first_days, last_days, checked):
    spec = {**dict.fromkeys(range(first_days), 5), **dict.fromkeys(range(29 - last_days, 29), 5)}
    assert (r14_not_improving(day(28), day(0), pains(spec), P) is not None) is checked


def test_r14_uses_medians_of_even_counts():
    # First week median (6 + 8) / 2 = 7; last week 5: a 2-point fall < 2.1 is not meaningful.
    spec = {0: 6, 1: 6, 2: 8, 3: 8, 24: 5, 25: 5, 26: 5}
    assert r14_not_improving(day(28), day(0), pains(spec), P).data["first_median"] == 7
    spec[27] = 4  # last median 5 -> 4.5 is still not a fall of 2.1 ...
    assert r14_not_improving(day(28), day(0), pains(spec), P)
    spec.update({27: 4, 28: 4, 23: 4})  # ... median 4.5 -> a 2.5 fall is
    assert r14_not_improving(day(28), day(0), pains(spec), P) is None


def test_r14_patient_at_zero_pain_cannot_fall_so_it_fires():
    spec = {**dict.fromkeys(range(7), 0), **dict.fromkeys(range(22, 29), 0)}
    assert r14_not_improving(day(28), day(0), pains(spec), P)


def test_r14_without_any_entry_is_silent():
    assert r14_not_improving(day(40), None, [], P) is None
