"""Writes for reminders: sending what is due exactly once, quick-log saves, preferences.

Exactly once (docs/operations.md, "Reminders"):
- A reminder is claimed by inserting its ReminderDispatch row. The row is unique per (patient,
  kind, local_date), so of two runs at the same moment one inserts it and the other gets an
  IntegrityError and moves on.
- The same transaction issues the quick-log link and puts the email in the mail outbox
  (core.outbox) with the dispatch as its dedup key. A run that dies before committing leaves
  nothing, and the next run sends the reminder; once committed, the outbox delivers it, retries
  while the mail server is down and gives it up when it is no use any more: a check-in reminder
  not delivered within `schedule.CATCH_UP` of its time is never sent late.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Patient
from core.models import MailKind, OutboxMessage, OutboxState
from core.outbox import mail_discard
from symptoms.models import SymptomEntry

from . import schedule
from .choices import DispatchState, PushState, SkipReason
from .delivery import push_deliver_due, push_deliveries_create, reminder_email_queue
from .models import PushDelivery, QuickLogToken, ReminderDispatch, ReminderPreference
from .push_tasks import deliver_push
from .selectors import Candidate, preference_for, reminder_candidates, skip_reason
from .signals import scheduler_ran
from .tokens import BadToken, quick_log_token_hash

#: Outcomes counted by reminders_send_due. SENT: handed to the mail outbox; TAKEN: another run
#: had claimed it.
SENT, SKIPPED, TAKEN = "sent", "skipped", "taken"
#: Pushes to browsers sent by the run (reminders/delivery.py).
PUSHED = "pushed"


# --- Sending -------------------------------------------------------------------------------------


def _dispatch_create(
    patient: Patient, occurrence: schedule.Occurrence, **fields: Any
) -> ReminderDispatch:
    """Insert the reminder's row; IntegrityError when it exists already (another run has it)."""
    return ReminderDispatch.objects.create(
        patient=patient,
        kind=occurrence.kind,
        local_date=occurrence.local_date,
        session_id=occurrence.session_id,
        due_at=occurrence.due_at,
        **fields,
    )


def _skip(patient: Patient, occurrence: schedule.Occurrence, reason: str) -> str:
    try:
        with transaction.atomic():
            _dispatch_create(patient, occurrence, state=DispatchState.SKIPPED, error=reason)
    except IntegrityError:
        return TAKEN
    return SKIPPED


def _push_enqueue(deliveries: list[PushDelivery]) -> None:
    for delivery in deliveries:
        transaction.on_commit(partial(deliver_push.enqueue, delivery.pk))


def reminder_claim(patient: Patient, occurrence: schedule.Occurrence) -> ReminderDispatch | None:
    """Claim a reminder and hand it on, in one transaction: a push to each browser where the
    patient turned reminders on, or else the email in the mail outbox (delivery.py). The
    inserted row, or None if it was claimed before (nothing is sent then)."""
    try:
        with transaction.atomic():
            dispatch = _dispatch_create(
                patient, occurrence, state=DispatchState.SENT, sent_at=timezone.now()
            )
            deliveries = push_deliveries_create(dispatch)
            if deliveries:
                _push_enqueue(deliveries)
            else:
                reminder_email_queue(dispatch)
    except IntegrityError:
        return None
    return dispatch


def reminder_send(candidate: Candidate, occurrence: schedule.Occurrence) -> str | None:
    """Send one due reminder unless it was handled before, is already logged, or another run
    claims it first. Returns the outcome, or None when a row existed already."""
    if (occurrence.kind, occurrence.local_date) in candidate.done:
        return None
    patient = candidate.patient
    reason = skip_reason(patient, occurrence.kind, occurrence.local_date)
    if reason:
        return _skip(patient, occurrence, reason)
    return SENT if reminder_claim(patient, occurrence) is not None else TAKEN


def reminders_send_due(now: datetime | None = None) -> dict[str, int]:
    """Send every reminder due now, once (into the mail outbox); record stale and
    already-logged ones as skipped. Safe to run every few minutes, and twice at once.
    Returns how many were sent, skipped, or taken by another run."""
    now = now or timezone.now()
    counts: Counter[str] = Counter()
    for candidate in reminder_candidates(now):
        plan = schedule.reminders_due(
            candidate.patient.zone, candidate.settings, candidate.session_days, now
        )
        for occurrence in plan.stale:
            if (occurrence.kind, occurrence.local_date) not in candidate.done:
                counts[_skip(candidate.patient, occurrence, SkipReason.STALE)] += 1
        for occurrence in plan.due:
            outcome = reminder_send(candidate, occurrence)
            if outcome:
                counts[outcome] += 1
    # Pushes not sent yet: those just claimed (if the worker has not sent them first), those
    # that failed before, those a stopped worker left; while still worth sending.
    pushed = push_deliver_due(now)
    if pushed:
        counts[PUSHED] += pushed
    scheduler_ran.send(sender=reminders_send_due, now=now, counts=dict(counts))
    return dict(counts)


# --- Quick-log links -----------------------------------------------------------------------------


