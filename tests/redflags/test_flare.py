"""Flare-ups, spikes, session link and escalation (spec.md section 6; section 8 "Precise
semantics"; R11)."""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redflags.engine.baseline import baseline_on, is_meaningful_rise
from redflags.engine.domain import DayPain, Session
from redflags.engine.flare import (
    FlareEpisode,
    detect_flares,
    detect_spikes,
    flare_needs_escalation,
    flare_session_link,
)
from redflags.engine.params import RuleParams

P = RuleParams()
D0 = date(2026, 1, 5)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def days(*spec: tuple[int, int] | tuple[int, int, bool]) -> list[DayPain]:
    """(day number, daily pain[, is_flare yes])."""
    return [DayPain(day(s[0]), s[1], s[2] if len(s) > 2 else False) for s in spec]


def spans(flares: list[FlareEpisode]) -> list[tuple[int, int | None]]:
    return [((f.start - D0).days, None if f.end is None else (f.end - D0).days) for f in flares]


# --- start by rise ------------------------------------------------------------------------------


def test_two_consecutive_elevated_days_start_a_flare_detected_on_the_second():
    [flare] = detect_flares(days((0, 2), (1, 5), (2, 5), (3, 2)), 2, P)
    assert (flare.start, flare.end) == (day(1), day(3))
    assert flare.second_elevated_day == day(2) == flare.detected_on
    assert flare.baseline_at_start == 2
    assert not flare.self_reported


@pytest.mark.parametrize(("gap", "flare"), [(1, True), (2, True), (3, False)])
def test_next_logged_day_must_be_at_most_two_days_later(gap, flare):
    found = detect_flares(days((0, 5), (gap, 5)), 2, P)
    assert bool(found) is flare
    assert detect_spikes(days((0, 5), (gap, 5)), 2, P) == ([] if flare else [day(0), day(gap)])


def test_only_the_next_logged_day_counts_not_any_day_within_two():
    # Day 1 settles, so day 0 is a spike even though day 2 is high again.
    pains = days((0, 5), (1, 2), (2, 5))
    assert detect_flares(pains, 2, P) == []
    assert detect_spikes(pains, 2, P) == [day(0), day(2)]


def test_second_elevated_day_is_compared_with_the_baseline_on_the_first_day():
    # Intake baseline 0. Day 2 (baseline: intake 0, only two logged days) rises to 3. On day 3
    # the own baseline would be median(1, 1, 3) = 1, against which 2 is no rise; against the
    # first day's baseline of 0 it is.
    pains = days((0, 1), (1, 1), (2, 3), (3, 2), (4, 1))
    assert baseline_on(day(3), pains, 0, P) == 1
    assert not is_meaningful_rise(2, 1, P)
    assert spans(detect_flares(pains, 0, P)) == [(2, 4)]


def test_rise_on_the_last_logged_day_cannot_start_a_flare_yet():
    pains = days((0, 2), (1, 6))
    assert detect_flares(pains, 2, P) == []
    # Until the next day is logged it shows as a spike.
    assert detect_spikes(pains, 2, P) == [day(1)]
    assert spans(detect_flares([*pains, DayPain(day(2), 6)], 2, P)) == [(1, None)]


# --- start by self-report -----------------------------------------------------------------------


def test_self_reported_flare_starts_that_day_whatever_the_pain():
    [flare] = detect_flares(days((0, 1), (1, 1, True), (2, 1)), 1, P)
    assert (flare.start, flare.end, flare.self_reported) == (day(1), day(2), True)
    assert flare.second_elevated_day == day(1)


def test_unsure_is_not_yes():
    # DayPain.flare_yes is False for "unsure" (see test_baseline); a low day then starts nothing.
    assert detect_flares(days((0, 1), (1, 1, False)), 1, P) == []


