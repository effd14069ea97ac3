"""The cluster run's clinics: two invented clinics in time zones where it is the middle of the
day, each patient shared by two therapists and with a session today, and, once everyone has
logged in, an after-session check-in reminder for each patient falling due during the run.

Runs inside the orchestrator's Django (devtools/load/cluster.py) against the run's database.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Patient
from reminders.models import ReminderPreference
from symptoms.models import PTSession

from .seed import LoadClinic, Person, seed_load_clinic

#: Zones a clinic may get: the run picks those where it is the middle of the day, so neither
#: quiet hours nor a local midnight fall inside the run.
ZONES = (
    "Europe/London",
    "Europe/Madrid",
    "Europe/Helsinki",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Atlantic/Azores",
)
MIDDAY = 14 * 60


@dataclass(frozen=True)
class DueReminder:
    """A reminder the run set to fall due: who, which kind, for which local day, when (UTC)."""

    patient_id: int
    email: str
    kind: str
    local_date: date
    due_at: datetime


def midday_zones(count: int, now: datetime | None = None) -> list[str]:
    """`count` zones with different offsets where the local time is nearest 14:00 (and between
    09:00 and 20:00 when there are enough)."""
    now = now or timezone.now()
    scored = []
    offsets: set[timedelta | None] = set()
    for name in ZONES:
        local = now.astimezone(zoneinfo.ZoneInfo(name))
        minutes = local.hour * 60 + local.minute
        scored.append((abs(minutes - MIDDAY), name, local.utcoffset()))
    chosen = []
    for _score, name, offset in sorted(scored):
        if offset not in offsets:
            offsets.add(offset)
            chosen.append(name)
        if len(chosen) == count:
            break
    return chosen


def _patient(person: Person) -> int:
    if person.patient_id is None:
        raise ValueError(f"{person.email} is not a patient")
    return person.patient_id


def _share_caseloads(clinic: LoadClinic) -> None:
    """Each patient also gets the next therapist: an alert emails two people, and two
    therapists may triage the same alert at the same moment."""
    if len(clinic.therapists) < 2:
        return
    for index, person in enumerate(clinic.patients):
        primary = index % len(clinic.therapists)
        second = clinic.therapists[(primary + 1) % len(clinic.therapists)]
        Patient.objects.get(pk=_patient(person)).therapists.add(second.user_id)
        second.caseload.append(_patient(person))


def _session_today(clinic: LoadClinic) -> None:
    today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(clinic.time_zone)).date()
    PTSession.objects.bulk_create(
        PTSession(patient_id=_patient(p), date=today, interventions=["nerve_mobilisation"])
        for p in clinic.patients
    )


def seed_cluster(patients: int, therapists: int, clinics: int = 2) -> list[LoadClinic]:
    """`clinics` clinics sharing out `patients` and `therapists` (the first gets the rest)."""
    seeded = []
    for number, zone in enumerate(midday_zones(clinics), start=1):
        share_p = patients // clinics + (patients % clinics if number == 1 else 0)
        share_t = max(1, therapists // clinics + (therapists % clinics if number == 1 else 0))
        clinic = seed_load_clinic(
            patients=share_p,
            therapists=share_t,
            name=f"Cluster Clinic {number}",
            time_zone=zone,
            domain=f"clinic{number}.cluster.example.test",
        )
        with transaction.atomic():
            _share_caseloads(clinic)
            _session_today(clinic)
        seeded.append(clinic)
    return seeded


def schedule_reminders(
    clinics: list[LoadClinic], start: datetime, seconds: float, share: float = 1.0
) -> list[DueReminder]:
    """Give `share` of the patients an after-session check-in reminder that falls due between
    10% and 70% of the run (whole seconds, their clinic's local time), quiet hours far away,
    every other reminder off. Returns the reminders set, in due order."""
    people: list[tuple[LoadClinic, Person]] = [(c, p) for c in clinics for p in c.patients]
    chosen = people[: round(len(people) * share)]
    due = []
    with transaction.atomic():
        for index, (clinic, person) in enumerate(chosen):
            zone = zoneinfo.ZoneInfo(clinic.time_zone)
            offset = seconds * (0.1 + 0.6 * index / max(1, len(chosen) - 1))
            at = (start + timedelta(seconds=offset)).astimezone(zone).replace(microsecond=0)
            at += timedelta(seconds=1)  # whole seconds, never before the run's own offset
            ReminderPreference.objects.update_or_create(
                patient_id=_patient(person),
                defaults={
                    "after_session_enabled": True,
                    "after_session_time": at.time(),
                    "next_morning_enabled": False,
                    "daily_enabled": False,
                    "exercise_enabled": False,
                    "quiet_start": time(3, 0),
                    "quiet_end": time(3, 30),
                },
            )
            due.append(
                DueReminder(
                    _patient(person), person.email, "after_session", at.date(), at.astimezone(UTC)
                )
            )
    return sorted(due, key=lambda reminder: reminder.due_at)
