"""The push of one reminder to one browser, in the django-tasks-db worker (``db_worker``).

Queued when the transaction that claimed the reminder commits (services.reminder_claim); the
scheduler's runs try failed ones again (delivery.push_deliver_due). A module of its own because
services queues it and tasks.py runs services.
"""

from __future__ import annotations

from django.tasks import task

from .delivery import push_deliver


@task
def deliver_push(delivery_id: int) -> str:
    """Push one reminder to one browser, once (delivery.push_deliver)."""
    return push_deliver(delivery_id)
