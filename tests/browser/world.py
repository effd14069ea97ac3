"""One invented clinic with something on every page, for the accessibility and keyboard tests.

`build_world()` writes through the same services the forms use where it matters (entries that
raise alerts, sessions, reminders), and through factories for plain history. `pages_for(world,
role)` lists every page a role can open, as (name, path) pairs, so that a new page added here is
checked at both sizes by tests/browser/test_accessibility.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Patient, User
from accounts.services import invitation_issue
from care.services import entry_record
from core.models import OutboxMessage
from core.outbox import mail_deliver_due
from exercises.models import Exercise
from outcomes.services import groc_record, psfs_rate, psfs_setup
from redflags.models import Alert
from reminders.services import reminders_send_due
from reminders.tokens import unsubscribe_token
from symptoms.services import daily_summary_refresh, pt_session_create
from tests.factories import (
    ExerciseFactory,
    ExerciseLogFactory,
    PatientFactory,
    PlanFactory,
    PlanItemFactory,
    PlanVersionFactory,
    SymptomEntryFactory,
)

LOCMEM_MAIL = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
QUICK_LOG_LINK = re.compile(r"https?://[^/\s]+(/reminders/log/\?t=\S+)")

#: Answers that raise alerts of each severity through the real rules (spec.md section 8).
URGENT_ANSWERS = {"pain_now": 7, "pain_worst": 8, "descriptors": ["stabbing"], "rest_relief": "no"}
REVIEW_ANSWERS = {
    "pain_now": 3,
    "pain_worst": 3,
    "descriptors": ["burning", "tingling", "numbness"],
}
EMERGENCY_ANSWERS = {"pain_now": 2, "pain_worst": 2, "saddle_numbness": True}


@dataclass
class World:
    patient: Patient
    therapist: User
    clinic_admin: User
    entries: dict[str, Any] = field(default_factory=dict)
    alerts: dict[str, Alert] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)


def log_entry(patient: Patient, minutes_ago: int, context: str = "daily", **answers):
    """An entry saved as the patient's form saves it: screened by the rules."""
    data = {
        "recorded_at": timezone.now() - timedelta(minutes=minutes_ago),
        "context": context,
        "pain_now": 3,
        "pain_worst": 3,
        "regions": ["left_thigh"],
        **answers,
    }
    return entry_record(patient, data, actor=patient.user)


def _history(patient: Patient, days: int) -> None:
    today = patient.local_day()
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        pain = 3 + (back % 5 == 0) * 2
        SymptomEntryFactory(
            patient=patient,
            recorded_at=datetime.combine(day, time(9, 30), tzinfo=patient.zone),
            pain_now=pain,
            pain_worst=pain,
            descriptors=["tingling"],
            regions=["lower_back", "left_buttock"],
        )
        daily_summary_refresh(patient, day)


def _plan(patient: Patient, therapist: User) -> None:
    today = patient.local_day()
    version = PlanVersionFactory(
        plan=PlanFactory(patient=patient),
        number=1,
        start_date=today - timedelta(days=10),
        created_by=therapist,
        note_to_patient="Start gently, little and often.",
    )
    glide = ExerciseFactory(
        name="Sciatic nerve slider",
        slug="a11y-sciatic-slider",
        body_area="leg",
        starting_position="Lie on your back.",
        movement="Slowly straighten your knee, then bend it again.",
        should_feel="A gentle stretch.",
        when_to_stop="Stop if tingling spreads further down your leg.",
    )
    bridge = ExerciseFactory(name="Bridge", slug="a11y-bridge", body_area="lower_back")
    first = PlanItemFactory(version=version, exercise=glide, order=1, times_per_day=2)
    PlanItemFactory(version=version, exercise=bridge, order=2, times_per_day=1)
    for back in range(1, 6):
        ExerciseLogFactory(
            patient=patient,
            exercise=glide,
            plan_item=first,
            day=today - timedelta(days=back),
            pain_during=2 + back % 3,
        )


def _outcomes(patient: Patient, therapist: User) -> None:
    """PSFS named at intake and rated again, and a GROC answer, so the outcome pages show
    figures (the GROC answer of 2 days ago keeps the check-in free of it for the other tests)."""
    now = timezone.now()
    psfs_setup(
        patient,
        [("Putting on socks", 3), ("Walking to the shop", 4)],
        actor=therapist,
        recorded_at=now - timedelta(days=20),
    )
    ids = list(patient.psfs_activities.values_list("pk", flat=True))
    psfs_rate(
        patient, dict.fromkeys(ids, 6), actor=patient.user, recorded_at=now - timedelta(days=3)
    )
    groc_record(patient, 3, actor=patient.user, recorded_at=now - timedelta(days=2))


