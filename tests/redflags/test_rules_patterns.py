"""The trend and pattern rules, R8-R12 (spec.md section 8), at and around every threshold."""

from fractions import Fraction

import pytest

from redflags.engine.domain import Entry, Session
from redflags.engine.flare import FlareEpisode
from redflags.engine.params import RuleParams
from redflags.engine.rules.patterns import (
    exercise_traffic_light,
    r8_worsening_after_sessions,
    r9_failed_24h_response,
    r10_exercise_pain_red_zone,
    r11_escalation_finding,
    r11_flare_finding,
    r12_neuropathic_pattern,
)
from tests.redflags.rule_helpers import (
    D0,
    P,
    check_finding,
    day,
    entry,
    log,
)

# --- R8 worsening after sessions ----------------------------------------------------------------


def sessions_with(pains: list[int]) -> list[tuple[Session, int]]:
    return [(Session(i + 1, day(7 * i)), pain) for i, pain in enumerate(pains)]


def after_last(pairs: list[tuple[Session, int]]) -> Entry:
    last, pain = pairs[-1]
    return entry(
        (last.day - D0).days, at="18:00", context="after_session", pain=pain, session_id=last.id
    )


@pytest.mark.parametrize(
    ("pains", "fires"),
    [
        ([4, 5, 6], True),
        ([3, 4, 5], True),  # exactly 2 points in all
        ([2, 5, 9], True),
        ([4, 5, 5], False),  # not strictly rising
        ([4, 6, 5], False),
        ([5, 6], False),  # only two sessions with post-session pain
        ([4, 5, 4, 5], False),  # V05: the last three are 5, 4, 5
        ([9, 4, 5, 6], True),  # only the last three count
    ],
)
def test_r8_post_session_pain_rising_over_the_last_three_sessions(pains, fires):
    pairs = sessions_with(pains)
    finding = r8_worsening_after_sessions(after_last(pairs), pairs, P)
    assert (finding is not None) is fires
    if fires:
        check_finding(finding, "R8", "review")


def test_r8_total_rise_is_a_parameter():
    pairs = sessions_with([4, 5, 6])
    assert (
        r8_worsening_after_sessions(after_last(pairs), pairs, RuleParams(r8_min_total_rise=3))
        is None
    )


def test_r8_is_only_checked_on_an_after_session_entry_of_one_of_the_last_sessions():
    pairs = sessions_with([4, 5, 6])
    assert r8_worsening_after_sessions(entry(15, context="daily"), pairs, P) is None
    late_for_first = entry(15, context="after_session", pain=4, session_id=1)
    assert r8_worsening_after_sessions(late_for_first, sessions_with([9, 4, 5, 6]), P) is None


# --- R9 failed 24-hour response -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pre", "now", "fires"),
    [
        (2, 3, False),
        (2, 4, True),
        (0, 2, True),
        (0, 1, False),
        (5, 7, True),
        (7, 9, False),  # 2 < 2.1
        (7, 10, True),
        (Fraction(7, 2), 5, False),  # baseline fallback with a half
        (Fraction(7, 2), 6, True),
    ],
)
def test_r9_next_morning_pain_meaningfully_above_pre_session_pain(pre, now, fires):
    e = entry(1, at="08:00", context="next_morning", pain=now, session_id=1)
    finding = r9_failed_24h_response(e, pre, P)
    assert (finding is not None) is fires
    if fires:
        check_finding(finding, "R9", "review")


@pytest.mark.parametrize("context", ["daily", "after_session", "before_session", "flare"])
def test_r9_only_next_morning_entries(context):
    assert r9_failed_24h_response(entry(1, context=context, pain=9), 2, P) is None


def test_r9_without_a_session_is_silent():
    assert r9_failed_24h_response(entry(1, context="next_morning", pain=9), None, P) is None


# --- R10 exercise pain in the red zone ----------------------------------------------------------


@pytest.mark.parametrize(
    ("apart", "fires"), [(0, False), (1, True), (12, True), (13, True), (14, False)]
)
def test_r10_red_exercise_pain_on_two_different_days_at_most_13_apart(apart, fires):
    first, second = log(0, 6), log(apart, 8, "squat")
    finding = r10_exercise_pain_red_zone(second, [first], P)
    assert (finding is not None) is fires
    if fires:
        finding = check_finding(finding, "R10", "review")
        assert finding.evidence_exercise_log_ids == (first.id, second.id)


@pytest.mark.parametrize(("earlier", "now", "fires"), [(5, 6, False), (6, 5, False), (6, 6, True)])
def test_r10_red_means_above_5(earlier, now, fires):
    assert (r10_exercise_pain_red_zone(log(3, now), [log(0, earlier)], P) is not None) is fires


def test_r10_single_red_log_gets_no_alert():
    assert r10_exercise_pain_red_zone(log(0, 9), [], P) is None


def test_r10_ignores_the_log_itself_if_passed_back():
    this = log(3, 9)
    assert r10_exercise_pain_red_zone(this, [this], P) is None


@pytest.mark.parametrize(
    ("pain", "light"),
    [(0, "green"), (2, "green"), (3, "amber"), (5, "amber"), (6, "red"), (10, "red")],
)
def test_exercise_traffic_light(pain, light):
    assert exercise_traffic_light(pain, P) == light


# --- R11 findings -------------------------------------------------------------------------------


def test_r11_flare_finding_is_review_and_escalation_is_urgent():
    episode = FlareEpisode(day(3), None, Fraction(7, 2), 7, False, day(4))
    finding = check_finding(r11_flare_finding(episode, [11, 12]), "R11", "review")
    assert finding.evidence_entry_ids == (11, 12)
    assert finding.data["baseline_at_start"] == 3.5
    escalated = check_finding(r11_escalation_finding(episode, day(10), [11]), "R11", "urgent")
    assert escalated.data["days_open"] == 7


def test_r11_self_reported_flare_says_so():
    episode = FlareEpisode(day(3), day(5), Fraction(2), 3, True, day(3))
    assert "Self-reported" in r11_flare_finding(episode, []).reason


# --- R12 neuropathic pattern --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("descriptors", "fires"),
    [
        ({"burning", "tingling"}, False),
        ({"burning", "tingling", "aching", "stabbing"}, False),
        ({"burning", "tingling", "itching"}, True),
        ({"painful_cold", "electric_shock", "pins_and_needles", "numbness"}, True),
    ],
)
def test_r12_three_dn4_items(descriptors, fires):
    finding = r12_neuropathic_pattern(entry(descriptors=descriptors), False, P)
    assert (finding is not None) is fires
    if fires:
        check_finding(finding, "R12", "review")


def test_r12_never_fires_again_once_it_has():
    e = entry(descriptors={"burning", "tingling", "itching", "numbness"})
    assert r12_neuropathic_pattern(e, True, P) is None
