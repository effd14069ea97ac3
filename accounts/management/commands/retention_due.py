"""List closed patient accounts whose retention period has ended. Reads only: it deletes
nothing. What to do with each record is the clinic's decision (docs/security.md, "Retention")."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import Patient


def add_years(moment, years: int):
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def patients_past_retention(now=None) -> list[tuple[Patient, object]]:
    now = now or timezone.now()
    due = []
    closed = Patient.objects.filter(closed_at__isnull=False).select_related("clinic", "user")
    for patient in closed.order_by("closed_at"):
        until = add_years(patient.closed_at, patient.clinic.retention_years)
        if until <= now:
            due.append((patient, until))
    return due


class Command(BaseCommand):
    help = "List closed patients whose clinic's retention period has ended (deletes nothing)."

    def handle(self, *args, **options) -> None:
        due = patients_past_retention()
        if not due:
            self.stdout.write("No closed patient is past the retention period.")
            return
        self.stdout.write("patient_id\tclinic\tclosed_at\tretained_until")
        for patient, until in due:
            self.stdout.write(
                f"{patient.pk}\t{patient.clinic.name}\t{patient.closed_at:%Y-%m-%d}\t{until:%Y-%m-%d}"
            )
