"""The load clinic: therapists with an authenticator app, patients with an intake and a plan.

Runs inside the orchestrator's Django (devtools/load/run.py) against the load database. Every
person and record is invented. Returns what the driver needs to log in: emails, the shared
password, each therapist's TOTP key, each patient's plan item and each therapist's caseload.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import asdict, dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Clinic, Patient, User
from exercises.models import Exercise, Plan, PlanItem, PlanVersion
from symptoms.models import Intake

EMAIL_DOMAIN = "load.example.test"


@dataclass
class Person:
    email: str
    user_id: int
    patient_id: int | None = None
    plan_item_id: int | None = None
    totp_key: str = ""
    caseload: list[int] = field(default_factory=list)


@dataclass
class LoadClinic:
    password: str
    patients: list[Person]
    therapists: list[Person]
    clinic_id: int = 0
    time_zone: str = "Europe/London"

    def as_dict(self) -> dict:
        return asdict(self)


def seed_load_clinic(
    patients: int = 50,
    therapists: int = 5,
    *,
    name: str = "Load Test Physio",
    time_zone: str = "Europe/London",
    domain: str = EMAIL_DOMAIN,
) -> LoadClinic:
    password = secrets.token_urlsafe(18)
    # One Argon2 hash for everyone: hashing 55 times would only slow the set-up down.
    password_hash = make_password(password)
    today = timezone.localdate()
    with transaction.atomic():
        clinic = Clinic.objects.create(name=name, time_zone=time_zone)
        exercise = Exercise.objects.filter(clinic__isnull=True).order_by("pk").first()
        if exercise is None:
            exercise = Exercise.objects.create(
                clinic=clinic,
                name="Sciatic nerve glide",
                slug="glide",
                body_area="leg",
                movement="Straighten the knee slowly.",
            )
        staff = []
        for number in range(1, therapists + 1):
            user = User.objects.create(
                email=f"therapist{number}@{domain}",
                full_name=f"Load Therapist {number}",
                role=User.Role.THERAPIST,
                clinic=clinic,
                password=password_hash,
            )
            device = TOTPDevice.objects.create(user=user, name="Load phone", confirmed=True)
            staff.append(Person(email=user.email, user_id=user.pk, totp_key=device.key))
        people = []
        for number in range(1, patients + 1):
            user = User.objects.create(
                email=f"patient{number}@{domain}",
                full_name=f"Load Patient {number}",
                role=User.Role.PATIENT,
                clinic=clinic,
                password=password_hash,
            )
            patient = Patient.objects.create(user=user, clinic=clinic)
            therapist = staff[(number - 1) % len(staff)]
            patient.therapists.add(therapist.user_id)
            therapist.caseload.append(patient.pk)
            Intake.objects.create(patient=patient, baseline_pain=3, baseline_regions=["lower_back"])
            plan = Plan.objects.create(patient=patient, created_by_id=therapist.user_id)
            version = PlanVersion.objects.create(
                plan=plan, number=1, start_date=today - dt.timedelta(days=7)
            )
            item = PlanItem.objects.create(version=version, exercise=exercise, times_per_day=3)
            people.append(
                Person(
                    email=user.email, user_id=user.pk, patient_id=patient.pk, plan_item_id=item.pk
                )
            )
    return LoadClinic(
        password=password,
        patients=people,
        therapists=staff,
        clinic_id=clinic.pk,
        time_zone=time_zone,
    )
