"""Print a new VAPID key pair for Web Push reminders (reminders/push.py) as .env lines:

    .venv/bin/python manage.py generate_vapid_keys >> .env

`make install` writes a development pair into `.env` by itself (devtools/dotenv_file.py). Keep
the pair: browsers subscribed with the old public key stop getting reminders when it changes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from reminders.vapid import new_vapid_keys


class Command(BaseCommand):
    help = "Print a new VAPID key pair for Web Push reminders as .env lines."

    def add_arguments(self, parser):
        parser.add_argument(
            "--subject",
            default=settings.WEBPUSH_VAPID_SUBJECT,
            help="Contact for the push services (mailto: or https: URL).",
        )

    def handle(self, *args, subject: str, **options):
        for name, value in new_vapid_keys(subject).items():
            self.stdout.write(f"{name}={value}")
