"""Authenticators for the demo clinicians, in development only (called by `seed_demo`).

Therapists and clinic admins must pass two-step login. So that a newcomer can see the clinician
side without an authenticator app on a phone, `seed_demo` with DEBUG on gives each demo
clinician a confirmed authenticator (TOTP) whose secret is published in docs/demo.md, and
`manage.py demo_code EMAIL` prints its current code. With DEBUG off neither happens: `seed_demo`
removes those authenticators and `demo_code` refuses, so the demo clinicians set up their own
at their first login, like anyone else.
"""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from devtools.demo import stories as demo

#: The shared secret of every demo authenticator (20 bytes, as authenticator apps expect).
DEMO_TOTP_SECRET = b"pt-tracker-demo-2026"
#: The same secret as the hexadecimal key django-otp stores, and as an app's base32 text.
DEMO_TOTP_KEY = DEMO_TOTP_SECRET.hex()
DEMO_TOTP_BASE32 = b32encode(DEMO_TOTP_SECRET).decode()
DEMO_DEVICE_NAME = "Demo authenticator (development only)"


def demo_clinician_emails() -> list[str]:
    return [spec.email for spec in demo.STAFF]


def demo_devices() -> QuerySet[TOTPDevice]:
    return TOTPDevice.objects.filter(user__email__in=demo_clinician_emails(), key=DEMO_TOTP_KEY)


def seed_demo_authenticators(staff: Iterable[User], *, debug: bool) -> int:
    """With `debug`, give each demo clinician the demo authenticator (replacing any other); without
    it, remove the demo authenticators. Returns how many clinicians have one afterwards."""
    if not debug:
        TOTPDevice.objects.filter(pk__in=[device.pk for device in demo_devices()]).delete()
        return 0
    count = 0
    for user in staff:
        with transaction.atomic():
            has_it = TOTPDevice.objects.filter(user=user, key=DEMO_TOTP_KEY, confirmed=True)
            if not has_it.exists():
                TOTPDevice.objects.filter(user=user).delete()
                TOTPDevice.objects.create(
                    user=user, name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True
                )
        count += 1
    return count


def demo_device(email: str) -> TOTPDevice | None:
    return demo_devices().filter(user__email=email, confirmed=True).first()


def current_code(device: TOTPDevice) -> str:
    """The six digits an authenticator app with the demo secret shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
