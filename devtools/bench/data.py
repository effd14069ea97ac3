"""A synthetic clinic for `make bench`: one therapist with many patients, a year of entries
each, weekly sessions, a home exercise plan with logs, flare-ups and alerts. Invented data only.

Rows go in with ``bulk_create`` and plain INSERTs (``rows``; a year for 500 patients through
the services would take an hour); the per-day summaries and flare-ups are derived from the
generated entries so they agree with them, as the save path would keep them (``history``).
A fixed seed makes every run build the same clinic, relative to the day it runs.

    data     the clinic, its people and intakes, then the patients chunk by chunk
    history  sessions, entries, daily summaries and flare-ups
    plans    home exercise plans and their logs
    alerts   alerts and their triage
    outcomes PSFS ratings every 14 days and a weekly GROC
"""

from __future__ import annotations

import random
import zoneinfo
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Clinic, Patient, User
from exercises.models import Exercise
from redflags.engine.params import RuleParams
from redflags.models import RuleSetVersion
from symptoms.models import Intake

from .alerts import build_alerts
from .history import build_history
from .outcomes import build_outcomes
from .plans import build_plans
from .rows import local_time

SEED = 20261127
ZONE_NAME = "Europe/London"
CHUNK = 25

FIRST_NAMES = ["Alex", "Sam", "Jo", "Robin", "Kim", "Lee", "Pat", "Chris", "Dana", "Jamie"]
LAST_NAMES = ["Rivers", "Stone", "Hill", "Brook", "Field", "Wood", "Lake", "Dale", "Marsh", "Ford"]


@dataclass(frozen=True)
class BenchClinic:
    clinic: Clinic
    therapist: User
    small_therapist: User
    admin: User
    patient_ids: list[int]


def build_clinic(
    *, patients: int = 500, days: int = 365, small: int = 10, seed: int = SEED
) -> BenchClinic:
    """Write the synthetic clinic into the (empty) database and return its people."""
    rng = random.Random(seed)
    zone = zoneinfo.ZoneInfo(ZONE_NAME)
    now = timezone.now()
    today = timezone.localtime(now, zone).date()
    first = today - timedelta(days=days - 1)
    unusable = make_password(None)

    clinic = Clinic.objects.create(name="Bench Physio", time_zone=ZONE_NAME)
    rule_set = RuleSetVersion.objects.create(clinic=clinic, number=1, params=RuleParams().to_dict())
    therapist, small_therapist, admin = _staff(clinic, unusable)
    exercises = Exercise.objects.bulk_create(
        [
            Exercise(
                clinic=clinic,
                name=f"Bench exercise {n}",
                slug=f"bench-exercise-{n}",
                body_area="lower_back",
            )
            for n in range(1, 5)
        ]
    )
    created_at = local_time(first - timedelta(days=7), 9, 0, zone)
    patient_rows = _patients(clinic, rng, patients, unusable, created_at)
    through = Patient.therapists.through
    through.objects.bulk_create(
        [through(patient_id=p.pk, user_id=therapist.pk) for p in patient_rows]
        + [through(patient_id=p.pk, user_id=small_therapist.pk) for p in patient_rows[:small]]
    )
    baselines = _intakes(patient_rows, rng)

    for offset in range(0, len(patient_rows), CHUNK):
        chunk = patient_rows[offset : offset + CHUNK]
        with transaction.atomic():
            build_history(chunk, rng, zone, first, today, baselines, therapist, now)
            build_plans(chunk, rng, zone, today, exercises, therapist)
            build_alerts(chunk, rng, today, rule_set, therapist, now)
            build_outcomes(chunk, rng, zone, first, today, therapist)
    return BenchClinic(clinic, therapist, small_therapist, admin, [p.pk for p in patient_rows])


def _staff(clinic: Clinic, password: str) -> list[User]:
    """The therapist of the whole caseload, one who shares a few of its patients, an admin."""
    return User.objects.bulk_create(
        [
            User(email=email, full_name=name, role=role, clinic=clinic, password=password)
            for email, name, role in [
                ("bench-therapist@example.test", "Bea Bench", "therapist"),
                ("bench-small@example.test", "Sol Small", "therapist"),
                ("bench-admin@example.test", "Ari Admin", "clinic_admin"),
            ]
        ]
    )


def _patients(clinic, rng, count: int, password: str, created_at) -> list[Patient]:
    users = User.objects.bulk_create(
        [
            User(
                email=f"bench-patient-{n}@example.test",
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n:03d}",
                role="patient",
                clinic=clinic,
                password=password,
            )
            for n in range(count)
        ]
    )
    return Patient.objects.bulk_create(
        [Patient(user=user, clinic=clinic, created_at=created_at) for user in users]
    )


def _intakes(patients: list[Patient], rng) -> dict[int, int]:
    """Each patient's intake, with a usual pain from 2 to 5: their baseline, by patient id."""
    baselines = {p.pk: rng.randint(2, 5) for p in patients}
    Intake.objects.bulk_create(
        [
            Intake(
                patient=p,
                conditions="L5 radiculopathy (synthetic)",
                baseline_pain=baselines[p.pk],
                baseline_regions=["lower_back", "left_buttock"],
            )
            for p in patients
        ]
    )
    return baselines
