"""Create the invented demo clinic (devtools/demo/stories.py): staff, twelve patients, histories.

Idempotent: the clinic, staff and patients are found by name and email, and a patient who
already exists keeps their history. `--reset` deletes the demo clinic's people and records first,
so the histories are rebuilt relative to today.

Sessions and entries go through the services the forms use (symptoms.services), sessions before
the entries of their day, so linking and red-flag screening happen as they would live. Then the
end-of-day sweeps of the last seven days run, as the nightly sweep would have. In development
(DEBUG on) the demo clinicians get an authenticator with a published secret
(devtools/demo/authenticators.py). A line per stage and per patient shows progress;
``--verbosity 0`` silences it.
"""

from __future__ import annotations

import time as clock
import zoneinfo
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone

from accounts.models import Clinic, Invitation, Patient, User
from audit.models import AuditEvent
from care.services import entry_record
from devtools.demo import stories as demo
from devtools.demo.authenticators import DEMO_TOTP_BASE32, seed_demo_authenticators
from devtools.demo.contacts import seed_contacts
from devtools.demo.exercise_plans import seed_exercise_plans
from devtools.demo.outcome_measures import seed_outcome_measures
from devtools.demo.reminder_preferences import seed_reminder_preferences
from redflags.models import SweepRun
from redflags.sweep import daily_sweep
from symptoms.models import PTSession, SymptomEntry
from symptoms.services import intake_save, pt_session_create

# Links between records are at most a few levels deep (patient, entry, alert, evidence...).
MAX_DELETE_DEPTH = 8
# Days of end-of-day sweeps the demo runs, so it shows the "low" (R13) and R14 alerts too.
DEMO_SWEEP_DAYS = 7


def seed_clinic() -> Clinic:
    clinic, _ = Clinic.objects.get_or_create(
        name=demo.DEMO_CLINIC_NAME,
        defaults={
            "time_zone": demo.DEMO_CLINIC_TIME_ZONE,
            "emergency_number": demo.DEMO_EMERGENCY_NUMBER,
        },
    )
    return clinic


def seed_staff(clinic: Clinic, password_hash: str, *, restore: bool = False) -> dict[str, User]:
    """The demo staff, found by email; `restore` (--reset) puts back their names, roles and
    password if they were kept (people the audit log names are never deleted)."""
    staff = {}
    for spec in demo.STAFF:
        fields = {
            "full_name": spec.full_name,
            "role": spec.role,
            "clinic": clinic,
            "password": password_hash,
        }
        if restore:
            user, _ = User.objects.update_or_create(email=spec.email, defaults=fields)
        else:
            user, _ = User.objects.get_or_create(email=spec.email, defaults=fields)
        staff[spec.key] = user
    return staff


def _at(patient: Patient, day, clock_time: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock_time), tzinfo=patient.zone)


def _as_lists(fields) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()}


def write_history(patient: Patient, history: demo.History, *, therapist: User) -> None:
    """Sessions and entries in time order: each day's sessions first, then its entries."""
    today = patient.local_day()
    now = timezone.now()
    sessions = defaultdict(list)
    for session_spec in history.sessions:
        sessions[session_spec.day].append(session_spec)
    entries = defaultdict(list)
    for entry_spec in history.entries:
        entries[entry_spec.day].append(entry_spec)
    for offset in sorted(sessions.keys() | entries.keys()):
        day = today + timedelta(days=offset)
        for session_spec in sessions[offset]:
            pt_session_create(
                patient,
                {
                    "date": day,
                    "kind": session_spec.kind,
                    "interventions": list(session_spec.interventions),
                    "notes": session_spec.notes,
                    "created_at": min(now, _at(patient, day, "10:00")),
                },
                actor=therapist,
            )
        for entry_spec in sorted(entries[offset], key=lambda e: e.time):
            recorded_at = _at(patient, day, entry_spec.time)
            if recorded_at > now:
                continue
            data = {
                "recorded_at": recorded_at,
                "created_at": recorded_at,
                "context": entry_spec.context,
                "pain_now": entry_spec.pain_now,
                "pain_worst": entry_spec.pain_worst,
                "descriptors": list(entry_spec.descriptors),
                "regions": list(entry_spec.regions),
                **_as_lists(entry_spec.fields),
            }
            entry_record(patient, data, actor=patient.user)


