"""Two-step verification with django-otp: an authenticator app (TOTP) and recovery codes.

Therapists and clinic admins must use it; patients may turn it on from their Security page.
A session counts as verified once django_otp.login() has stored the device that passed
(OTPMiddleware then marks request.user with it: session_verified() below).

Recovery codes are django-otp static tokens: ten single-use codes, shown once. django-otp stores
them as they are (not hashed); see docs/security.md.
"""

from __future__ import annotations

import re
from base64 import b32encode
from dataclasses import dataclass

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.middleware import is_verified
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
TOTP_PATTERN = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class VerifyResult:
    device: Device | None
    # True when django-otp's throttling refused to check the code (too many wrong codes).
    throttled: bool = False

    @property
    def ok(self) -> bool:
        return self.device is not None

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def session_verified(user: User) -> bool:
    """Whether this login passed the second step: the request's user, which OTPMiddleware marks
    with the device that verified the session (the user.is_verified() it installs)."""
    return bool(is_verified(user))


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_verify(user: User, *, has_device: bool | None = None) -> bool:
    """Clinicians always; patients once they have turned two-step verification on."""
    if user.is_clinician:
        return True
    return has_second_factor(user) if has_device is None else has_device


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up (reused on reload, so the QR code stays valid)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an SVG QR code, drawn on the server (no script, no external image)."""
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=10,
        border=4,
    )
    return image.to_string(encoding="unicode")


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalise_code(token: str) -> str:
    return re.sub(r"[\s-]", "", token or "").lower()


def totp_confirm(device: TOTPDevice, token: str) -> VerifyResult:
    """Check the first code from the app; on success the device replaces any earlier one."""
    token = normalise_code(token)
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return VerifyResult(None, throttled=True)
    if not TOTP_PATTERN.match(token) or not device.verify_token(token):
        return VerifyResult(None)
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return VerifyResult(device)


def second_factor_verify(user: User, token: str) -> VerifyResult:
    """A six-digit code from the app, or one recovery code (used up when it matches)."""
    token = normalise_code(token)
    if TOTP_PATTERN.match(token):
        device = confirmed_totp_device(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return VerifyResult(None)
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return VerifyResult(None, throttled=True)
    return VerifyResult(django_otp.verify_token(user, device.persistent_id, token))


def recovery_codes_issue(user: User) -> list[str]:
    """Ten new single-use codes; the earlier ones stop working."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def second_factor_remove(user: User) -> None:
    """Turn two-step verification off (patients only; clinicians must keep it)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
