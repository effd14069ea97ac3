"""Check-in reminders: each patient's preferences, one row per reminder sent (or skipped), and
the single-use quick-log links the emails carry (issue 8; docs/operations.md, "Reminders")."""

from __future__ import annotations

from datetime import time

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Patient
from symptoms.choices import Context
from symptoms.models import PTSession, SymptomEntry

from .choices import DispatchState, PushState, ReminderKind
from .schedule import (
    DEFAULT_ENABLED,
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    DEFAULT_TIMES,
    KindSetting,
    ReminderSettings,
)

#: The entry context a quick-log link of each kind logs (the exercise reminder has no link).
KIND_CONTEXT: dict[str, str] = {
    ReminderKind.AFTER_SESSION: Context.AFTER_SESSION,
    ReminderKind.NEXT_MORNING: Context.NEXT_MORNING,
    ReminderKind.DAILY: Context.DAILY,
}


def _enabled(kind: str) -> models.BooleanField:
    return models.BooleanField(ReminderKind(kind).label, default=DEFAULT_ENABLED[kind])


def _at(kind: str) -> models.TimeField:
    return models.TimeField(_("time"), default=DEFAULT_TIMES[kind])


class ReminderPreference(models.Model):
    """Which reminders a patient gets and when, in their local time. A patient without a row
    gets the defaults: after-session at 18:00 and next-morning at 08:00, quiet 21:30-07:30."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    after_session_enabled = _enabled(ReminderKind.AFTER_SESSION)
    after_session_time = _at(ReminderKind.AFTER_SESSION)
    next_morning_enabled = _enabled(ReminderKind.NEXT_MORNING)
    next_morning_time = _at(ReminderKind.NEXT_MORNING)
    daily_enabled = _enabled(ReminderKind.DAILY)
    daily_time = _at(ReminderKind.DAILY)
    exercise_enabled = _enabled(ReminderKind.EXERCISE)
    exercise_time = _at(ReminderKind.EXERCISE)
    quiet_start = models.TimeField(_("quiet hours start"), default=DEFAULT_QUIET_START)
    quiet_end = models.TimeField(_("quiet hours end"), default=DEFAULT_QUIET_END)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quiet_start=models.F("quiet_end")),
                name="reminder_quiet_hours_differ",
            )
        ]

    def __str__(self) -> str:
        return f"Reminders of {self.patient}"

    def is_enabled(self, kind: str) -> bool:
        return getattr(self, f"{kind}_enabled")

    def time_for(self, kind: str) -> time:
        return getattr(self, f"{kind}_time")

    def settings(self) -> ReminderSettings:
        return ReminderSettings(
            kinds={
                kind: KindSetting(self.is_enabled(kind), self.time_for(kind))
                for kind in ReminderKind.values
            },
            quiet_start=self.quiet_start,
            quiet_end=self.quiet_end,
        )


class ReminderDispatch(models.Model):
    """One reminder of one kind for one patient's local day: sent (its email queued in the mail
    outbox in the same transaction) or skipped. The unique (patient, kind, local_date) row is
    the exactly-once guarantee: whoever inserts it sends; a concurrent run gets an
    IntegrityError and moves on. Delivery, retries and giving up are the outbox's."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="reminder_dispatches"
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    local_date = models.DateField()
    session = models.ForeignKey(
        PTSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=DispatchState.choices)
    # When its email went into the outbox.
    sent_at = models.DateTimeField(null=True, blank=True)
    # The skip reason (choices.SkipReason) of a skipped row.
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind", "local_date"], name="reminder_dispatch_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ReminderKind.values), name="reminder_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=DispatchState.values), name="reminder_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient} on {self.local_date}: {self.state}"


class QuickLogToken(models.Model):
    """A reminder's one-tap link: valid 24 hours, once, for one patient and one check-in.
    Only a SHA-256 of the random part is stored, so the table cannot be used to log entries."""

    token_hash = models.CharField(max_length=64, unique=True)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    context = models.CharField(max_length=20, choices=Context.choices)
    session = models.ForeignKey(
        PTSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dispatch = models.ForeignKey(ReminderDispatch, on_delete=models.CASCADE, related_name="tokens")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # The entry saved through this link (shown on the guidance page that follows).
    entry = models.ForeignKey(
        SymptomEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(context__in=[str(c) for c in KIND_CONTEXT.values()]),
                name="quicklog_context_is_a_checkin",
            )
        ]

    def __str__(self) -> str:
        return f"Quick-log link for {self.patient} ({self.context})"


class PushSubscription(models.Model):
    """A browser where the patient turned on reminders (Web Push, issue 17): the push service's
    address and the keys to encrypt for it (RFC 8291). Removed when the patient turns it off
    there, or when the push service says the browser is gone (404 or 410)."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    # The browser's P-256 public key and auth secret, base64url as the browser gives them.
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=50)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Push subscription of {self.patient}"

    def info(self) -> dict:
        """As pywebpush takes it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PushDelivery(models.Model):
    """One reminder pushed to one browser. The unique (dispatch, subscription) row is made in
    the transaction that claims the reminder, and a send claims the row (pending or failed to
    sending) before it goes: each reminder reaches each browser once (reminders/delivery.py)."""

    dispatch = models.ForeignKey(
        ReminderDispatch, on_delete=models.CASCADE, related_name="push_deliveries"
    )
    # Kept (empty) when the subscription is removed, so the record of what happened stays.
    subscription = models.ForeignKey(
        PushSubscription, on_delete=models.SET_NULL, null=True, related_name="deliveries"
    )
    state = models.CharField(max_length=10, choices=PushState.choices, default=PushState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "subscription"], name="push_delivery_once"),
            models.CheckConstraint(
                condition=models.Q(state__in=PushState.values), name="push_delivery_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Push of {self.dispatch}: {self.state}"
