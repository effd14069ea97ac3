"""Background work of the red-flag engine, run by the django-tasks-db worker (``db_worker``).

``run_daily_sweep`` is what the worker runs when cron (or anyone) queues it; the management
command of the same name does the same work in the calling process. Alert emails are delivered
by the mail outbox's tasks (core.tasks).
"""

from __future__ import annotations

from django.tasks import task

from .sweep import daily_sweep_all


@task
def run_daily_sweep() -> list[dict]:
    """Sweep every clinic for the local days that have ended (idempotent; safe hourly)."""
    return [
        {
            "clinic": result.clinic_id,
            "day": result.day.isoformat(),
            "skipped": result.skipped,
            "busy": result.busy,
            "alerts_opened": result.alerts_opened,
            "failures": result.failures,
        }
        for result in daily_sweep_all()
    ]
