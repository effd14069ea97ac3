"""Reconciling stored flare-up episodes with a new detection (spec.md section 6; R11), as
plain data: what to create, update, close and delete, and from which day to detect again."""

import itertools
from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from redflags.engine.domain import DayPain, Session
from redflags.engine.flare import FlareEpisode, detect_flares
from redflags.engine.params import RuleParams
from redflags.engine.reconcile import (
    StoredFlare,
    flare_detect_from,
    flare_entry_span,
    flare_evidence,
    flare_triggers,
    flares_reconcile,
)

P = RuleParams()
D0 = date(2026, 1, 5)
_ids = itertools.count(1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def episode(start: int, end: int | None, *, peak: int = 6, detected: int | None = None):
    detected_on = day(start + 1 if detected is None else detected)
    return FlareEpisode(day(start), None if end is None else day(end), Fraction(2), peak, False,
                        detected_on)  # fmt: skip


def stored(flare: FlareEpisode, session_id: int | None = None, **changes) -> StoredFlare:
    row = StoredFlare(
        id=next(_ids),
        start=flare.start,
        end=flare.end,
        baseline_at_start=flare.baseline_at_start,
        peak=flare.peak,
        self_reported=flare.self_reported,
        detected_on=flare.detected_on,
        session_id=session_id,
    )
    return replace(row, **changes)


def reconcile(rows, detected, *, sessions=(), detect_from=0, touched=None):
    return flares_reconcile(
        rows,
        detected,
        sessions,
        detect_from=day(detect_from),
        touched_day=None if touched is None else day(touched),
        params=P,
    )


# --- what to write -----------------------------------------------------------------------------


def test_a_newly_detected_flare_is_created():
    plan = reconcile([], [episode(3, None)])
    assert [w.episode.start for w in plan.creates] == [day(3)]
    assert plan.updates == () and plan.delete == ()


def test_an_unchanged_stored_flare_is_left_alone():
    flare = episode(3, 6)
    assert reconcile([stored(flare)], [flare], touched=10) == reconcile([], [])


def test_an_unchanged_flare_covering_the_touched_day_is_written_again_for_its_triggers():
    flare = episode(3, 6)
    row = stored(flare)
    plan = reconcile([row], [flare], touched=6)
    assert [(w.stored, w.episode) for w in plan.updates] == [(row, flare)]


def test_a_stored_flare_no_longer_detected_is_deleted():
    row = stored(episode(3, None))
    plan = reconcile([row], [])
    assert plan.delete == (row.id,) and plan.writes == ()


def test_an_open_flare_that_settles_is_closed():
    row = stored(episode(3, None))
    plan = reconcile([row], [episode(3, 8)])
    [write] = plan.updates
    assert write.closes and write.stored == row and write.episode.end == day(8)


def test_a_flare_reopened_by_a_later_entry_is_updated_not_closed():
    row = stored(episode(3, 8))
    [write] = reconcile([row], [episode(3, None)]).updates
    assert not write.closes and write.episode.end is None


def test_a_higher_peak_updates_the_row():
    row = stored(episode(3, None, peak=6))
    [write] = reconcile([row], [episode(3, None, peak=8)]).updates
    assert write.episode.peak == 8


def test_a_row_stored_without_a_detection_day_is_updated():
    flare = episode(3, None)
    [write] = reconcile([stored(flare, detected_on=None)], [flare]).updates
    assert write.episode.detected_on == day(4)


def test_stored_flares_before_detect_from_are_outside_the_recomputation():
    row = stored(episode(0, 2))
    plan = reconcile([row], [episode(10, None)], detect_from=8)
    assert plan.delete == () and [w.episode.start for w in plan.creates] == [day(10)]


def test_the_flare_is_linked_to_the_latest_session_up_to_two_days_before_its_start():
    sessions = [Session(1, day(0)), Session(2, day(1)), Session(3, day(4))]
    [write] = reconcile([], [episode(3, None)], sessions=sessions).creates
    assert write.session_id == 2


def test_a_changed_session_link_updates_the_row():
    flare = episode(3, None)
    plan = reconcile([stored(flare, session_id=None)], [flare], sessions=[Session(7, day(3))])
    assert [w.session_id for w in plan.updates] == [7]


# --- where detection resumes -------------------------------------------------------------------


def test_detection_resumes_the_gap_before_the_touched_day_without_flares():
    assert flare_detect_from([], day(10), P) == day(8)


def test_an_open_flare_is_recomputed_from_its_start():
    assert flare_detect_from([stored(episode(2, None))], day(10), P) == day(2)


def test_a_flare_settling_on_or_after_that_day_is_recomputed_from_its_start():
    assert flare_detect_from([stored(episode(2, 8))], day(10), P) == day(2)
    assert flare_detect_from([stored(episode(2, 7))], day(10), P) == day(8)


def test_a_change_before_a_stored_flare_still_starts_the_gap_before_the_change():
    assert flare_detect_from([stored(episode(6, None))], day(5), P) == day(3)


# --- the entries a write reads -----------------------------------------------------------------


def test_an_open_flare_reads_its_entries_up_to_today_or_its_detection_day():
    assert flare_entry_span(episode(3, None, detected=4), day(9)) == (day(3), day(9))
    assert flare_entry_span(episode(3, None, detected=4), day(3)) == (day(3), day(4))
    assert flare_entry_span(episode(3, 6), day(9)) == (day(3), day(6))


def test_triggers_are_those_named_during_the_flare_not_on_its_end_day():
    entries = [(day(2), ["lifting"]), (day(3), ["sitting", "lifting"]), (day(4), None),
               (day(5), ["stress"]), (day(6), ["gardening"])]  # fmt: skip
    assert flare_triggers(episode(3, 6), entries) == ["lifting", "sitting", "stress"]
    assert flare_triggers(episode(3, None), entries) == [
        "gardening",
        "lifting",
        "sitting",
        "stress",
    ]


def test_r11_evidence_runs_from_the_start_to_the_detection_day():
    entries = [(1, day(2)), (2, day(3)), (3, day(4)), (4, day(5))]
    assert flare_evidence(episode(3, None, detected=4), entries) == [2, 3]


# --- reconciling after one day changed equals a full recomputation ----------------------------

logged_days = st.lists(
    st.tuples(st.integers(1, 3), st.integers(0, 10), st.booleans()), max_size=30
).map(
    lambda steps: [
        DayPain(day(sum(gap for gap, _, _ in steps[: i + 1])), pain, yes)
        for i, (_, pain, yes) in enumerate(steps)
    ]
)


def _apply(rows: list[StoredFlare], plan) -> list[tuple]:
    """The stored state after writing ``plan``, as comparable tuples ordered by start."""
    kept = {row.start: row for row in rows if row.id not in plan.delete}
    result = {
        start: (row.start, row.end, row.baseline_at_start, row.peak, row.self_reported,
                row.detected_on)
        for start, row in kept.items()
    }  # fmt: skip
    for write in plan.writes:
        e = write.episode
        result[e.start] = (e.start, e.end, e.baseline_at_start, e.peak, e.self_reported,
                           e.detected_on)  # fmt: skip
    return [result[start] for start in sorted(result)]


def _as_tuples(flares: list[FlareEpisode]) -> list[tuple]:
    return [(f.start, f.end, f.baseline_at_start, f.peak, f.self_reported, f.detected_on)
            for f in flares]  # fmt: skip


@given(
    logged_days,
    st.integers(0, 10),
    st.integers(0, 90),
    st.one_of(st.none(), st.tuples(st.integers(0, 10), st.booleans())),
)
def test_reconciling_after_one_day_changed_equals_a_full_recomputation(
    before, intake, changed, new_value
):
    """A day's entries were added, corrected or deleted (``new_value`` None: the day is no
    longer logged). The service stored the flares of the old data; it detects again from
    ``flare_detect_from`` only, and writing the plan must leave exactly what a full
    recomputation over the new data finds."""
    touched = day(changed)
    after = [p for p in before if p.day != touched]
    if new_value is not None:
        after = sorted([*after, DayPain(touched, *new_value)], key=lambda p: p.day)
    rows = [stored(flare) for flare in detect_flares(before, intake, P)]

    detect_from = flare_detect_from(rows, touched, P)
    window = [p for p in after if p.day >= detect_from - timedelta(days=P.baseline_window_days)]
    detected = detect_flares(window, intake, P, detect_from=detect_from)
    plan = flares_reconcile(
        rows, detected, [], detect_from=detect_from, touched_day=touched, params=P
    )

    assert _apply(rows, plan) == _as_tuples(detect_flares(after, intake, P))
    assert not set(plan.delete) & {w.stored.id for w in plan.updates}