class QuickLogRefused(Exception):
    """The link cannot be used: see the subclasses. `token` is set when the link was real."""

    status = 404

    def __init__(self, token: QuickLogToken | None = None):
        super().__init__()
        self.token = token


class QuickLogInvalid(QuickLogRefused):
    """Changed, cut short, or never issued."""


class QuickLogExpired(QuickLogRefused):
    status = 410


class QuickLogUsed(QuickLogRefused):
    status = 410


class QuickLogClosed(QuickLogRefused):
    """The patient's account is closed or deactivated: the link stores nothing any more."""

    status = 410


def _patient_gone(patient: Patient) -> bool:
    return patient.closed_at is not None or not patient.user.is_active


def quick_log_token_get(signed: str, now: datetime | None = None) -> QuickLogToken:
    """The usable token behind a link, else QuickLogInvalid, QuickLogUsed or QuickLogExpired."""
    try:
        digest = quick_log_token_hash(signed)
    except BadToken as error:
        raise QuickLogInvalid from error
    token = (
        QuickLogToken.objects.select_related("patient__user", "patient__clinic", "session")
        .filter(token_hash=digest)
        .first()
    )
    if token is None:
        raise QuickLogInvalid
    if _patient_gone(token.patient):
        raise QuickLogClosed(token)
    if token.used_at is not None:
        raise QuickLogUsed(token)
    if (now or timezone.now()) >= token.expires_at:
        raise QuickLogExpired(token)
    return token


def quick_log_token_spend(token: QuickLogToken, now: datetime) -> None:
    """Spend the link: a conditional UPDATE ... WHERE used_at IS NULL, so of two saves at once
    only one goes on. Runs in the transaction that stores the link's entry
    (care.services.quick_log_record)."""
    spent = QuickLogToken.objects.filter(
        pk=token.pk,
        used_at__isnull=True,
        expires_at__gt=now,
        patient__closed_at__isnull=True,
        patient__user__is_active=True,
    ).update(used_at=now)
    if not spent:
        fresh = QuickLogToken.objects.select_related("patient__user").get(pk=token.pk)
        if _patient_gone(fresh.patient):
            raise QuickLogClosed(token)
        raise QuickLogUsed(token) if fresh.used_at is not None else QuickLogExpired(token)


def quick_log_token_attach(token: QuickLogToken, entry: SymptomEntry, now: datetime) -> None:
    """Point the spent link at the entry it stored; any other link of the same reminder (the
    sender before the mail outbox issued one per attempt) is spent too: one link, one check-in."""
    QuickLogToken.objects.filter(pk=token.pk).update(entry=entry)
    QuickLogToken.objects.filter(dispatch_id=token.dispatch_id, used_at__isnull=True).update(
        used_at=now
    )
    token.used_at, token.entry = now, entry


def quick_log_token_spent(token_id: int, *, within: timedelta) -> QuickLogToken | None:
    """A link spent at most `within` ago, with its entry: for the page that follows the save."""
    since = timezone.now() - within
    return (
        QuickLogToken.objects.select_related("patient__user", "patient__clinic", "entry")
        .filter(
            pk=token_id,
            used_at__gte=since,
            entry__isnull=False,
            patient__closed_at__isnull=True,
            patient__user__is_active=True,
        )
        .first()
    )


def reminders_revoke(patient: Patient, now: datetime | None = None) -> tuple[int, int]:
    """What closing an account stops (care.services.patient_close): the patient's quick-log
    links that could still be used expire now, their reminder emails not yet sent are given
    up (a given-up one too, so that nobody can retry it), and their browsers' push
    subscriptions go with the pushes not yet sent. Returns (links revoked, emails given up).
    No new reminder is sent to a closed account (selectors.reminder_candidates)."""
    now = now or timezone.now()
    revoked = QuickLogToken.objects.filter(
        patient=patient, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    keys = [
        f"reminder-{pk}"
        for pk in ReminderDispatch.objects.filter(patient=patient).values_list("pk", flat=True)
    ]
    pending = OutboxMessage.objects.filter(
        kind=MailKind.REMINDER,
        dedup_key__in=keys,
        state__in=[OutboxState.PENDING, OutboxState.DEAD],
    )
    discarded = sum(mail_discard(message) for message in pending)
    PushDelivery.objects.filter(
        dispatch__patient=patient, state__in=[PushState.PENDING, PushState.FAILED]
    ).update(state=PushState.GONE)
    patient.push_subscriptions.all().delete()
    return revoked, discarded


# --- Preferences ---------------------------------------------------------------------------------


def reminder_preference_save(patient: Patient, data: dict[str, Any]) -> ReminderPreference:
    """Save the patient's reminder preferences (validated by the model as well as the form)."""
    preference = preference_for(patient)
    for name, value in data.items():
        setattr(preference, name, value)
    preference.full_clean(exclude=["patient"])
    saved, _created = ReminderPreference.objects.update_or_create(patient=patient, defaults=data)
    return saved


def reminder_unsubscribe(patient: Patient, kind: str) -> ReminderPreference:
    """Turn one kind of reminder off (the email's one-click unsubscribe)."""
    saved, _created = ReminderPreference.objects.update_or_create(
        patient=patient, defaults={f"{kind}_enabled": False}
    )
    return saved
