"""Delivering outbox rows through Django's mail (the ``default`` mailer), one worker at a time.

Who sends a row is decided by the database, never by a clock:

- **PostgreSQL** (what clinics deploy): a worker takes the row with ``SELECT ... FOR UPDATE SKIP
  LOCKED`` (pending and due) and keeps that lock while it sends, recording the outcome in the
  same transaction. Another worker skips a locked row instead of waiting for it, and a sent row
  is never due again. A worker killed in the middle of sending (kill -9, a machine that dies)
  takes its lock with it: the server ends its transaction, the row is pending and due again at
  once, and the next run (another worker's task, ``deliver_mail`` from cron) sends it.
- **SQLite** (one machine): a conditional UPDATE claims the row (state ``sending``) for
  ``SENDING_LEASE``; a claim left by a killed worker is taken over once that lease runs out.
  Rows left ``sending`` that way are due again on PostgreSQL too, once their lease has run out.

Either way the only window for a second copy is a crash after the mail server accepted the
message and before the outcome is committed; both copies carry the same Message-ID.

A failed attempt is retried with exponential backoff (``retry_delay``); after
``settings.MAIL_OUTBOX_MAX_ATTEMPTS`` attempts, after its ``expires_at``, or at once for an
address the server refuses (that will not get better), the row is ``dead``.

Queueing, and the tasks that call this, are in core.outbox and core.tasks.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from smtplib import SMTPRecipientsRefused
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .metrics import DELIVERIES_FAILED
from .models import OutboxMessage, OutboxState

logger = logging.getLogger(__name__)

#: Backoff after each failure: 1, 2, 4 ... minutes, at most an hour apart (with the default 48
#: attempts, about two days of outage before a message is given up).
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)
#: A claim this old without an outcome (a killed worker) may be taken over.
SENDING_LEASE = timedelta(minutes=10)
ERROR_MAX = 2000
#: What ``mail_deliver`` returns when this attempt failed and another is scheduled.
FAILED = "failed"
#: Counted by ``mail_deliver_due`` for a row another worker claimed first.
TAKEN = "taken"


def max_attempts() -> int:
    return settings.MAIL_OUTBOX_MAX_ATTEMPTS


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4, 8 ... minutes after the 1st, 2nd, 3rd ... failure, capped
    at an hour."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)


def due(now: datetime) -> Q:
    """Rows a worker may claim now: pending and due, or claimed by a worker that never
    finished."""
    return Q(state=OutboxState.PENDING, next_attempt_at__lte=now) | Q(
        state=OutboxState.SENDING, claimed_until__lte=now
    )


def message_id(message: OutboxMessage) -> str:
    """The same for every attempt of one row, so a mail system that sees it twice can drop the
    copy; the creation time keeps ids apart across databases that reuse row numbers."""
    host = urlsplit(settings.SITE_URL).hostname or "pt-tracker.invalid"
    return f"<outbox-{message.pk}-{message.created_at:%Y%m%d%H%M%S%f}@{host}>"


def email_for(message: OutboxMessage) -> EmailMultiAlternatives:
    """The Django email a row stands for."""
    headers = {"Message-ID": message_id(message), **message.headers}
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.body_text, to=message.recipients, headers=headers
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


def _claim(message_id: int, now: datetime) -> bool:
    """The lease claim (databases without SKIP LOCKED): a conditional UPDATE."""
    return bool(
        OutboxMessage.objects.filter(pk=message_id)
        .filter(due(now))
        .update(
            state=OutboxState.SENDING,
            attempts=F("attempts") + 1,
            claimed_until=now + SENDING_LEASE,
        )
    )


def _dead(message: OutboxMessage, error: str) -> tuple[str, dict[str, Any]]:
    DELIVERIES_FAILED.labels(outcome="dead").inc()
    logger.error("Mail %s (%s) given up: %s", message.pk, message.kind, error)
    return OutboxState.DEAD, {"state": OutboxState.DEAD, "last_error": error[:ERROR_MAX]}


def _failure(message: OutboxMessage, error: Exception, now: datetime) -> tuple[str, dict[str, Any]]:
    text = f"{type(error).__name__}: {error}"
    next_attempt_at = now + retry_delay(message.attempts)
    expired = message.expires_at is not None and next_attempt_at >= message.expires_at
    if isinstance(error, SMTPRecipientsRefused) or message.attempts >= max_attempts() or expired:
        return _dead(message, text)
    DELIVERIES_FAILED.labels(outcome="retry").inc()
    logger.warning(
        "Mail %s (%s) attempt %s failed: %s", message.pk, message.kind, message.attempts, error
    )
    fields = {
        "state": OutboxState.PENDING,
        "last_error": text[:ERROR_MAX],
        "next_attempt_at": next_attempt_at,
    }
    return FAILED, fields


def _attempt(message: OutboxMessage, now: datetime) -> tuple[str, dict[str, Any]]:
    """Send a claimed row (its ``attempts`` already counting this one): the outcome and the
    fields that record it."""
    if message.expires_at is not None and now >= message.expires_at:
        return _dead(
            message, f"Expired: not delivered before {message.expires_at:%Y-%m-%d %H:%M} UTC."
        )
    try:
        email_for(message).send(using="default")
    except Exception as error:
        return _failure(message, error, now)
    # The bodies go: a sent email's links (tokens) should not stay readable in the database.
    fields = {
        "state": OutboxState.SENT,
        "sent_at": timezone.now(),
        "last_error": "",
        "body_text": "",
        "body_html": "",
    }
    return OutboxState.SENT, fields


def _state_of(message_id: int) -> str:
    state = OutboxMessage.objects.filter(pk=message_id).values_list("state", flat=True).first()
    return state or ""


def _deliver_locked(message_id: int, now: datetime) -> tuple[bool, str]:
    """Send the row while holding its lock; the outcome commits with the lock's release."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id)
            .filter(due(now))
            .first()
        )
        if message is None:
            return False, _state_of(message_id)
        message.attempts += 1
        outcome, fields = _attempt(message, now)
        OutboxMessage.objects.filter(pk=message_id).update(
            attempts=message.attempts, claimed_until=None, **fields
        )
    return True, outcome


