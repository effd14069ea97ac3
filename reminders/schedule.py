"""When check-in reminders are due: pure functions of a zone, settings, sessions and `now`.

Nothing here touches the database, so every rule below is tested in milliseconds across time
zones and daylight-saving changes (tests/reminders/test_schedule.py). docs/operations.md,
"Reminders", says the same for operators.

- Each kind has a local wall-clock time and recurs per local date: the after-session check-in
  on each day with a session, the next-morning check-in on the day after a session day, the
  daily check-in and the exercise reminder every day (the sender skips days without doses).
- Quiet hours run from `quiet_start` to `quiet_end` (local, the end excluded, across midnight
  when the start is later than the end). A time inside them is moved to the end of quiet hours:
  the next moment the clock reads `quiet_end`, which is the following morning for a time
  between the start and midnight. The reminder keeps its own `local_date`.
- A local wall time becomes one UTC instant with fold=0. In a daylight-saving gap (02:30 on
  New York's spring-forward day does not exist) that reads the time with the offset in force
  before the change, so it is sent that much later (03:30 EDT); in an overlap (01:30 happens
  twice when London falls back) it is the first of the two. One instant per reminder and local
  date, so a clock change neither skips nor doubles a reminder.
- A reminder is due once `due_at <= now` and for `CATCH_UP` (6 hours) after it; a scheduler
  that was down longer finds it stale and records it as skipped instead of sending an evening
  check-in the next morning. Only the last `LOOKBACK_DAYS` local days are considered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .choices import ReminderKind

CATCH_UP = timedelta(hours=6)
LOOKBACK_DAYS = 1

DEFAULT_TIMES: Mapping[str, time] = {
    ReminderKind.AFTER_SESSION: time(18, 0),
    ReminderKind.NEXT_MORNING: time(8, 0),
    ReminderKind.DAILY: time(19, 0),
    ReminderKind.EXERCISE: time(17, 0),
}
DEFAULT_ENABLED: Mapping[str, bool] = {
    ReminderKind.AFTER_SESSION: True,
    ReminderKind.NEXT_MORNING: True,
    ReminderKind.DAILY: False,
    ReminderKind.EXERCISE: False,
}
DEFAULT_QUIET_START = time(21, 30)
DEFAULT_QUIET_END = time(7, 30)


@dataclass(frozen=True)
class KindSetting:
    enabled: bool
    at: time


@dataclass(frozen=True)
class ReminderSettings:
    """A patient's reminder preferences as plain data (ReminderPreference.settings())."""

    kinds: Mapping[str, KindSetting]
    quiet_start: time = DEFAULT_QUIET_START
    quiet_end: time = DEFAULT_QUIET_END

    @classmethod
    def defaults(cls) -> ReminderSettings:
        return cls(
            kinds={
                kind: KindSetting(DEFAULT_ENABLED[kind], DEFAULT_TIMES[kind])
                for kind in ReminderKind.values
            }
        )

    def enabled(self, kind: str) -> bool:
        setting = self.kinds.get(kind)
        return bool(setting and setting.enabled)


@dataclass(frozen=True, order=True)
class Occurrence:
    """One reminder: what, for which local day, about which session, and when (UTC)."""

    due_at: datetime
    kind: str
    local_date: date
    session_id: int | None = None


@dataclass(frozen=True)
class DuePlan:
    due: list[Occurrence]
    stale: list[Occurrence]


def in_quiet_hours(at: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end


def send_slot(day: date, at: time, quiet_start: time, quiet_end: time) -> tuple[date, time]:
    """The local date and time a reminder set for `at` on `day` goes out, after quiet hours."""
    if not in_quiet_hours(at, quiet_start, quiet_end):
        return day, at
    if at < quiet_end:
        # Early morning, before quiet hours end: later the same morning.
        return day, quiet_end
    return day + timedelta(days=1), quiet_end


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time; fold=0 settles gaps and overlaps (module doc)."""
    # A time that arrives with fold=1 would read a gap backwards; the module's rule is fold=0.
    return datetime.combine(day, at.replace(fold=0), tzinfo=zone).astimezone(UTC)


def occurrences(
    zone: ZoneInfo,
    settings: ReminderSettings,
    session_days: Mapping[date, int],
    first_day: date,
    last_day: date,
) -> list[Occurrence]:
    """Every enabled reminder for the local dates `first_day` to `last_day`, in time order.

    `session_days` maps a local date to its session (the latest recorded one of that day).
    """
    found: list[Occurrence] = []

    def add(kind: str, day: date, session_id: int | None) -> None:
        if not settings.enabled(kind):
            return
        send_day, at = send_slot(
            day, settings.kinds[kind].at, settings.quiet_start, settings.quiet_end
        )
        found.append(Occurrence(local_instant(send_day, at, zone), kind, day, session_id))

    day = first_day
    while day <= last_day:
        if day in session_days:
            add(ReminderKind.AFTER_SESSION, day, session_days[day])
        yesterday = day - timedelta(days=1)
        if yesterday in session_days:
            add(ReminderKind.NEXT_MORNING, day, session_days[yesterday])
        add(ReminderKind.DAILY, day, None)
        add(ReminderKind.EXERCISE, day, None)
        day += timedelta(days=1)
    return sorted(found)


def local_today(zone: ZoneInfo, now: datetime) -> date:
    return now.astimezone(zone).date()


def reminders_due(
    zone: ZoneInfo,
    settings: ReminderSettings,
    session_days: Mapping[date, int],
    now: datetime,
    *,
    catch_up: timedelta = CATCH_UP,
) -> DuePlan:
    """The reminders to send now, and those whose sending window has passed (stale)."""
    today = local_today(zone, now)
    due: list[Occurrence] = []
    stale: list[Occurrence] = []
    for occurrence in occurrences(
        zone, settings, session_days, today - timedelta(days=LOOKBACK_DAYS), today
    ):
        if occurrence.due_at > now:
            continue
        (due if now - occurrence.due_at < catch_up else stale).append(occurrence)
    return DuePlan(due=due, stale=stale)


def reminders_upcoming(
    zone: ZoneInfo,
    settings: ReminderSettings,
    session_days: Mapping[date, int],
    now: datetime,
    *,
    days: int = 2,
) -> list[Occurrence]:
    """The reminders still to come from `now` over the next `days` local days."""
    today = local_today(zone, now)
    return [
        occurrence
        for occurrence in occurrences(
            zone,
            settings,
            session_days,
            today - timedelta(days=LOOKBACK_DAYS),
            today + timedelta(days=days),
        )
        if occurrence.due_at > now
    ]
