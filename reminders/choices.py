"""Reminder kinds and dispatch states (issue 8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    AFTER_SESSION = "after_session", _("After-session check-in")
    NEXT_MORNING = "next_morning", _("Next-morning check-in")
    DAILY = "daily", _("Daily check-in")
    EXERCISE = "exercise", _("Exercise reminder")


class DispatchState(models.TextChoices):
    # Handed to the mail outbox (core.outbox), which delivers it and retries while it is due.
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped")


class SkipReason(models.TextChoices):
    """Why a reminder was not sent (ReminderDispatch.error of a skipped row)."""

    ALREADY_LOGGED = "already_logged", _("Already logged")
    NOTHING_PRESCRIBED = "nothing_prescribed", _("No exercises prescribed that day")
    STALE = "stale", _("Too late to send")
    TURNED_OFF = "turned_off", _("Turned off by the patient")
    NO_ADDRESS = "no_address", _("No email address or account closed")


class PushState(models.TextChoices):
    """Where a reminder's push to one browser stands (PushDelivery)."""

    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    # The push service no longer knows the browser (404/410): the subscription is removed.
    GONE = "gone", _("Browser no longer subscribed")
    FAILED = "failed", _("Failed, to be tried again")
    GIVEN_UP = "given_up", _("Given up")
