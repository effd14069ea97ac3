"""How a claimed reminder reaches the patient: by push to each browser where they turned
reminders on, by email otherwise (issue 17), each exactly once.

- The transaction that claims the reminder (services.reminder_claim) also makes one
  PushDelivery row per subscription (unique per dispatch and subscription), or, with none,
  puts the email in the mail outbox (core.outbox, deduplicated by the dispatch).
- ``push_deliver`` claims a row (pending or failed, to sending, by a conditional UPDATE) before
  it sends, so two workers never both send it; a sent row is never sent again.
- A browser the push service no longer knows (404/410) loses its subscription. When that leaves
  the reminder with no browser that got it or may still get it, the email goes instead.
- A failure is tried again by the scheduler's next runs (``push_deliver_due``) while the
  reminder is worth sending (schedule.CATCH_UP), then given up, as late emails are.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.models import MailKind
from core.outbox import mail_queue

from . import schedule
from .choices import PushState
from .mail import reminder_message
from .models import KIND_CONTEXT, PushDelivery, QuickLogToken, ReminderDispatch
from .push import PushFailed, PushGone, push_configured, push_payload, push_send
from .tokens import quick_log_token_new

TOKEN_LIFETIME = timedelta(hours=24)
#: Push attempts of one reminder to one browser before it is given up.
PUSH_MAX_ATTEMPTS = 5
#: Outcomes of push_deliver.
SENT, GONE, FAILED, NOT_MINE = "sent", "gone", "failed", "not_mine"


def quick_log_token_issue(dispatch: ReminderDispatch) -> str:
    """A new single-use link for this reminder's check-in; returns the signed token."""
    signed, digest = quick_log_token_new()
    now = timezone.now()
    QuickLogToken.objects.create(
        token_hash=digest,
        patient_id=dispatch.patient_id,
        context=KIND_CONTEXT[dispatch.kind],
        session_id=dispatch.session_id,
        dispatch=dispatch,
        created_at=now,
        expires_at=now + TOKEN_LIFETIME,
    )
    return signed


def reminder_email_queue(dispatch: ReminderDispatch) -> None:
    """Put the reminder's email (with its quick-log link) in the mail outbox, once."""
    token = quick_log_token_issue(dispatch) if dispatch.kind in KIND_CONTEXT else None
    mail_queue(
        reminder_message(dispatch, token),
        kind=MailKind.REMINDER,
        dedup_key=f"reminder-{dispatch.pk}",
        clinic_id=dispatch.patient.clinic_id,
        expires_at=dispatch.due_at + schedule.CATCH_UP,
    )


def push_deliveries_create(dispatch: ReminderDispatch) -> list[PushDelivery]:
    """One delivery row per browser of the patient (none without VAPID keys), in the
    claiming transaction."""
    if not push_configured():
        return []
    return [
        PushDelivery.objects.create(dispatch=dispatch, subscription=subscription)
        for subscription in dispatch.patient.push_subscriptions.all()
    ]


def _still_reaches(dispatch_id: int) -> bool:
    """Whether some browser got the reminder or may still get it."""
    return PushDelivery.objects.filter(
        dispatch_id=dispatch_id,
        state__in=[PushState.PENDING, PushState.SENDING, PushState.SENT, PushState.FAILED],
    ).exists()


def _gone(delivery: PushDelivery) -> str:
    with transaction.atomic():
        PushDelivery.objects.filter(pk=delivery.pk).update(state=PushState.GONE)
        if delivery.subscription is not None:
            delivery.subscription.delete()
        if not _still_reaches(delivery.dispatch_id):
            reminder_email_queue(delivery.dispatch)
    return GONE


def push_deliver(delivery_id: int, now: datetime | None = None) -> str:
    """Send one delivery row if it is still to be sent, and record how it went."""
    now = now or timezone.now()
    claimed = PushDelivery.objects.filter(
        pk=delivery_id, state__in=[PushState.PENDING, PushState.FAILED]
    ).update(state=PushState.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return NOT_MINE
    delivery = PushDelivery.objects.select_related("subscription", "dispatch__patient__user").get(
        pk=delivery_id
    )
    if delivery.subscription is None:
        # Turned off in that browser since the reminder was claimed.
        return _gone(delivery)
    try:
        push_send(
            delivery.subscription,
            push_payload(delivery.dispatch),
            topic=f"reminder-{delivery.dispatch_id}",
        )
    except PushGone:
        return _gone(delivery)
    except PushFailed as error:
        late = now >= delivery.dispatch.due_at + schedule.CATCH_UP
        state = (
            PushState.GIVEN_UP
            if late or delivery.attempts >= PUSH_MAX_ATTEMPTS
            else PushState.FAILED
        )
        PushDelivery.objects.filter(pk=delivery_id).update(state=state, error=str(error)[:500])
        return FAILED
    PushDelivery.objects.filter(pk=delivery_id).update(
        state=PushState.SENT, sent_at=timezone.now(), error=""
    )
    return SENT


def push_deliver_due(now: datetime | None = None) -> int:
    """Try again the pushes that failed, and those a stopped worker left pending, while their
    reminder is worth sending; the others are given up. Returns how many were sent."""
    now = now or timezone.now()
    stale = PushDelivery.objects.filter(
        state__in=[PushState.PENDING, PushState.FAILED],
        dispatch__due_at__lte=now - schedule.CATCH_UP,
    )
    stale.update(state=PushState.GIVEN_UP)
    due = PushDelivery.objects.filter(
        state__in=[PushState.PENDING, PushState.FAILED], created_at__lte=now
    ).values_list("pk", flat=True)
    return sum(push_deliver(pk, now) == SENT for pk in list(due))
