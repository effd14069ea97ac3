"""Print a new VAPID key pair for Web Push reminders (reminders/push.py) as .env lines:

    .venv/bin/python manage.py generate_vapid_keys >> .env

The public key is the browser's `applicationServerKey` (an uncompressed P-256 point), the
private key the 32-byte scalar, both base64url without padding, as pywebpush reads them. Keep
the pair: browsers subscribed with the old public key stop getting reminders when it changes.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.management.base import BaseCommand


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Command(BaseCommand):
    help = "Print a new VAPID key pair for Web Push reminders as .env lines."

    def add_arguments(self, parser):
        parser.add_argument(
            "--subject",
            default=settings.WEBPUSH_VAPID_SUBJECT,
            help="Contact for the push services (mailto: or https: URL).",
        )

    def handle(self, *args, subject: str, **options):
        key = ec.generate_private_key(ec.SECP256R1())
        private = key.private_numbers().private_value.to_bytes(32, "big")
        public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        self.stdout.write(f"WEBPUSH_VAPID_PUBLIC_KEY={b64url(public)}")
        self.stdout.write(f"WEBPUSH_VAPID_PRIVATE_KEY={b64url(private)}")
        self.stdout.write(f"WEBPUSH_VAPID_SUBJECT={subject}")