def seed_patient(
    story: demo.PatientStory, clinic: Clinic, staff: dict[str, User], password_hash: str
) -> tuple[Patient, bool]:
    """The story's patient; created with intake and history unless they exist already."""
    existing = Patient.objects.filter(user__email=story.email).first()
    if existing is not None:
        return existing, False
    history = story.history()
    therapists = [staff[key] for key in story.therapists]
    joined = timezone.now() - timedelta(days=history.joined_days_ago)
    with transaction.atomic():
        # A user kept by --reset (named in the append-only audit log) gets their story again.
        user, _ = User.objects.update_or_create(
            email=story.email,
            defaults={
                "full_name": story.full_name,
                "role": User.Role.PATIENT,
                "clinic": clinic,
                "password": password_hash,
                "date_joined": joined,
            },
        )
        patient = Patient.objects.create(
            user=user, clinic=clinic, time_zone=story.time_zone, created_at=joined
        )
        patient.therapists.set(therapists)
        intake_save(patient, _as_lists(story.intake), actor=therapists[0])
        write_history(patient, history, therapist=therapists[0])
    return patient, True


def _delete_with_dependents(queryset, depth: int = 0) -> None:
    """Delete `queryset`, first deleting the rows that protect it (entries, alerts, plans...).

    Only for the demo clinic: every row that references a demo person is demo data too. Other
    apps keep their clinical records protected; this walks those links instead of naming them.
    """
    if depth > MAX_DELETE_DEPTH:
        raise CommandError("Could not reset the demo clinic: the records are linked too deeply.")
    for _attempt in range(MAX_DELETE_DEPTH):
        try:
            with transaction.atomic():
                queryset.delete()
            return
        except (ProtectedError, RestrictedError) as error:
            # Never str(error): it renders every blocking object, one query each.
            blockers = (
                error.protected_objects
                if isinstance(error, ProtectedError)
                else error.restricted_objects
            )
            by_model = defaultdict(set)
            for obj in blockers:
                by_model[type(obj)].add(obj.pk)
            for model, pks in by_model.items():
                _delete_with_dependents(model._default_manager.filter(pk__in=pks), depth + 1)
    raise CommandError("Could not reset the demo clinic: some records could not be deleted.")


def demo_reset() -> None:
    """Delete the demo clinic's people and everything recorded about them (not the clinic, and
    not the users the audit log names)."""
    clinic = Clinic.objects.filter(name=demo.DEMO_CLINIC_NAME).first()
    if clinic is None:
        return
    users = User.objects.filter(clinic=clinic)
    with transaction.atomic():
        _delete_with_dependents(
            Invitation.objects.filter(Q(user__in=users) | Q(created_by__in=users))
        )
        _delete_with_dependents(Patient.objects.filter(clinic=clinic))
        # The audit log is append-only: people it names (anyone who logged in) stay, without
        # their records; seed_patient gives a kept patient their story again.
        audited = AuditEvent.objects.filter(actor__in=users).values("actor_id")
        _delete_with_dependents(users.exclude(pk__in=audited))
        # The rebuilt histories are swept again (R13, R14 and the R11 escalation).
        SweepRun.objects.filter(clinic=clinic).delete()


