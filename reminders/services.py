"""Writes for reminders: sending what is due exactly once, quick-log saves, preferences.

Exactly once (docs/operations.md, "Reminders"):
- A reminder is claimed by inserting its ReminderDispatch row, in a transaction of its own,
  before anything is sent. The row is unique per (patient, kind, local_date), so of two runs at
  the same moment one inserts it and the other gets an IntegrityError and moves on.
- A run that dies after claiming leaves a `claimed` row. After `LEASE` (10 minutes) a later
  run takes it over with a conditional UPDATE (state and claimed_at as it read them), so only
  one run re-claims it; it checks again whether the check-in was logged meanwhile, then sends.
  The only window for a second copy is a crash after the mail server accepted the message and
  before the row says `sent` (milliseconds); both copies carry the same Message-ID.
- A failed send (mail server down) is retried after `RETRY_AFTER`, up to `MAX_ATTEMPTS`, while
  the reminder is within its catch-up window.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Patient
from symptoms.models import SymptomEntry

from . import schedule
from .choices import DispatchState, SkipReason
from .mail import reminder_message
from .models import KIND_CONTEXT, QuickLogToken, ReminderDispatch, ReminderPreference
from .selectors import (
    Candidate,
    dispatches_to_retry,
    preference_for,
    reminder_candidates,
    skip_reason,
)
from .tokens import BadToken, quick_log_token_hash, quick_log_token_new

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
RETRY_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 3
TOKEN_LIFETIME = timedelta(hours=24)
ERROR_MAX = ReminderDispatch._meta.get_field("error").max_length

#: Outcomes counted by reminders_send_due; TAKEN: another run had claimed it.
SENT, SKIPPED, FAILED, TAKEN = "sent", "skipped", "failed", "taken"


# --- Sending -------------------------------------------------------------------------------------


def _insert(
    patient: Patient, occurrence: schedule.Occurrence, **fields: Any
) -> ReminderDispatch | None:
    """Insert the reminder's row; None when it exists already (another run has it)."""
    try:
        with transaction.atomic():
            return ReminderDispatch.objects.create(
                patient=patient,
                kind=occurrence.kind,
                local_date=occurrence.local_date,
                session_id=occurrence.session_id,
                due_at=occurrence.due_at,
                **fields,
            )
    except IntegrityError:
        return None


def reminder_claim(patient: Patient, occurrence: schedule.Occurrence) -> ReminderDispatch | None:
    """Claim a reminder for sending: the inserted row, or None if it was claimed before."""
    return _insert(
        patient,
        occurrence,
        state=DispatchState.CLAIMED,
        claimed_at=timezone.now(),
        attempts=1,
    )


def _skip(patient: Patient, occurrence: schedule.Occurrence, reason: str) -> str:
    row = _insert(patient, occurrence, state=DispatchState.SKIPPED, error=reason)
    return SKIPPED if row is not None else TAKEN


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


def _deliver(dispatch: ReminderDispatch) -> str:
    """Send a claimed reminder and record the outcome (only if the claim is still ours)."""
    ours = ReminderDispatch.objects.filter(
        pk=dispatch.pk, state=DispatchState.CLAIMED, claimed_at=dispatch.claimed_at
    )
    token = quick_log_token_issue(dispatch) if dispatch.kind in KIND_CONTEXT else None
    try:
        reminder_message(dispatch, token).send(using="default")
    except Exception as error:
        ours.update(
            state=DispatchState.FAILED, error=f"{type(error).__name__}: {error}"[:ERROR_MAX]
        )
        logger.warning("Reminder %s attempt %s failed: %s", dispatch.pk, dispatch.attempts, error)
        return FAILED
    if not ours.update(state=DispatchState.SENT, sent_at=timezone.now(), error=""):
        logger.warning("Reminder %s was taken over while it was being sent.", dispatch.pk)
    return SENT


def reminder_send(candidate: Candidate, occurrence: schedule.Occurrence) -> str | None:
    """Send one due reminder unless it was handled before, is already logged, or another run
    claims it first. Returns the outcome, or None when a row existed already."""
    if (occurrence.kind, occurrence.local_date) in candidate.done:
        return None
    patient = candidate.patient
    reason = skip_reason(patient, occurrence.kind, occurrence.local_date)
    if reason:
        return _skip(patient, occurrence, reason)
    dispatch = reminder_claim(patient, occurrence)
    if dispatch is None:
        return TAKEN
    return _deliver(dispatch)


def _retry(dispatch: ReminderDispatch, now: datetime) -> str:
    """Take over a reminder left claimed past its lease, or retry a failed one."""
    current = ReminderDispatch.objects.filter(
        pk=dispatch.pk, state=dispatch.state, claimed_at=dispatch.claimed_at
    )
    too_late = now - dispatch.due_at >= schedule.CATCH_UP
    if dispatch.state == DispatchState.CLAIMED and (too_late or dispatch.attempts >= MAX_ATTEMPTS):
        closed = current.update(
            state=DispatchState.FAILED,
            error="Given up: the run sending it stopped before it finished.",
        )
        return FAILED if closed else TAKEN
    claimed_at = timezone.now()
    if not current.update(
        state=DispatchState.CLAIMED, claimed_at=claimed_at, attempts=F("attempts") + 1
    ):
        return TAKEN
    dispatch.state, dispatch.claimed_at = DispatchState.CLAIMED, claimed_at
    dispatch.attempts += 1
    reason = skip_reason(dispatch.patient, dispatch.kind, dispatch.local_date)
    if reason:
        ReminderDispatch.objects.filter(pk=dispatch.pk, claimed_at=claimed_at).update(
            state=DispatchState.SKIPPED, error=reason
        )
        return SKIPPED
    return _deliver(dispatch)


def reminders_send_due(now: datetime | None = None) -> dict[str, int]:
    """Send every reminder due now, once; record stale and already-logged ones as skipped;
    take over or retry what earlier runs left. Safe to run every few minutes, and twice at once.
    Returns how many were sent, skipped, failed, or taken by another run."""
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
    for dispatch in dispatches_to_retry(
        now, lease=LEASE, retry_after=RETRY_AFTER, max_attempts=MAX_ATTEMPTS
    ):
        counts[_retry(dispatch, now)] += 1
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
        pk=token.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not spent:
        fresh = QuickLogToken.objects.filter(pk=token.pk).values_list("used_at", flat=True)
        raise QuickLogUsed(token) if fresh.first() is not None else QuickLogExpired(token)


def quick_log_token_attach(token: QuickLogToken, entry: SymptomEntry, now: datetime) -> None:
    """Point the spent link at the entry it stored; a resent reminder's earlier link is spent
    too: one link, one check-in."""
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
        .filter(pk=token_id, used_at__gte=since, entry__isnull=False)
        .first()
    )


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
