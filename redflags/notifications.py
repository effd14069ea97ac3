"""The notification outbox (CLINICAL.md section 5: urgent and emergency alerts reach the clinic the
same day): one row per recipient written in the alert's transaction, handed to the task queue once
that transaction commits, delivered with retries and exponential backoff, and given up visibly.

``deliver_notification`` is the task this module enqueues, so it is defined here: the outbox
depends on nothing above it (``tasks.py`` only wraps the sweep and the batch delivery).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial
from smtplib import SMTPRecipientsRefused

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import override

from accounts.models import User

from .messages import email_body, email_subject
from .models import Alert, Notification, NotificationState, Severity

logger = logging.getLogger(__name__)

#: Severities that email the patient's therapists (section 5: the clinic acts the same day).
NOTIFY_SEVERITIES = frozenset({Severity.URGENT, Severity.EMERGENCY})
#: Retry policy of the outbox: 1, 2, 4 ... minutes after each failure, at most an hour apart;
#: after this many attempts (about two days of outage) the row is given up and shown as such.
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 48
#: A delivery claimed this long ago without finishing (a killed worker) may be tried again.
SENDING_LEASE = timedelta(minutes=10)


def _recipients(alert: Alert, *, escalated: bool, actor: User | None) -> list[User]:
    patient = alert.patient

    def therapists() -> list[User]:
        return list(patient.therapists.filter(is_active=True).exclude(email=""))

    def admins() -> list[User]:
        return list(
            User.objects.filter(
                clinic_id=patient.clinic_id, role=User.Role.CLINIC_ADMIN, is_active=True
            ).exclude(email="")
        )

    # A manual escalation goes to the clinic's admins; an alert to the patient's therapists.
    # With nobody in the first group, the other one gets it, so an alert is never unseen.
    first, second = (admins, therapists) if escalated else (therapists, admins)
    people = [p for p in first() if actor is None or p.pk != actor.pk]
    if not people:
        people = [p for p in second() if actor is None or p.pk != actor.pk]
    return people


def notification_queue(
    alert: Alert, *, reason: str = "raised", actor: User | None = None
) -> list[Notification]:
    """Write one outbox row per recipient in the caller's transaction, and hand each to the
    delivery task once that transaction commits (never before: a rolled-back alert sends
    nothing). ``reason`` is ``raised`` (an urgent or emergency alert, to the patient's
    therapists) or ``escalated`` (a clinician escalated it, to the clinic's admins)."""
    escalated = reason == "escalated"
    if not escalated and alert.severity not in NOTIFY_SEVERITIES:
        return []
    now = timezone.now()
    rows = []
    for person in _recipients(alert, escalated=escalated, actor=actor):
        with override(person.preferred_language):
            rows.append(
                Notification(
                    alert=alert,
                    recipient=person,
                    to_email=person.email,
                    subject=email_subject(alert, escalated=escalated)[:200],
                    body_text=email_body(alert, person, escalated=escalated),
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    if not rows:
        logger.error("Alert %s has nobody to notify: no therapist or clinic admin", alert.pk)
        return []
    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    transaction.on_commit(partial(_enqueue_deliveries, ids), robust=True)
    return created


def _enqueue_deliveries(ids: list[int]) -> None:
    for pk in ids:
        delivery_enqueue(pk)


@task
def deliver_notification(notification_id: int) -> str:
    """Send one outbox row; after a failure, queue the next attempt for when it is due."""
    state = notification_deliver(notification_id)
    if state == NotificationState.FAILED:
        next_attempt_at = (
            Notification.objects.filter(pk=notification_id)
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        if next_attempt_at is not None:
            delivery_enqueue(notification_id, run_after=next_attempt_at)
    return state


def delivery_enqueue(notification_id: int, run_after: datetime | None = None) -> bool:
    """Hand a delivery to the task queue, deferred to ``run_after`` when the backend can defer
    (django-tasks-db can). Returns False when it cannot be deferred; the row is then picked up
    by ``notifications_retry_due``."""
    delivery = deliver_notification
    if run_after is not None:
        if not delivery.get_backend().supports_defer:
            return False
        delivery = delivery.using(run_after=run_after)
    delivery.enqueue(notification_id)
    return True


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4, 8 ... minutes after the 1st, 2nd, 3rd ... failure, capped
    at an hour."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)


def _due(now: datetime) -> Q:
    return Q(
        state__in=[NotificationState.PENDING, NotificationState.FAILED, NotificationState.SENDING],
        next_attempt_at__lte=now,
    )


def notification_deliver(notification_id: int, *, now: datetime | None = None) -> str:
    """Send one outbox row through the ``default`` mailer; returns its state afterwards.

    The row is claimed with a conditional UPDATE, so two workers never both send it and a sent
    row is never sent again. A failure records the error, counts the attempt and sets the next
    attempt with exponential backoff; after ``MAX_ATTEMPTS`` (or a refused address, which will
    not get better) the row is given up and the alert page shows it."""
    now = now or timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id)
        .filter(_due(now))
        .update(
            state=NotificationState.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now + SENDING_LEASE,
        )
    )
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return ""
    if not claimed:
        return notification.state
    message = EmailMultiAlternatives(
        subject=notification.subject, body=notification.body_text, to=[notification.to_email]
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        message.send(using="default")
    except Exception as error:
        permanent = isinstance(error, SMTPRecipientsRefused)
        state = (
            NotificationState.GAVE_UP
            if permanent or notification.attempts >= MAX_ATTEMPTS
            else NotificationState.FAILED
        )
        Notification.objects.filter(pk=notification_id, state=NotificationState.SENDING).update(
            state=state,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=now + retry_delay(notification.attempts),
        )
        logger.warning(
            "Notification %s attempt %s failed (%s): %s",
            notification_id,
            notification.attempts,
            state,
            error,
        )
        return state
    Notification.objects.filter(pk=notification_id).update(
        state=NotificationState.SENT, sent_at=timezone.now(), last_error=""
    )
    return NotificationState.SENT


def notifications_due(now: datetime | None = None, *, limit: int = 500) -> list[int]:
    """Ids of outbox rows waiting to be (re)tried: new, failed and due, or claimed by a
    worker that never finished."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(_due(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def notifications_retry_due(now: datetime | None = None) -> int:
    """Queue a delivery task for every due row; how delivery resumes once the mail server is
    back (called by the daily sweep and the frequent ``deliver_notifications``)."""
    ids = notifications_due(now)
    for pk in ids:
        delivery_enqueue(pk)
    return len(ids)


def notifications_deliver_due(now: datetime | None = None) -> dict[str, int]:
    """Deliver every due row now, in this process (cron without a worker). Counts by state."""
    counts: dict[str, int] = {}
    for pk in notifications_due(now):
        state = notification_deliver(pk)
        counts[state] = counts.get(state, 0) + 1
    return counts
