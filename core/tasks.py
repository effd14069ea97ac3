"""Mail delivery in the django-tasks-db worker (``db_worker``).

``deliver_mail`` is queued when the transaction that wrote an outbox row commits
(core.outbox.mail_queue), and queues its own next attempt, deferred by the backoff, while the
mail server is down. ``deliver_due_mail`` sends everything due, as the ``deliver_mail``
management command does in the calling process.
"""

from __future__ import annotations

from datetime import datetime

from django.tasks import task

from .delivery import FAILED, mail_deliver, mail_deliver_due
from .models import OutboxMessage


def deliver_mail_enqueue(message_id: int, run_after: datetime | None = None) -> bool:
    """Hand one row's delivery to the task queue, deferred to ``run_after`` when the backend
    can defer (django-tasks-db can). False when it cannot: ``deliver_mail``, the command, or
    the daily sweep's ``mail_retry_due`` picks the row up when it is due."""
    queued = deliver_mail
    if run_after is not None:
        if not queued.get_backend().supports_defer:
            return False
        queued = queued.using(run_after=run_after)
    queued.enqueue(message_id)
    return True


@task
def deliver_mail(message_id: int) -> str:
    """Send one outbox row; after a failure, queue the next attempt for when it is due."""
    outcome = mail_deliver(message_id)
    if outcome == FAILED:
        next_attempt_at = (
            OutboxMessage.objects.filter(pk=message_id)
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        if next_attempt_at is not None:
            deliver_mail_enqueue(message_id, run_after=next_attempt_at)
    return outcome


@task
def deliver_due_mail() -> dict[str, int]:
    """Deliver every outbox row that is due now (new, failed and due, or abandoned)."""
    return mail_deliver_due()
