"""``manage.py demo_code EMAIL``: the current two-step login code of a demo clinician.

Development only (DEBUG on): the demo therapists and clinic admin get an authenticator with a
published secret from `seed_demo` (devtools/demo/authenticators.py, docs/demo.md), and this
prints the six digits an app with that secret would show now. With DEBUG off it refuses.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.demo.authenticators import current_code, demo_clinician_emails, demo_device


class Command(BaseCommand):
    help = "Print the current two-step login code of a demo therapist or clinic admin (DEBUG on)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="A demo clinician's email, e.g. tess.demo@example.com.")

    def handle(self, *args, email: str, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_code works only in development (DEBUG on): with DEBUG off the demo "
                "clinicians set up their own authenticator, like anyone else."
            )
        email = email.strip().lower()
        if email not in demo_clinician_emails():
            raise CommandError(
                f"{email} is not a demo clinician; these are: {', '.join(demo_clinician_emails())}."
            )
        device = demo_device(email)
        if device is None:
            raise CommandError(
                f"{email} has no demo authenticator yet: run `.venv/bin/python manage.py "
                "seed_demo` (make run does) with DEBUG on."
            )
        self.stdout.write(current_code(device))
