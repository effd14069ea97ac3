"""The reminder email: text and HTML, a quick-log link, a one-click unsubscribe per kind.

Nothing clinical goes in it beyond the question itself ("How do you feel after your session
today?"): no pain scores, no session details, no therapist; the email may be read by someone
else. The patient's language is used for the wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import ReminderKind
from .models import ReminderDispatch
from .tokens import unsubscribe_token


@dataclass(frozen=True)
class Copy:
    """The wording of one kind of reminder (lazy: in the patient's language when sent)."""

    subject: str | Promise
    question: str | Promise
    action: str | Promise


COPY: dict[str, Copy] = {
    ReminderKind.AFTER_SESSION: Copy(
        _("How do you feel after your session today?"),
        _("How do you feel after your session today?"),
        _("Log how you feel"),
    ),
    ReminderKind.NEXT_MORNING: Copy(
        _("How do you feel this morning?"),
        _("How do you feel this morning, the day after your session?"),
        _("Log how you feel"),
    ),
    ReminderKind.DAILY: Copy(
        _("Your daily check-in"),
        _("How are you feeling today?"),
        _("Log how you feel"),
    ),
    ReminderKind.EXERCISE: Copy(
        _("Time for your home exercises"),
        _("Have you done your home exercises today?"),
        _("Open my exercises"),
    ),
}


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def quick_log_url(signed_token: str) -> str:
    return absolute_url(f"{reverse('care:quick_log')}?{urlencode({'t': signed_token})}")


def unsubscribe_url(patient_id: int, kind: str) -> str:
    return absolute_url(
        reverse("reminders:unsubscribe", args=[unsubscribe_token(patient_id, kind)])
    )


def _message_id(dispatch: ReminderDispatch) -> str:
    # The same for every attempt of one reminder, so a mail system that sees it twice can
    # drop the copy (the only resend is after a crash between handing it over and recording it).
    host = urlsplit(settings.SITE_URL).hostname or "pt-tracker.invalid"
    return f"<reminder-{dispatch.pk}-{dispatch.kind}-{dispatch.local_date:%Y%m%d}@{host}>"


def reminder_message(
    dispatch: ReminderDispatch, signed_token: str | None
) -> EmailMultiAlternatives:
    """The email for one dispatch; `signed_token` is its quick-log link (None: exercise)."""
    patient = dispatch.patient
    user = patient.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        copy = COPY[dispatch.kind]
        if signed_token:
            action_url = quick_log_url(signed_token)
        else:
            action_url = absolute_url(reverse("care:today"))
        leave_url = unsubscribe_url(patient.pk, dispatch.kind)
        context = {
            "first_name": user.get_short_name() if user.full_name else "",
            "question": copy.question,
            "action": copy.action,
            "action_url": action_url,
            "quick_log": bool(signed_token),
            "kind_label": ReminderKind(dispatch.kind).label,
            "unsubscribe_url": leave_url,
            "preferences_url": absolute_url(reverse("reminders:preferences")),
            "login_url": absolute_url(reverse("accounts:login")),
        }
        subject = str(copy.subject)
        text = render_to_string("reminders/email/reminder.txt", context)
        html = render_to_string("reminders/email/reminder.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{leave_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Message-ID": _message_id(dispatch),
        },
    )
    message.attach_alternative(html, "text/html")
    return message
