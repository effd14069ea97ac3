"""The mail outbox: how every email leaves PT Tracker (docs/operations.md, "Email").

    message, created = mail_queue(email, kind="invitation", dedup_key=f"invitation-{pk}",
                                  clinic_id=user.clinic_id)

``mail_queue`` writes the email as an ``OutboxMessage`` in the caller's transaction and hands
its delivery to the task worker once that transaction commits: a rolled-back save sends
nothing, and a committed one is delivered even if the mail server is down for a while (retries
with backoff, core.delivery). A second call with the same ``dedup_key`` stores nothing more.

``mail_retry_now`` and ``mail_discard`` are what a clinic admin does with mail that could not
be delivered (ops.status_views, the status page); ``mail_retry_due`` re-queues everything due
(the daily sweep, ``deliver_mail --enqueue``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import partial

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .delivery import mail_deliver, mail_deliver_due, mail_due, retry_delay
from .models import OutboxMessage, OutboxState
from .tasks import deliver_mail_enqueue

__all__ = [
    "mail_deliver",
    "mail_deliver_due",
    "mail_discard",
    "mail_due",
    "mail_queue",
    "mail_retry_due",
    "mail_retry_now",
    "retry_delay",
    "undelivered_mail",
]

SUBJECT_MAX = OutboxMessage._meta.get_field("subject").max_length


def _html_of(email: EmailMessage) -> str:
    alternatives = getattr(email, "alternatives", [])
    for content, mimetype in alternatives:
        if mimetype == "text/html":
            return content
    return ""


def mail_queue(
    email: EmailMessage,
    *,
    kind: str,
    dedup_key: str | None = None,
    clinic_id: int | None = None,
    expires_at: datetime | None = None,
) -> tuple[OutboxMessage, bool]:
    """Put ``email`` (recipients, subject, text, an HTML alternative, headers) in the outbox.

    Returns (row, created): with a ``dedup_key`` already used, the existing row and False (the
    unique index decides, also between two transactions at once). Without a key the email is
    never taken for another. ``expires_at``: not sent by then, given up instead of sent late.
    Attachments, cc and bcc are not kept, so an email with them is refused."""
    if email.attachments or email.cc or email.bcc or email.reply_to:
        raise ValueError(
            "The outbox keeps no attachments, cc, bcc or reply-to: only recipients, subject, "
            "text, HTML and headers."
        )
    key = dedup_key or f"{kind}-{uuid.uuid4().hex}"
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                kind=kind,
                clinic_id=clinic_id,
                recipients=list(email.to),
                subject=str(email.subject)[:SUBJECT_MAX],
                body_text=str(email.body),
                body_html=_html_of(email),
                headers={name: str(value) for name, value in email.extra_headers.items()},
                dedup_key=key,
                expires_at=expires_at,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        existing = OutboxMessage.objects.filter(dedup_key=key).first()
        if existing is None:
            raise
        return existing, False
    # robust: a task queue that cannot take it now leaves the row pending for mail_retry_due.
    transaction.on_commit(partial(deliver_mail_enqueue, message.pk), robust=True)
    return message, True


def mail_retry_due(now: datetime | None = None) -> int:
    """Queue a delivery task for every due row: how delivery resumes once the mail server is
    back when the tasks' own deferred retries cannot (called by the daily sweep and
    ``deliver_mail --enqueue``)."""
    ids = mail_due(now)
    for pk in ids:
        deliver_mail_enqueue(pk)
    return len(ids)


def _retryable(now: datetime) -> Q:
    not_expired = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    return not_expired & (
        Q(state=OutboxState.DEAD) | Q(state=OutboxState.PENDING, next_attempt_at__gt=now)
    )


def mail_retry_now(message: OutboxMessage) -> bool:
    """Try a given-up or waiting message again now. False, changing nothing, when there is
    nothing to retry: sent, discarded, being sent, expired, or already due."""
    now = timezone.now()
    with transaction.atomic():
        changed = (
            OutboxMessage.objects.filter(pk=message.pk)
            .filter(_retryable(now))
            .update(state=OutboxState.PENDING, next_attempt_at=now)
        )
        if changed:
            transaction.on_commit(partial(deliver_mail_enqueue, message.pk), robust=True)
    return bool(changed)


def mail_discard(message: OutboxMessage) -> bool:
    """Give up a message for good (its bodies go). False when it was sent, is being sent, or
    was discarded already."""
    return bool(
        OutboxMessage.objects.filter(
            pk=message.pk, state__in=[OutboxState.PENDING, OutboxState.DEAD]
        ).update(state=OutboxState.DISCARDED, body_text="", body_html="", claimed_until=None)
    )


def undelivered_mail(clinic_id: int, now: datetime | None = None) -> QuerySet[OutboxMessage]:
    """The clinic's messages that were given up or are waiting to retry (a failed attempt
    behind them, or a claim whose worker never finished), newest first. No bodies."""
    now = now or timezone.now()
    return (
        OutboxMessage.objects.filter(clinic_id=clinic_id)
        .filter(
            Q(state=OutboxState.DEAD)
            | Q(state=OutboxState.PENDING, attempts__gt=0)
            | Q(state=OutboxState.SENDING, claimed_until__lte=now)
        )
        .defer("body_text", "body_html")
        .order_by("-created_at", "-id")
    )