def _deliver_leased(message_id: int, now: datetime) -> tuple[bool, str]:
    if not _claim(message_id, now):
        return False, _state_of(message_id)
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        return False, ""
    outcome, fields = _attempt(message, now)
    # Only while the claim is this worker's (a lease taken over leaves the row to the other).
    OutboxMessage.objects.filter(pk=message_id, state=OutboxState.SENDING).update(
        claimed_until=None, **fields
    )
    return True, outcome


def _deliver(message_id: int, now: datetime) -> tuple[bool, str]:
    """(whether this call took the row, the outcome)."""
    if connection.features.has_select_for_update_skip_locked:
        return _deliver_locked(message_id, now)
    return _deliver_leased(message_id, now)


def mail_deliver(message_id: int, *, now: datetime | None = None) -> str:
    """Send one row if it is due and nobody else holds it. Returns its state afterwards
    (``sent``, ``dead``, or what another worker left it in), or ``failed`` when this attempt
    failed and the next one is scheduled; "" for a row that does not exist."""
    return _deliver(message_id, now or timezone.now())[1]


def mail_due(now: datetime | None = None, *, limit: int = 500) -> list[int]:
    """Ids of rows waiting to be (re)tried, the longest waiting first."""
    now = now or timezone.now()
    return list(
        OutboxMessage.objects.filter(due(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def mail_deliver_due(now: datetime | None = None) -> dict[str, int]:
    """Deliver every due row now, in this process (cron without a worker). Counts by outcome
    of this process's attempts: ``sent``, ``failed``, ``dead``; ``taken`` for rows another
    worker claimed first."""
    counts: dict[str, int] = {}
    for pk in mail_due(now):
        claimed, outcome = _deliver(pk, now or timezone.now())
        outcome = outcome if claimed else TAKEN
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