def test_self_report_on_a_rise_day_is_a_self_reported_start_detected_that_day():
    [flare] = detect_flares(days((0, 6, True), (1, 6)), 2, P)
    assert flare.self_reported
    assert flare.detected_on == day(0)


# --- end ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("pain", "ends"), [(3, True), (4, True), (5, False)])
def test_flare_ends_on_a_day_at_most_baseline_at_start_plus_one(pain, ends):
    # Baseline at start 3 (intake), so the end needs daily pain <= 4.
    [flare] = detect_flares(days((0, 6), (1, 6), (2, pain)), 3, P)
    assert flare.end == (day(2) if ends else None)


def test_a_low_day_with_is_flare_yes_does_not_end_the_flare():
    [flare] = detect_flares(days((0, 6), (1, 6), (2, 2, True), (3, 2)), 3, P)
    assert flare.end == day(3)


def test_end_uses_baseline_at_start_not_the_later_baseline():
    # Three low days then a long flare: later baselines rise with it, the end does not move.
    pains = days((0, 2), (1, 2), (2, 2), (3, 7), (4, 7), (5, 7), (6, 7), (7, 4), (8, 3))
    [flare] = detect_flares(pains, 2, P)
    assert flare.baseline_at_start == 2
    # Against the baseline on day 7 (7) the 4 would have ended it; against 2 + 1 it does not.
    assert baseline_on(day(7), pains, 2, P) == 7
    assert (flare.start, flare.end, flare.peak) == (day(3), day(8), 7)


def test_only_logged_days_end_a_flare():
    [flare] = detect_flares(days((0, 6), (1, 6)), 2, P)
    assert flare.end is None and flare.is_open


def test_flares_never_overlap_and_detection_resumes_the_next_logged_day_after_the_end():
    pains = days((0, 6), (1, 6), (2, 2), (3, 2), (4, 2), (5, 2), (6, 6), (7, 6), (8, 2))
    assert spans(detect_flares(pains, 2, P)) == [(0, 2), (6, 8)]


def test_end_day_neither_starts_a_flare_nor_is_a_spike():
    # A self-reported flare with low pain against a high intake baseline (6) ends on day 3
    # (3 <= 6 + 1). Against its own baseline, median(1, 1, 1) = 1, day 3 is a rise and so is
    # day 4: were the end day a candidate, a second flare would start on it.
    pains = days((0, 1, True), (1, 1, True), (2, 1, True), (3, 3), (4, 3), (5, 1))
    assert spans(detect_flares(pains, 6, P)) == [(0, 3)]
    # Detection resumes on day 4, which settles on day 5: a spike.
    assert detect_spikes(pains, 6, P) == [day(4)]


def test_resumed_detection_can_start_a_flare_the_day_after_the_end():
    pains = days((0, 3, True), (1, 3, True), (2, 3), (3, 3, True))
    assert spans(detect_flares(pains, 3, P)) == [(0, 2), (3, None)]


def test_input_order_does_not_matter():
    pains = days((0, 6), (1, 6), (2, 2), (3, 6), (4, 6))
    assert detect_flares(list(reversed(pains)), 2, P) == detect_flares(pains, 2, P)


def test_two_rows_for_one_day_are_rejected():
    with pytest.raises(ValueError):
        detect_flares(days((0, 6), (0, 6)), 2, P)


# --- spikes -------------------------------------------------------------------------------------


def test_single_high_day_that_settles_is_a_spike_not_a_flare():
    pains = days((0, 2), (1, 6), (2, 2))
    assert detect_flares(pains, 2, P) == []
    assert detect_spikes(pains, 2, P) == [day(1)]


def test_days_of_a_flare_are_not_spikes():
    pains = days((0, 6), (1, 7), (2, 8), (3, 2))
    assert detect_spikes(pains, 2, P) == []


def test_spike_after_a_flare_is_marked():
    pains = days((0, 6), (1, 6), (2, 2), (3, 3), (4, 9), (5, 3))
    assert spans(detect_flares(pains, 2, P)) == [(0, 2)]
    assert detect_spikes(pains, 2, P) == [day(4)]


