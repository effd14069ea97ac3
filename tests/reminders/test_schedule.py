"""The pure schedule (reminders/schedule.py): local times across zones, quiet hours, the
catch-up window, and daylight-saving changes that neither skip nor double a reminder."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminders.schedule import (
    CATCH_UP,
    KindSetting,
    Occurrence,
    ReminderSettings,
    in_quiet_hours,
    local_instant,
    occurrences,
    reminders_due,
    reminders_upcoming,
    send_slot,
)
from tests.reminders.conftest import LONDON, NEW_YORK, SYDNEY

DEFAULTS = ReminderSettings.defaults()
SESSION = 41


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def only(kind: str, at: time, *, quiet=(time(0), time(0))) -> ReminderSettings:
    """Settings with one kind on at `at`; quiet hours off unless given."""
    kinds = {k: KindSetting(False, time(12)) for k in DEFAULTS.kinds}
    kinds[kind] = KindSetting(True, at)
    return ReminderSettings(kinds=kinds, quiet_start=quiet[0], quiet_end=quiet[1])


def simulate(zone, settings, sessions, start: datetime, end: datetime, every=timedelta(minutes=5)):
    """Run the schedule like cron: each run sends what is due and not sent before.
    Returns {(kind, local_date): [the run instants that sent it]}."""
    sent: dict[tuple[str, date], list[datetime]] = {}
    # In UTC: adding a timedelta to a zone-aware datetime moves its wall clock, not the instant.
    now, end = start.astimezone(UTC), end.astimezone(UTC)
    while now <= end:
        for occurrence in reminders_due(zone, settings, sessions, now).due:
            key = (occurrence.kind, occurrence.local_date)
            if key not in sent:
                sent[key] = []
                sent[key].append(now)
        now += every
    return sent


# --- Local times across zones ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "after_session_utc", "next_morning_utc"),
    [
        # London in winter (GMT) and summer (BST).
        (LONDON, date(2026, 1, 14), utc(2026, 1, 14, 18), utc(2026, 1, 15, 8)),
        (LONDON, date(2026, 7, 14), utc(2026, 7, 14, 17), utc(2026, 7, 15, 7)),
        # New York: EST is UTC-5, so the evening check-in is in the next UTC day.
        (NEW_YORK, date(2026, 1, 14), utc(2026, 1, 14, 23), utc(2026, 1, 15, 13)),
        (NEW_YORK, date(2026, 7, 14), utc(2026, 7, 14, 22), utc(2026, 7, 15, 12)),
        # Sydney: AEDT (UTC+11) in January, AEST (UTC+10) in July; the next morning's 08:00 is
        # still the previous UTC day.
        (SYDNEY, date(2026, 1, 14), utc(2026, 1, 14, 7), utc(2026, 1, 14, 21)),
        (SYDNEY, date(2026, 7, 14), utc(2026, 7, 14, 8), utc(2026, 7, 14, 22)),
    ],
)
def test_session_reminders_fall_at_the_patients_local_times(
    zone, day, after_session_utc, next_morning_utc
):
    found = occurrences(
        zone, DEFAULTS, {day: SESSION}, day - timedelta(days=1), day + timedelta(days=2)
    )
    assert found == [
        Occurrence(after_session_utc, "after_session", day, SESSION),
        Occurrence(next_morning_utc, "next_morning", day + timedelta(days=1), SESSION),
    ]


def test_daily_and_exercise_reminders_come_every_day_when_turned_on():
    settings = ReminderSettings(
        kinds={
            **DEFAULTS.kinds,
            "daily": KindSetting(True, time(19)),
            "exercise": KindSetting(True, time(17)),
        }
    )
    found = occurrences(LONDON, settings, {}, date(2026, 1, 14), date(2026, 1, 15))
    assert [(o.kind, o.local_date, o.due_at) for o in found] == [
        ("exercise", date(2026, 1, 14), utc(2026, 1, 14, 17)),
        ("daily", date(2026, 1, 14), utc(2026, 1, 14, 19)),
        ("exercise", date(2026, 1, 15), utc(2026, 1, 15, 17)),
        ("daily", date(2026, 1, 15), utc(2026, 1, 15, 19)),
    ]


def test_kinds_turned_off_and_days_without_sessions_have_no_reminders():
    assert occurrences(LONDON, DEFAULTS, {}, date(2026, 1, 1), date(2026, 1, 31)) == []
    off = ReminderSettings(kinds={k: KindSetting(False, s.at) for k, s in DEFAULTS.kinds.items()})
    assert (
        occurrences(LONDON, off, {date(2026, 1, 14): SESSION}, date(2026, 1, 13), date(2026, 1, 16))
        == []
    )


def test_two_sessions_a_week_apart_each_get_their_pair():
    sessions = {date(2026, 1, 7): 1, date(2026, 1, 14): 2}
    found = occurrences(LONDON, DEFAULTS, sessions, date(2026, 1, 1), date(2026, 1, 31))
    assert [(o.kind, o.local_date.day, o.session_id) for o in found] == [
        ("after_session", 7, 1),
        ("next_morning", 8, 1),
        ("after_session", 14, 2),
        ("next_morning", 15, 2),
    ]


# --- Quiet hours ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "start", "end", "quiet"),
    [
        (time(22, 0), time(21, 30), time(7, 30), True),
        (time(21, 30), time(21, 30), time(7, 30), True),
        (time(3, 0), time(21, 30), time(7, 30), True),
        (time(7, 30), time(21, 30), time(7, 30), False),
        (time(18, 0), time(21, 30), time(7, 30), False),
        (time(13, 0), time(12, 0), time(14, 0), True),
        (time(14, 0), time(12, 0), time(14, 0), False),
        (time(3, 0), time(0, 0), time(0, 0), False),
    ],
)
def test_quiet_hours_include_the_start_and_exclude_the_end(at, start, end, quiet):
    assert in_quiet_hours(at, start, end) is quiet


def test_a_morning_reminder_in_quiet_hours_comes_when_they_end_the_same_morning():
    day = date(2026, 1, 15)
    assert send_slot(day, time(7, 0), time(21, 30), time(7, 30)) == (day, time(7, 30))
    settings = only("next_morning", time(7, 0), quiet=(time(21, 30), time(7, 30)))
    [found] = occurrences(LONDON, settings, {date(2026, 1, 14): SESSION}, day, day)
    assert found.due_at == utc(2026, 1, 15, 7, 30)


def test_an_evening_reminder_in_quiet_hours_comes_the_next_morning_for_its_own_day():
    session_day = date(2026, 1, 14)
    settings = only("after_session", time(22, 0), quiet=(time(21, 30), time(7, 30)))
    [found] = occurrences(LONDON, settings, {session_day: SESSION}, session_day, session_day)
    assert found.local_date == session_day
    assert found.due_at == utc(2026, 1, 15, 7, 30)


def test_default_times_are_outside_the_default_quiet_hours():
    found = occurrences(
        LONDON, DEFAULTS, {date(2026, 1, 14): SESSION}, date(2026, 1, 14), date(2026, 1, 15)
    )
    assert [o.due_at.astimezone(LONDON).time() for o in found] == [time(18), time(8)]


# --- The due window -------------------------------------------------------------------------------


def test_a_reminder_is_due_from_its_time_for_six_hours_then_stale():
    session_day = date(2026, 1, 14)
    sessions = {session_day: SESSION}
    due_at = utc(2026, 1, 14, 18)

    def plan(now):
        result = reminders_due(LONDON, DEFAULTS, sessions, now)
        return [o.kind for o in result.due], [o.kind for o in result.stale]

    assert plan(due_at - timedelta(seconds=1)) == ([], [])
    assert plan(due_at) == (["after_session"], [])
    assert plan(due_at + CATCH_UP - timedelta(seconds=1)) == (["after_session"], [])
    assert plan(due_at + CATCH_UP) == ([], ["after_session"])


def test_upcoming_lists_what_is_still_to_come():
    session_day = date(2026, 1, 14)
    found = reminders_upcoming(LONDON, DEFAULTS, {session_day: SESSION}, utc(2026, 1, 14, 12))
    assert [(o.kind, o.due_at) for o in found] == [
        ("after_session", utc(2026, 1, 14, 18)),
        ("next_morning", utc(2026, 1, 15, 8)),
    ]
    assert reminders_upcoming(LONDON, DEFAULTS, {session_day: SESSION}, utc(2026, 1, 15, 9)) == []


# --- Daylight-saving changes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "clock", "expected_utc", "local_sent"),
    [
        # Spring forward: the wall time does not exist; sent once, shifted by the gap.
        (LONDON, date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1, 30), time(2, 30)),
        (NEW_YORK, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30), time(3, 30)),
        (SYDNEY, date(2026, 10, 4), time(2, 30), utc(2026, 10, 3, 16, 30), time(3, 30)),
        # Fall back: the wall time happens twice; sent once, at the first.
        (LONDON, date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30), time(1, 30)),
        (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30), time(1, 30)),
        (SYDNEY, date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 15, 30), time(2, 30)),
    ],
)
def test_a_reminder_at_a_clock_change_is_sent_once_at_the_right_instant(
    zone, day, clock, expected_utc, local_sent
):
    settings = only("daily", clock)
    assert local_instant(day, clock, zone) == expected_utc
    start = datetime.combine(day - timedelta(days=1), time(0), tzinfo=zone)
    sent = simulate(zone, settings, {}, start, start + timedelta(days=3))
    assert sent[("daily", day)] == [expected_utc]
    assert expected_utc.astimezone(zone).time() == local_sent
    # One per local day, every day around the change.
    assert sorted(d for _, d in sent) == [day + timedelta(days=n) for n in (-1, 0, 1)]


@pytest.mark.parametrize(
    ("zone", "change_day"),
    [
        (LONDON, date(2026, 3, 29)),
        (LONDON, date(2026, 10, 25)),
        (NEW_YORK, date(2026, 3, 8)),
        (NEW_YORK, date(2026, 11, 1)),
        (SYDNEY, date(2026, 4, 5)),
        (SYDNEY, date(2026, 10, 4)),
    ],
)
def test_session_reminders_around_a_clock_change_keep_their_wall_times(zone, change_day):
    """Sessions the day before and on the day of a change: every reminder once, at 18:00 and
    08:00 local, although one of those days has 23 or 25 hours."""
    sessions = {change_day - timedelta(days=1): 1, change_day: 2}
    start = datetime.combine(change_day - timedelta(days=2), time(0), tzinfo=zone)
    sent = simulate(zone, DEFAULTS, sessions, start, start + timedelta(days=5))
    assert sorted(sent) == sorted(
        [
            ("after_session", change_day - timedelta(days=1)),
            ("next_morning", change_day),
            ("after_session", change_day),
            ("next_morning", change_day + timedelta(days=1)),
        ]
    )
    for (kind, _day), runs in sent.items():
        assert len(runs) == 1
        local = runs[0].astimezone(zone)
        assert local.time() == (time(18) if kind == "after_session" else time(8))


ZONES = st.sampled_from([LONDON, NEW_YORK, SYDNEY])
TIMES = st.times().map(lambda t: t.replace(second=0, microsecond=0))
DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))


@given(zone=ZONES, day=DAYS, clock=TIMES)
def test_every_local_time_maps_to_one_instant_on_its_own_day_or_just_after_a_gap(zone, day, clock):
    instant = local_instant(day, clock, zone)
    back = instant.astimezone(zone)
    wall = datetime.combine(day, clock)
    if back.replace(tzinfo=None) != wall:
        # Only a wall time in a spring-forward gap moves, forward by the gap (an hour here).
        assert back.replace(tzinfo=None) - wall == timedelta(hours=1)
    else:
        # Existing (and repeated) wall times keep their reading; a repeat takes the first.
        assert instant <= datetime.combine(day, clock, tzinfo=zone).replace(fold=1).astimezone(UTC)


def test_a_time_that_arrives_with_fold_1_still_moves_forward_across_the_gap():
    # 02:00 does not exist in New York on 14 March 2027: the reminder goes at 03:00 EDT.
    instant = local_instant(date(2027, 3, 14), time(2, 0, fold=1), NEW_YORK)
    assert instant.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2027, 3, 14, 3, 0)
