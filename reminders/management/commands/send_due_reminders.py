"""Send the check-in reminders that are due now, each exactly once (reminders/services.py).

Run it every few minutes from cron (docs/operations.md, "Reminders"):

    */5 * * * * cd /srv/pt-tracker && .venv/bin/python manage.py send_due_reminders

`--enqueue` hands the work to the task worker instead; `--every N` keeps running, every N
seconds (what `make run` does in development); `--dry-run` only lists what is due and what
comes in the next 24 hours, sending and recording nothing.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from reminders import schedule
from reminders.selectors import reminder_candidates
from reminders.services import reminders_send_due
from reminders.tasks import send_due_reminders_task


class Command(BaseCommand):
    help = "Send the check-in reminders that are due now (safe to run often, and twice at once)."
    # Run from cron every few minutes on every node: no system checks (they import every URL
    # and view, the PDF library among them) before doing what is usually nothing.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="List what is due; send nothing.")
        mode.add_argument(
            "--enqueue", action="store_true", help="Queue the work for the task worker."
        )
        mode.add_argument(
            "--every", type=int, metavar="SECONDS", help="Keep running, every SECONDS seconds."
        )

    def handle(self, *args, dry_run=False, enqueue=False, every=None, **options):
        if dry_run:
            self._preview()
            return
        if enqueue:
            result = send_due_reminders_task.enqueue()
            self.stdout.write(f"Queued send_due_reminders_task ({result.id}).")
            return
        if every is not None and every < 10:
            raise CommandError("--every needs at least 10 seconds.")
        while True:
            counts = reminders_send_due()
            if counts or every is None:
                summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
                self.stdout.write(
                    f"Reminders at {timezone.now():%Y-%m-%d %H:%M:%S} UTC: {summary or 'none due'}."
                )
            if every is None:
                return
            close_old_connections()
            try:
                time.sleep(every)
            except KeyboardInterrupt:
                return

    def _preview(self) -> None:
        now = timezone.now()
        lines = []
        for candidate in reminder_candidates(now):
            zone = candidate.patient.zone
            plan = schedule.reminders_due(zone, candidate.settings, candidate.session_days, now)
            upcoming = schedule.reminders_upcoming(
                zone, candidate.settings, candidate.session_days, now, days=1
            )
            soon = [o for o in upcoming if (o.due_at - now).total_seconds() <= 24 * 3600]
            for label, items in (("due now", plan.due), ("next 24 h", soon)):
                for occurrence in items:
                    if (occurrence.kind, occurrence.local_date) in candidate.done:
                        continue
                    local = timezone.localtime(occurrence.due_at, zone)
                    lines.append(
                        f"{label:9}  {local:%a %d %b %H:%M} {zone.key:<20} "
                        f"patient {candidate.patient.pk:<5} {occurrence.kind}"
                    )
        self.stdout.write("\n".join(lines) if lines else "Nothing due now or in the next 24 hours.")