def _quick_log_path(patient: Patient, settings) -> str:
    """A reminder email's one-tap link, sent by the real scheduler for today's session."""
    settings.MAILERS = LOCMEM_MAIL
    mail.outbox = []
    reminders_send_due(now=datetime.combine(patient.local_day(), time(18, 1), tzinfo=patient.zone))
    mail_deliver_due()  # what the task worker does once the scheduler's transaction commits
    for message in mail.outbox:
        found = QUICK_LOG_LINK.search(message.body)
        if found:
            return found.group(1)
    raise AssertionError("The reminder scheduler sent no quick-log link")


def build_world(clinic, therapist, clinic_admin, patient, settings) -> World:
    world = World(patient=patient, therapist=therapist, clinic_admin=clinic_admin)
    today = patient.local_day()
    quiet = PatientFactory(clinic=clinic, therapists=[therapist], user__full_name="Quinn Quiet")

    for back in (14, 7):
        pt_session_create(
            patient,
            {
                "date": today - timedelta(days=back),
                "kind": "treatment",
                "interventions": ["nerve_mobilisation"],
            },
            actor=therapist,
        )
    session_today = pt_session_create(
        patient,
        {"date": today, "kind": "treatment", "interventions": ["nerve_mobilisation"]},
        actor=therapist,
    )
    # Before today's after-session entry, which would make the reminder unnecessary.
    quick_log = _quick_log_path(patient, settings)
    _history(patient, 20)
    _plan(patient, therapist)

    # An old entry (past its correction window), then today's entries, newest last.
    logged = datetime.combine(today - timedelta(days=2), time(20, 0), tzinfo=patient.zone)
    world.entries["old"] = SymptomEntryFactory(
        patient=patient, recorded_at=logged, created_at=logged
    )
    world.entries["review"] = log_entry(patient, 20, **REVIEW_ANSWERS).entry
    world.entries["urgent"] = log_entry(patient, 10, **URGENT_ANSWERS).entry
    world.entries["normal"] = log_entry(patient, 2, context="after_session").entry
    world.alerts["urgent"] = Alert.objects.get(patient=patient, rule="R7")
    world.alerts["review"] = Alert.objects.get(patient=patient, rule="R12")

    invitation = invitation_issue(
        PatientFactory(clinic=clinic, therapists=[therapist]).user, actor=therapist
    )
    user = patient.user
    library_exercise = Exercise.objects.filter(clinic__isnull=True).first() or ExerciseFactory(
        name="Library bridge", slug="library-bridge"
    )
    pk = patient.pk
    world.paths.update(
        quick_log=quick_log,
        unsubscribe=f"/reminders/unsubscribe/{unsubscribe_token(pk, 'after_session')}/",
        invitation=f"/accounts/invitation/{invitation.token}/",
        password_reset_confirm=(
            f"/accounts/password-reset/{urlsafe_base64_encode(force_bytes(user.pk))}/"
            f"{default_token_generator.make_token(user)}/"
        ),
        exercise=f"/exercises/library/{library_exercise.pk}/",
        session_edit=f"/symptoms/clinic/sessions/{session_today.pk}/edit/",
        quiet=str(quiet.pk),
    )
    _outcomes(patient, therapist)
    _undelivered_mail(clinic)
    return world


def _undelivered_mail(clinic) -> None:
    """Two of the clinic's emails the mail server would not take: one given up, one failing."""
    emails = list(OutboxMessage.objects.filter(clinic_id=clinic.pk).order_by("pk")[:2])
    for email, (state, attempts) in zip(emails, [("dead", 48), ("pending", 3)], strict=False):
        OutboxMessage.objects.filter(pk=email.pk).update(
            state=state,
            attempts=attempts,
            last_error="SMTPRecipientsRefused: {'someone@example.test': (550, b'No such user')}",
            next_attempt_at=timezone.now() + timedelta(minutes=4),
            sent_at=None,
        )


def add_emergency(world: World):
    """The patient ticks saddle numbness: an emergency alert they still have to confirm."""
    saved = log_entry(world.patient, 0, **EMERGENCY_ANSWERS)
    world.entries["emergency"] = saved.entry
    world.alerts["emergency"] = Alert.objects.get(patient=world.patient, rule="R1")
    return world.alerts["emergency"]


# --- Pages by role -------------------------------------------------------------------------------


#: Pages that answer with a client error on purpose (dead links).
CLIENT_ERROR_PAGES = frozenset({"invitation-invalid", "quick-log-link-problem"})


