"""Background work of reminders, run by the django-tasks-db worker (``db_worker``).

Queue ``send_due_reminders_task`` every few minutes (cron, or ``send_due_reminders --enqueue``);
it does what the ``send_due_reminders`` command does, in the worker. Either is safe to run
twice at once: each reminder is claimed by a unique row before it is sent (services.py).
"""

from __future__ import annotations

from django.tasks import task

from .services import reminders_send_due


@task
def send_due_reminders_task() -> dict[str, int]:
    """Send every reminder due now, exactly once. Counts by outcome."""
    return reminders_send_due()
