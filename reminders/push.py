"""Web Push for reminders (issue 17): the patient's browsers, and sending one message to one.

A push message says only that it is time ("Time for your check-in"): no pain, no session, no
therapist, since a phone's lock screen shows it to whoever holds the phone. Opening it leads to
the log page (or Today), behind the login. The message is encrypted for the browser (RFC 8291,
aes128gcm) and signed with the server's VAPID key (RFC 8292) by pywebpush; the keys come from
the environment (settings.WEBPUSH_VAPID_*). Which reminder goes where, once, is
reminders/delivery.py's business.
"""

from __future__ import annotations

import base64
import binascii
import json
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pywebpush import WebPushException, webpush

from accounts.models import Patient

from . import schedule
from .choices import ReminderKind
from .models import KIND_CONTEXT, PushSubscription, ReminderDispatch

#: What each kind of reminder says on the lock screen: nothing about health.
PUSH_TEXTS: dict[str, str | Promise] = {
    ReminderKind.AFTER_SESSION: _("Time for your check-in"),
    ReminderKind.NEXT_MORNING: _("Time for your check-in"),
    ReminderKind.DAILY: _("Time for your check-in"),
    ReminderKind.EXERCISE: _("Time for your exercises"),
}
#: How long a push service keeps a message for a phone that is off: as long as it is worth
#: sending at all (schedule.CATCH_UP).
PUSH_TTL_SECONDS = int(schedule.CATCH_UP.total_seconds())
PUSH_TIMEOUT_SECONDS = 10
#: The push service forgot the browser (the subscription expired or was revoked).
GONE_STATUSES = frozenset({404, 410})
P256_POINT_BYTES = 65
AUTH_SECRET_BYTES = 16


class PushGone(Exception):
    """The push service no longer knows this browser: remove its subscription."""


class PushFailed(Exception):
    """Not delivered this time (network, push service error): try again later."""


def push_configured() -> bool:
    return bool(settings.WEBPUSH_VAPID_PUBLIC_KEY and settings.WEBPUSH_VAPID_PRIVATE_KEY)


def _b64url_bytes(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValidationError(_("This browser's reminder keys could not be read.")) from error


def _checked(endpoint: str, p256dh: str, auth: str) -> None:
    parts = urlsplit(endpoint)
    https_or_local = parts.scheme == "https" or (settings.DEBUG or settings.TESTING)
    if parts.scheme not in ("https", "http") or not parts.netloc or not https_or_local:
        raise ValidationError(_("This browser's reminder address could not be used."))
    if len(endpoint) > PushSubscription._meta.get_field("endpoint").max_length:  # type: ignore[operator]
        raise ValidationError(_("This browser's reminder address could not be used."))
    key, secret = _b64url_bytes(p256dh), _b64url_bytes(auth)
    if len(key) != P256_POINT_BYTES or key[0] != 4 or len(secret) != AUTH_SECRET_BYTES:
        raise ValidationError(_("This browser's reminder keys could not be read."))


def push_subscribe(patient: Patient, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Reminders on in this browser for this patient. The endpoint names the browser: on a
    shared phone, the patient who turns it on last is the one it reminds."""
    _checked(endpoint, p256dh, auth)
    with transaction.atomic():
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint, defaults={"patient": patient, "p256dh": p256dh, "auth": auth}
        )
    return subscription


def push_unsubscribe(patient: Patient, endpoint: str) -> bool:
    """Reminders off in this browser (only the patient's own). True if one was on."""
    deleted, _counts = PushSubscription.objects.filter(patient=patient, endpoint=endpoint).delete()
    return bool(deleted)


def push_url(dispatch: ReminderDispatch) -> str:
    """Where the message leads: the check-in of its kind, or Today."""
    context = KIND_CONTEXT.get(dispatch.kind)
    if context is None:
        return reverse("care:today")
    return f"{reverse('care:entry_create')}?{urlencode({'context': context})}"


def push_payload(dispatch: ReminderDispatch) -> str:
    """The message, in the patient's language: the app's name, the time, where to go."""
    user = dispatch.patient.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        body = str(PUSH_TEXTS[dispatch.kind])
    return json.dumps(
        {"title": "PT Tracker", "body": body, "url": push_url(dispatch), "tag": dispatch.kind}
    )


def push_send(subscription: PushSubscription, payload: str, *, topic: str) -> None:
    """Send one message to one browser. ``topic`` names the reminder: a push service replaces
    a message it still holds with a later one of the same topic, so a retry is not shown twice.
    Raises PushGone (404/410) or PushFailed."""
    claims = {"sub": settings.WEBPUSH_VAPID_SUBJECT}
    try:
        webpush(
            subscription.info(),
            data=payload,
            vapid_private_key=settings.WEBPUSH_VAPID_PRIVATE_KEY,
            vapid_claims=claims,
            ttl=PUSH_TTL_SECONDS,
            timeout=PUSH_TIMEOUT_SECONDS,
            headers={"Topic": topic, "Urgency": "normal"},
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in GONE_STATUSES:
            raise PushGone(str(status)) from error
        raise PushFailed(f"push service answered {status}" if status else str(error)) from error
    except Exception as error:  # requests' connection errors, a bad key: tried again later
        raise PushFailed(f"{type(error).__name__}: {error}"[:500]) from error
