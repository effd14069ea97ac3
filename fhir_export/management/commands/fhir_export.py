"""`manage.py fhir_export --out DIR [--clinic ID] [--since DATE]`: every patient's record as
FHIR R4 Bulk Data NDJSON, one file per resource type (``Patient.ndjson``, ...). Each export
is put on the audit log, once per clinic it covers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Clinic, Patient, User
from audit.models import Action
from audit.services import record

from ...collect import CLINICIAN_ROLES, Export
from ...writers import write_ndjson


def parse_since(text: str) -> dt.datetime:
    """A date (midnight UTC) or a date and time with its offset (UTC without one)."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(
            f"--since {text!r} is not a date such as 2026-01-31 or 2026-01-31T09:00+00:00."
        ) from error
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


class Command(BaseCommand):
    help = "Write FHIR R4 Bulk Data NDJSON files, one per resource type, into --out."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="directory for the .ndjson files")
        parser.add_argument("--clinic", type=int, help="only this clinic's patients (its id)")
        parser.add_argument("--since", help="only records changed since this date or time")

    def handle(self, *args, out: str, clinic: int | None, since: str | None, **options):
        clinics = Clinic.objects.order_by("pk")
        if clinic is not None:
            clinics = clinics.filter(pk=clinic)
            if not clinics.exists():
                raise CommandError(f"No clinic has the id {clinic}.")
        since_moment = parse_since(since) if since else None
        clinic_ids = list(clinics.values_list("pk", flat=True))
        export = Export(
            patients=Patient.objects.filter(clinic_id__in=clinic_ids),
            since=since_moment,
            staff=User.objects.filter(clinic_id__in=clinic_ids, role__in=CLINICIAN_ROLES),
        )
        out_dir = Path(out)
        counts = write_ndjson(export, out_dir)
        total = sum(counts.values())
        what = f"FHIR Bulk Data NDJSON, {total} resources"
        if since_moment is not None:
            what += f", changed since {since_moment.isoformat()}"
        for clinic_id in clinic_ids:
            record(
                None,
                Action.EXPORT,
                clinic_id=clinic_id,
                object_type="fhir.bulk_export",
                object_id=clinic_id,
                detail=what,
            )
        for kind, count in sorted(counts.items()):
            self.stdout.write(f"{kind}.ndjson: {count}")
        self.stdout.write(f"{total} resources written to {out_dir}")
