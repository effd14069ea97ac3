"""Logging test clients in the way the app demands: clinicians with two-step verification.

`login_verified(client, user)` is what tests/conftest.py's persona clients use for therapists
and clinic admins; call it instead of `client.force_login(user)` for any clinician.
"""

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device_for(user) -> TOTPDevice:
    """The user's confirmed authenticator device, created if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)
    return device


def totp_code(device: TOTPDevice, *, fresh: bool = True) -> str:
    """The code the phone would show now. `fresh` forgets the last code used, because a device
    refuses the same time step twice and tests may log in twice within 30 seconds."""
    if fresh and device.last_t != -1:
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        device.last_t = -1
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def mark_verified(session: SessionBase, device: TOTPDevice) -> None:
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def login_verified(client: Client, user) -> Client:
    """force_login, then a session that has passed two-step verification (clinicians must)."""
    client.force_login(user)
    if user.is_clinician:
        session = client.session
        mark_verified(session, totp_device_for(user))
        # client.session builds a new store each time; keep the cookie pointing at this one.
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client
