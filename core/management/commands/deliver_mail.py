"""``python manage.py deliver_mail [--enqueue]``

Sends every email of the outbox that is due: new ones whose task never ran, failed ones whose
backoff has passed, and ones a killed worker left half done. Run it every few minutes from cron,
so delivery resumes soon after the mail server comes back even without the task worker.
"""

from django.core.management.base import BaseCommand

from core.outbox import mail_deliver_due, mail_retry_due


class Command(BaseCommand):
    help = "Deliver the outbox's emails that are due (retries with backoff after failures)."
    # Run from cron every few minutes on every node: no system checks (they import every URL
    # and view, the PDF library among them) before doing what is usually nothing.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue one delivery task per due email for the worker instead of sending here.",
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            count = mail_retry_due()
            self.stdout.write(f"Queued {count} deliveries.")
            return
        counts = mail_deliver_due()
        if not counts:
            self.stdout.write("Nothing due.")
            return
        self.stdout.write(", ".join(f"{state}: {n}" for state, n in sorted(counts.items())))
