"""The mail outbox: every email the application sends is a row here first (core.outbox).

A row is written in the transaction of whatever caused the email (an alert, a reminder, an
invitation), delivered by a task once that transaction commits, retried with backoff while the
mail server is down, and given up (``dead``) after ``settings.MAIL_OUTBOX_MAX_ATTEMPTS``
attempts, where a clinic admin sees it (accounts, "Undelivered email").

core knows no app: the clinic is a plain integer, the kind a label. The row holds what the
email itself carries and nothing more; its bodies are emptied once it is sent or discarded, so
links with tokens (invitations, password resets, quick-log links) do not outlive their use.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailKind(models.TextChoices):
    """What an email is about, as the clinic admin's list names it."""

    ALERT = "alert", _("Alert")
    REMINDER = "reminder", _("Check-in reminder")
    INVITATION = "invitation", _("Invitation")
    PASSWORD_RESET = "password_reset", _("Password reset")
    ACCOUNT_CLOSED = "account_closed", _("Account closed")


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Waiting to send")
    # Claimed by one worker until ``claimed_until``; a claim older than that is retried.
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DEAD = "dead", _("Gave up")
    DISCARDED = "discarded", _("Discarded")


class OutboxMessage(models.Model):
    """One email: who it is for, what it says, and how its delivery is going."""

    State = OutboxState
    Kind = MailKind

    kind = models.CharField(max_length=30, choices=MailKind.choices)
    # The clinic whose admins see it when it cannot be delivered; none for mail of no clinic.
    clinic_id = models.PositiveBigIntegerField(null=True, blank=True)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # One row per message, whoever queues it how many times: the unique index decides.
    dedup_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(
        max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Not sent by then, not sent at all (a check-in reminder is no use the next day).
    expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["clinic_id", "state"], name="outbox_clinic_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=OutboxState.values), name="outbox_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def expired(self) -> bool:
        """Past its ``expires_at``: it will not be sent any more."""
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def waiting_to_retry(self) -> bool:
        """A failed attempt and another one to come."""
        return self.state == OutboxState.PENDING and self.attempts > 0

    @property
    def delivery(self) -> str:
        """The state as people read it: a pending message that failed before is "failed"."""
        return "failed" if self.waiting_to_retry else self.state

    @property
    def delivery_label(self) -> str:
        if self.waiting_to_retry:
            return str(_("Failed, will retry"))
        return self.get_state_display()
