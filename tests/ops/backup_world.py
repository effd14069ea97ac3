"""The database of the backup test (tests/ops/test_backup.py), run in its own process with the
database chosen by the environment (DJANGO_SQLITE_PATH or DATABASE_URL):

    python -m tests.ops.backup_world seed    # part of the demo clinic: staff, three patients'
                                             # histories, exercise plans, outcomes, reminders,
                                             # a week of sweeps, audit events, queued email
    python -m tests.ops.backup_world write STOPFILE
                                             # entries with their audit events, one transaction
                                             # each, until STOPFILE exists; prints
                                             # "<entry id> <audit event id>" after each commit
"""

from __future__ import annotations

import os
import sys
import time
import zoneinfo
from datetime import timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pt_tracker.settings")
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.mail import EmailMessage  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Patient  # noqa: E402
from audit.models import Action  # noqa: E402
from audit.services import record  # noqa: E402
from core.outbox import mail_queue  # noqa: E402
from devtools.demo import stories as demo  # noqa: E402
from devtools.demo.exercise_plans import seed_exercise_plans  # noqa: E402
from devtools.demo.outcome_measures import seed_outcome_measures  # noqa: E402
from devtools.demo.reminder_preferences import seed_reminder_preferences  # noqa: E402
from devtools.management.commands.seed_demo import (  # noqa: E402
    seed_clinic,
    seed_patient,
    seed_staff,
)
from redflags.sweep import daily_sweep  # noqa: E402
from symptoms.services import symptom_entry_prepare  # noqa: E402

WRITER_DETAIL = "backup-test writer"
WRITER_LIMIT = 120  # seconds: the writer stops by itself


def seed() -> None:
    password = make_password(demo.DEMO_PASSWORD)
    clinic = seed_clinic()
    staff = seed_staff(clinic, password)
    patients = {
        story.key: seed_patient(story, clinic, staff, password)[0] for story in demo.STORIES[:3]
    }
    seed_exercise_plans(patients, staff)
    seed_outcome_measures(patients, staff)
    seed_reminder_preferences(patients)
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(clinic.time_zone))
    for days_ago in range(7, 0, -1):
        daily_sweep(clinic, today - timedelta(days=days_ago))
    for patient in patients.values():
        record(None, Action.VIEW, patient=patient, actor=staff[demo.STAFF[0].key])
        mail_queue(
            EmailMessage("Check-in", "How is it going?", to=[patient.user.email]),
            kind="reminder",
            clinic_id=clinic.pk,
        )


def write(stop: Path) -> None:
    patient = Patient.objects.select_related("user", "clinic").order_by("pk").first()
    assert patient is not None, "seed first"
    started = time.monotonic()
    n = 0
    while not stop.exists() and time.monotonic() - started < WRITER_LIMIT:
        n += 1
        with transaction.atomic():
            entry = symptom_entry_prepare(
                patient,
                {"context": "daily", "pain_now": n % 11, "pain_worst": 10, "notes": f"w{n}"},
                actor=patient.user,
            )
            entry.save()
            event = record(
                None,
                Action.CREATE,
                patient=patient,
                obj=entry,
                actor=patient.user,
                detail=WRITER_DETAIL,
            )
        print(entry.pk, event.pk, flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed()
    else:
        write(Path(sys.argv[2]))