def _patient_pages(world: World) -> list[tuple[str, str]]:
    pk, entries = world.patient.pk, world.entries
    return [
        ("today", "/exercises/today/"),
        ("log-symptoms", "/symptoms/log/"),
        ("log-flare", "/symptoms/log/?context=flare&is_flare=yes"),
        ("entry-normal-guidance", f"/symptoms/entries/{entries['normal'].pk}/"),
        ("entry-urgent-guidance", f"/symptoms/entries/{entries['urgent'].pk}/"),
        ("entry-review-guidance", f"/symptoms/entries/{entries['review'].pk}/"),
        ("entry-edit", f"/symptoms/entries/{entries['normal'].pk}/edit/"),
        ("entry-locked", f"/symptoms/entries/{entries['old'].pk}/edit/"),
        ("diary", "/symptoms/diary/"),
        ("plan-history", f"/exercises/patients/{pk}/plan/history/"),
        ("plan-print", f"/exercises/patients/{pk}/plan/print/"),
        ("reminders", "/reminders/preferences/"),
        ("my-data", "/accounts/my-data/"),
        ("progress", "/progress/"),
        ("psfs-setup-own", f"/outcomes/patients/{pk}/psfs/"),
        ("psfs-rate", "/outcomes/psfs/rate/"),
        ("close-account", "/accounts/my-data/close/"),
        ("security", "/accounts/2fa/"),
        ("security-setup", "/accounts/2fa/setup/"),
        # Kept on the phone for offline use (issue 17).
        ("offline-emergency", "/offline/emergency/#answers=saddle_numbness"),
        ("offline", "/offline/"),
    ]


def pages_for(world: World, role: str) -> list[tuple[str, str]]:
    """(name, path) of every page of the role, in the order a person might meet them."""
    pk = world.patient.pk
    entries, alerts, paths = world.entries, world.alerts, world.paths
    if role == "anonymous":
        return [
            ("login", "/accounts/login/"),
            ("password-reset", "/accounts/password-reset/"),
            ("password-reset-sent", "/accounts/password-reset/sent/"),
            ("password-reset-done", "/accounts/password-reset/done/"),
            ("invitation", paths["invitation"]),
            ("invitation-invalid", "/accounts/invitation/not-a-real-token/"),
            ("unsubscribe", paths["unsubscribe"]),
            ("quick-log-link-problem", "/reminders/log/?t=changed"),
            ("quick-log", paths["quick_log"]),
        ]
    if role == "patient":
        return _patient_pages(world)
    therapist_pages = [
        ("caseload", "/dashboard/"),
        ("alerts-inbox", "/alerts/"),
        ("alert-urgent", f"/alerts/{alerts['urgent'].pk}/"),
        ("alert-review", f"/alerts/{alerts['review'].pk}/"),
        ("patient-overview", f"/dashboard/patients/{pk}/"),
        ("patient-summary", f"/dashboard/patients/{pk}/summary/"),
        ("patient-report", f"/dashboard/patients/{pk}/report/"),
        ("psfs-setup", f"/outcomes/patients/{pk}/psfs/"),
        ("psfs-setup-new", f"/outcomes/patients/{paths['quiet']}/psfs/"),
        ("clinic-flares", "/dashboard/flare-ups/"),
        ("patient-entry", f"/symptoms/entries/{entries['urgent'].pk}/"),
        ("patient-sessions", f"/symptoms/clinic/patients/{pk}/sessions/"),
        ("session-new", f"/symptoms/clinic/patients/{pk}/sessions/new/"),
        ("session-edit", paths["session_edit"]),
        ("intake", f"/symptoms/clinic/patients/{pk}/intake/"),
        ("plan-builder", f"/exercises/patients/{pk}/plan/"),
        ("plan-history", f"/exercises/patients/{pk}/plan/history/"),
        ("plan-print", f"/exercises/patients/{pk}/plan/print/"),
        ("patient-reminders", f"/reminders/patients/{pk}/"),
        ("exercise-library", "/exercises/library/"),
        ("exercise-detail", paths["exercise"]),
        ("exercise-new", "/exercises/library/new/"),
        ("patient-add", "/accounts/patients/add/"),
        ("security", "/accounts/2fa/"),
    ]
    if role == "therapist":
        return therapist_pages
    if role == "clinic_admin":
        return [
            ("clinic", "/dashboard/clinic/"),
            ("therapists", "/accounts/therapists/"),
            ("therapist-add", "/accounts/therapists/add/"),
            ("clinic-settings", "/accounts/clinic/"),
            ("rule-set", "/alerts/rule-set/"),
            ("replay", "/alerts/replay/"),
            ("caseload", "/dashboard/"),
            ("alerts-inbox", "/alerts/"),
            ("alert-urgent", f"/alerts/{alerts['urgent'].pk}/"),
            ("patient-overview", f"/dashboard/patients/{pk}/"),
            ("clinic-flares-per-therapist", "/dashboard/flare-ups/?group=therapist"),
            ("audit-log", f"/audit/patients/{pk}/"),
            ("system-status", "/status/"),
        ]
    raise ValueError(role)