# --- session link -------------------------------------------------------------------------------


@pytest.mark.parametrize(("session_day", "linked"), [(4, False), (5, True), (7, True), (8, False)])
def test_flare_is_after_a_session_on_its_start_day_or_up_to_two_days_before(session_day, linked):
    session = Session(1, day(session_day))
    assert (flare_session_link(day(7), [session]) == session) is linked


def test_latest_session_in_the_link_window_wins():
    early, late = Session(1, day(5)), Session(2, day(6))
    assert flare_session_link(day(7), [late, early]) == late
    same_day = Session(3, day(6))
    assert flare_session_link(day(7), [early, late, same_day]) == same_day


def test_session_link_window_is_a_parameter():
    assert flare_session_link(day(7), [Session(1, day(4))], RuleParams(flare_session_link_days=3))


# --- escalation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("today", "escalate"), [(6, False), (7, True), (9, True)])
def test_open_flare_escalates_at_the_end_of_the_seventh_day_after_its_start(today, escalate):
    flare = FlareEpisode(day(0), None, Fraction(2), 6, False, day(1))
    assert flare_needs_escalation(flare, day(today), P) is escalate


def test_ended_flare_never_escalates():
    flare = FlareEpisode(day(0), day(8), Fraction(2), 6, False, day(1))
    assert not flare_needs_escalation(flare, day(9), P)


# --- properties ---------------------------------------------------------------------------------

logged_days = st.lists(
    st.tuples(st.integers(1, 3), st.integers(0, 10), st.booleans()), max_size=40
).map(
    lambda steps: [
        DayPain(day(sum(gap for gap, _, _ in steps[: i + 1])), pain, yes)
        for i, (_, pain, yes) in enumerate(steps)
    ]
)


@given(logged_days, st.integers(0, 10))
def test_flares_are_ordered_never_overlap_and_end_after_they_start(pains, intake):
    flares = detect_flares(pains, intake, P)
    for flare in flares:
        assert flare.end is None or flare.end > flare.start
        assert flare.start <= flare.detected_on <= flare.start + timedelta(days=2)
    for earlier, later in zip(flares, flares[1:], strict=False):
        assert earlier.end is not None and earlier.end < later.start
    assert all(f.end is not None for f in flares[:-1])


@given(logged_days, st.integers(0, 10))
def test_every_flare_start_is_a_self_report_or_a_rise(pains, intake):
    by_day = {p.day: p for p in pains}
    for flare in detect_flares(pains, intake, P):
        start = by_day[flare.start]
        assert flare.self_reported == start.flare_yes
        if not flare.self_reported:
            assert is_meaningful_rise(start.daily_pain, flare.baseline_at_start, P)
            second = by_day[flare.second_elevated_day]
            assert is_meaningful_rise(second.daily_pain, flare.baseline_at_start, P)


@given(logged_days, st.integers(0, 10))
def test_a_spike_day_is_never_inside_a_flare(pains, intake):
    flares = detect_flares(pains, intake, P)
    for spike in detect_spikes(pains, intake, P):
        assert not any(f.covers(spike) for f in flares)


@given(logged_days, st.integers(0, 10), st.integers(0, 90))
def test_resuming_outside_a_flare_equals_full_recomputation(pains, intake, offset):
    """The service resumes detection at a day outside every flare (redflags.engine.reconcile
    .flare_detect_from); from there it must find exactly the episodes a full scan finds."""
    full = detect_flares(pains, intake, P)
    resume = day(offset)
    if any(flare.covers(resume) for flare in full):
        return
    window = [p for p in pains if p.day >= resume - timedelta(days=P.baseline_window_days)]
    resumed = detect_flares(window, intake, P, detect_from=resume)
    assert resumed == [flare for flare in full if flare.start >= resume]
