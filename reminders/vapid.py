"""A new VAPID key pair for Web Push reminders (reminders/push.py), as settings: used by
`manage.py generate_vapid_keys` and by `make install`'s development `.env`
(devtools/dotenv_file.py). Imports no Django, so it runs before the settings exist.

The public key is the browser's `applicationServerKey` (an uncompressed P-256 point), the
private key the 32-byte scalar, both base64url without padding, as pywebpush reads them.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

DEVELOPMENT_SUBJECT = "mailto:no-reply@pt-tracker.invalid"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_vapid_keys(subject: str = DEVELOPMENT_SUBJECT) -> dict[str, str]:
    """WEBPUSH_VAPID_PUBLIC_KEY, WEBPUSH_VAPID_PRIVATE_KEY and WEBPUSH_VAPID_SUBJECT."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return {
        "WEBPUSH_VAPID_PUBLIC_KEY": b64url(public),
        "WEBPUSH_VAPID_PRIVATE_KEY": b64url(private),
        "WEBPUSH_VAPID_SUBJECT": subject,
    }
