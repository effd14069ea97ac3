"""Background work of the red-flag engine, run by the django-tasks-db worker (``db_worker``).

``deliver_notification`` is queued when an alert's transaction commits and re-queues itself,
deferred with exponential backoff, while the mail server is down. ``run_daily_sweep`` and
``deliver_due_notifications`` are what the worker runs when cron (or anyone) queues them; the
management commands of the same names do the same work in the calling process.
"""

from __future__ import annotations

from django.tasks import task

from . import services
from .models import Notification, NotificationState


@task
def deliver_notification(notification_id: int) -> str:
    """Send one outbox row; after a failure, queue the next attempt for when it is due."""
    state = services.notification_deliver(notification_id)
    if state == NotificationState.FAILED:
        next_attempt_at = (
            Notification.objects.filter(pk=notification_id)
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        if next_attempt_at is not None:
            services.delivery_enqueue(notification_id, run_after=next_attempt_at)
    return state


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
        for result in services.daily_sweep_all()
    ]


@task
def deliver_due_notifications() -> dict[str, int]:
    """Deliver every outbox row that is due now (new, failed and due, or abandoned)."""
    return services.notifications_deliver_due()
