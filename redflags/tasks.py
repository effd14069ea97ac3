"""Background work of the red-flag engine, run by the django-tasks-db worker (``db_worker``).

``run_daily_sweep`` and ``deliver_due_notifications`` are what the worker runs when cron (or
anyone) queues them; the management commands of the same names do the same work in the calling
process. ``deliver_notification``, queued when an alert's transaction commits, lives with the
outbox that queues it (``notifications``).
"""

from __future__ import annotations

from django.tasks import task

from .notifications import deliver_notification, notifications_deliver_due
from .sweep import daily_sweep_all

# Delivery tasks queued before the outbox moved to ``notifications`` name this module
# ("redflags.tasks.deliver_notification"); the worker still finds the task here.
__all__ = ["deliver_due_notifications", "deliver_notification", "run_daily_sweep"]


@task
def run_daily_sweep() -> list[dict]:
    """Sweep every clinic for the local days that have ended (idempotent; safe hourly)."""
    return [
        {
            "clinic": result.clinic_id,
            "day": result.day.isoformat(),
            "skipped": result.skipped,
            "alerts_opened": result.alerts_opened,
            "failures": result.failures,
        }
        for result in daily_sweep_all()
    ]


@task
def deliver_due_notifications() -> dict[str, int]:
    """Deliver every outbox row that is due now (new, failed and due, or abandoned)."""
    return notifications_deliver_due()
