"""Delivering outbox rows through Django's mail (the ``default`` mailer), one worker at a time.

A row is claimed with a conditional UPDATE (pending and due, or sending with its lease run
out): of two workers that try at once, the database lets one have it, and a sent row is never
claimed again. The claim lasts ``SENDING_LEASE``; a worker killed in the middle of sending leaves
a claim that the next run takes over once it expires. The only window for a second copy is a
crash after the mail server accepted the message and before the row says ``sent``; both copies
carry the same Message-ID.

A failed attempt is retried with exponential backoff (``retry_delay``); after
``settings.MAIL_OUTBOX_MAX_ATTEMPTS`` attempts, after its ``expires_at``, or at once for an
address the server refuses (that will not get better), the row is ``dead``.

Queueing, and the tasks that call this, are in core.outbox and core.tasks.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from smtplib import SMTPRecipientsRefused
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
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
    return bool(
        OutboxMessage.objects.filter(pk=message_id)
        .filter(due(now))
        .update(
            state=OutboxState.SENDING,
            attempts=F("attempts") + 1,
            claimed_until=now + SENDING_LEASE,
        )
    )


def _give_up(message: OutboxMessage, error: str) -> str:
    OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.SENDING).update(
        state=OutboxState.DEAD, last_error=error[:ERROR_MAX], claimed_until=None
    )
    DELIVERIES_FAILED.labels(outcome="dead").inc()
    logger.error("Mail %s (%s) given up: %s", message.pk, message.kind, error)
    return OutboxState.DEAD


def _failed(message: OutboxMessage, error: Exception, now: datetime) -> str:
    text = f"{type(error).__name__}: {error}"
    next_attempt_at = now + retry_delay(message.attempts)
    expired = message.expires_at is not None and next_attempt_at >= message.expires_at
    if isinstance(error, SMTPRecipientsRefused) or message.attempts >= max_attempts() or expired:
        return _give_up(message, text)
    OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.SENDING).update(
        state=OutboxState.PENDING,
        last_error=text[:ERROR_MAX],
        next_attempt_at=next_attempt_at,
        claimed_until=None,
    )
    DELIVERIES_FAILED.labels(outcome="retry").inc()
    logger.warning(
        "Mail %s (%s) attempt %s failed: %s", message.pk, message.kind, message.attempts, error
    )
    return FAILED


def _deliver(message_id: int, now: datetime) -> tuple[bool, str]:
    """(whether this call claimed the row, the outcome)."""
    claimed = _claim(message_id, now)
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        return False, ""
    if not claimed:
        return False, message.state
    if message.expires_at is not None and now >= message.expires_at:
        when = f"{message.expires_at:%Y-%m-%d %H:%M} UTC"
        return True, _give_up(message, f"Expired: not delivered before {when}.")
    try:
        email_for(message).send(using="default")
    except Exception as error:
        return True, _failed(message, error, now)
    # The bodies go: a sent email's links (tokens) should not stay readable in the database.
    OutboxMessage.objects.filter(pk=message_id).update(
        state=OutboxState.SENT,
        sent_at=timezone.now(),
        last_error="",
        claimed_until=None,
        body_text="",
        body_html="",
    )
    return True, OutboxState.SENT


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