class Command(BaseCommand):
    help = "Create the invented demo clinic, its staff and patients (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo clinic's people and records first, rebuilding them for today.",
        )

    def say(self, message: str) -> None:
        """A progress line (silenced by --verbosity 0)."""
        if self.verbosity >= 1:
            self.stdout.write(message)

    def handle(self, *args, reset: bool = False, **options):
        self.verbosity = options.get("verbosity", 1)
        started = clock.monotonic()
        if reset:
            self.say("Deleting the demo clinic's people and records (--reset)...")
            demo_reset()
        # One hash for every demo login: Argon2 is slow on purpose and these are not secrets.
        password_hash = make_password(demo.DEMO_PASSWORD)
        clinic = seed_clinic()
        staff = seed_staff(clinic, password_hash, restore=reset)
        self.say(f"Demo clinic {clinic.name!r}: {len(staff)} staff.")
        self.seed_authenticators(staff)
        patients = self.seed_patients(clinic, staff, password_hash)
        new = {key: patient for key, (patient, was_created) in patients.items() if was_created}
        everyone = {key: patient for key, (patient, _) in patients.items()}
        # Home exercise plans and logs for the patients created just now (demo/exercise_plans.py).
        self.say(f"Home exercise plans and exercise logs of {len(new)} new patient(s)...")
        seed_exercise_plans(new, staff)
        # PSFS and GROC histories (demo/outcome_measures.py), kept if they exist.
        self.say("Outcome measures (PSFS, GROC) and reminder preferences...")
        seed_outcome_measures(everyone, staff)
        # Invented phone numbers and emergency contacts (demo/contacts.py), kept if they exist.
        seed_contacts(everyone)
        # Reminder preferences for every demo patient, kept if they exist.
        seed_reminder_preferences(everyone)
        self.run_sweeps(clinic)
        created = len(new)
        in_clinic = Patient.objects.filter(clinic=clinic)
        self.say(
            self.style.SUCCESS(
                f"Demo clinic {clinic.name!r}: {len(staff)} staff, {in_clinic.count()} patients "
                f"({created} new), {PTSession.objects.filter(patient__in=in_clinic).count()} "
                f"sessions, {SymptomEntry.objects.filter(patient__in=in_clinic).count()} entries "
                f"in {clock.monotonic() - started:.1f} s. Password for every demo login: "
                f"{demo.DEMO_PASSWORD}"
            )
        )

    def seed_authenticators(self, staff: dict[str, User]) -> None:
        count = seed_demo_authenticators(staff.values(), debug=settings.DEBUG)
        if count:
            self.say(
                f"Two-step login: {count} demo clinicians have the demo authenticator (secret "
                f"{DEMO_TOTP_BASE32}); `manage.py demo_code EMAIL` prints the current code."
            )
        else:
            self.say("Two-step login: DEBUG is off, so demo clinicians set up their own.")

    def seed_patients(
        self, clinic: Clinic, staff: dict[str, User], password_hash: str
    ) -> dict[str, tuple[Patient, bool]]:
        patients = {}
        for number, story in enumerate(demo.STORIES, 1):
            begun = clock.monotonic()
            patient, created = seed_patient(story, clinic, staff, password_hash)
            patients[story.key] = (patient, created)
            what = "created with intake and history" if created else "exists, kept as it is"
            self.say(
                f"  patient {number:>2}/{len(demo.STORIES)} {story.full_name}: {what} "
                f"({clock.monotonic() - begun:.1f} s)"
            )
        return patients

    def run_sweeps(self, clinic: Clinic) -> None:
        """The end-of-day rules (R13 not logging, R14 not improving, R11 escalation) for the last
        days, as the nightly sweep would have run them; re-runs are no-ops (SweepRun)."""
        self.say(
            f"End-of-day sweeps of the last {DEMO_SWEEP_DAYS} days (R13, R14, R11 escalation):"
        )
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(clinic.time_zone))
        for days_ago in range(DEMO_SWEEP_DAYS, 0, -1):
            day = today - timedelta(days=days_ago)
            begun = clock.monotonic()
            result = daily_sweep(clinic, day)
            what = (
                "already swept"
                if result.skipped
                else f"{result.patients} patients, {result.alerts_opened} alert(s) opened"
            )
            self.say(f"  {day}: {what} ({clock.monotonic() - begun:.1f} s)")
