"""Is the background work keeping up? The checks behind /readyz, the status page and the
staff banner (docs/operations.md, "Readiness").

Stale means, with the thresholds in settings:
- outbox: the oldest email that is due has waited more than READY_OUTBOX_MAX_WAIT (10 minutes);
- sweep: a clinic's last local day is not swept READY_SWEEP_DEADLINE (2 hours) after it ended,
  that is by 02:00 local time (the sweep waits for the clinic's westernmost patient's midnight,
  and so does this check);
- scheduler: the reminder scheduler has not run for READY_SCHEDULER_MAX_AGE (15 minutes);
- worker: no task worker has beaten for READY_WORKER_MAX_AGE (2 minutes).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from accounts.models import Clinic
from core.delivery import due
from core.models import OutboxMessage
from redflags.models import SweepRun
from redflags.sweep import sweep_day_for

from .heartbeats import heartbeats_latest
from .models import Component

OUTBOX, SWEEP, SCHEDULER, WORKER = "outbox", "sweep", "scheduler", "worker"


@dataclass(frozen=True)
class Check:
    """One check's verdict. ``since``: the oldest due email's due time, or the last beat."""

    name: str
    ok: bool
    reason: str = ""
    since: datetime | None = None
    limit: timedelta | None = None
    #: The sweep check: the clinics whose day is not swept, with that day.
    late_sweeps: dict[int, date] = field(default_factory=dict)


def _minutes(delta: timedelta) -> str:
    return f"{int(delta.total_seconds() // 60)} min"


def oldest_due_mail(now: datetime) -> datetime | None:
    """When the longest-waiting email that is due now became due (None: nothing is due)."""
    return OutboxMessage.objects.filter(due(now)).aggregate(oldest=Min("next_attempt_at"))["oldest"]


def check_outbox(now: datetime) -> Check:
    limit = settings.READY_OUTBOX_MAX_WAIT
    oldest = oldest_due_mail(now)
    if oldest is None or now - oldest <= limit:
        return Check(OUTBOX, True, since=oldest, limit=limit)
    reason = (
        f"the oldest due email has waited {_minutes(now - oldest)} (limit {_minutes(limit)}): "
        "is the task worker running?"
    )
    return Check(OUTBOX, False, reason, since=oldest, limit=limit)


HEARTBEAT_NEVER = {
    SCHEDULER: "the reminder scheduler (send_due_reminders) has never run",
    WORKER: "the task worker (db_worker) has never run its heartbeat task",
}
HEARTBEAT_LATE = {
    SCHEDULER: "the reminder scheduler (send_due_reminders) last ran {age} ago (limit {limit})",
    WORKER: "the task worker (db_worker) last beat {age} ago (limit {limit})",
}


def _check_heartbeat(name: str, last: datetime | None, limit: timedelta, now: datetime) -> Check:
    if last is None:
        return Check(name, False, HEARTBEAT_NEVER[name], limit=limit)
    if now - last <= limit:
        return Check(name, True, since=last, limit=limit)
    reason = HEARTBEAT_LATE[name].format(age=_minutes(now - last), limit=_minutes(limit))
    return Check(name, False, reason, since=last, limit=limit)


def check_scheduler(now: datetime, last: datetime | None) -> Check:
    return _check_heartbeat(SCHEDULER, last, settings.READY_SCHEDULER_MAX_AGE, now)


def check_worker(now: datetime, last: datetime | None) -> Check:
    return _check_heartbeat(WORKER, last, settings.READY_WORKER_MAX_AGE, now)


def sweep_day_due(clinic: Clinic, now: datetime) -> date | None:
    """The clinic's latest local day whose sweep should be finished by now (its deadline
    passed), or None when the clinic did not exist yet when that day ended."""
    day = sweep_day_for(clinic, now - settings.READY_SWEEP_DEADLINE)
    ended = datetime.combine(day + timedelta(days=1), time(0), zoneinfo.ZoneInfo(clinic.time_zone))
    return day if clinic.created_at < ended else None


def check_sweeps(now: datetime, clinics: Iterable[Clinic] | None = None) -> Check:
    """Every clinic (or those given) has its due day swept to the end."""
    late: dict[int, date] = {}
    for clinic in Clinic.objects.order_by("pk") if clinics is None else clinics:
        day = sweep_day_due(clinic, now)
        if day is None:
            continue
        if not SweepRun.objects.filter(clinic=clinic, day=day, finished_at__isnull=False).exists():
            late[clinic.pk] = day
    if not late:
        return Check(SWEEP, True, limit=settings.READY_SWEEP_DEADLINE)
    days = ", ".join(f"clinic {pk} {day.isoformat()}" for pk, day in late.items())
    reason = f"the daily sweep has not finished for {days}: is run_daily_sweep in cron?"
    return Check(SWEEP, False, reason, limit=settings.READY_SWEEP_DEADLINE, late_sweeps=late)


def background_checks(
    now: datetime | None = None, clinics: Iterable[Clinic] | None = None
) -> list[Check]:
    """Every check, in a fixed order: outbox, sweep (every clinic, or those given), scheduler,
    worker."""
    now = now or timezone.now()
    latest = heartbeats_latest()
    return [
        check_outbox(now),
        check_sweeps(now, clinics),
        check_scheduler(now, latest[Component.SCHEDULER]),
        check_worker(now, latest[Component.WORKER]),
    ]
