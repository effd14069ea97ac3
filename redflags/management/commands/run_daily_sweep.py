"""``python manage.py run_daily_sweep [--day YYYY-MM-DD] [--clinic ID] [--force] [--enqueue]``

The end-of-day rules (R13, R14 and the R11 escalation, spec.md section 8). Without options
it sweeps every clinic for each local day that has ended and not been swept yet; run it hourly
from cron so each clinic is swept soon after its midnight. Running it again changes nothing.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Clinic
from redflags import sweep
from redflags.tasks import run_daily_sweep


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--day {value!r} is not a date like 2026-01-31.") from error


class Command(BaseCommand):
    help = "Run the daily red-flag sweep (R13, R14, R11 escalation) for days that have ended."
    # Run from cron every few minutes on every node: no system checks (they import every URL
    # and view, the PDF library among them) before doing what is usually nothing.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--day", type=_day, help="Local day to sweep (YYYY-MM-DD).")
        parser.add_argument("--clinic", type=int, help="Only this clinic (its id).")
        parser.add_argument(
            "--force", action="store_true", help="Sweep a day again even if it was swept."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the sweep for the task worker instead of running it here.",
        )

    def handle(self, *args, day=None, clinic=None, force=False, enqueue=False, **options):
        if enqueue:
            if day or clinic or force:
                raise CommandError("--enqueue sweeps every clinic; it takes no other option.")
            queued = run_daily_sweep.enqueue()
            self.stdout.write(f"Queued the daily sweep (task {queued.id}).")
            return
        if clinic is not None:
            clinics = list(Clinic.objects.filter(pk=clinic))
            if not clinics:
                raise CommandError(f"There is no clinic with id {clinic}.")
        else:
            clinics = None
        if day is None and clinics is None and not force:
            results = sweep.daily_sweep_all()
        else:
            now = timezone.now()
            results = [
                sweep.daily_sweep(c, day or sweep.sweep_day_for(c, now), force=force)
                for c in clinics or Clinic.objects.order_by("pk")
            ]
        failed = False
        for result in results:
            if result.busy:
                status = "being swept by another run"
            elif result.skipped:
                status = "already swept"
            else:
                status = f"{result.patients} patients, {result.alerts_opened} alerts opened"
            if result.failures:
                failed = True
                status += f", failed for patients {result.failures}"
            self.stdout.write(f"clinic {result.clinic_id} {result.day.isoformat()}: {status}")
        if not results:
            self.stdout.write("Nothing to sweep.")
        if failed:
            raise CommandError("The sweep failed for some patients; see the log. Run it again.")
