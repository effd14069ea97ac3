"""The world the security tests run in: one clinic's people and the owner's records.

Roles (docs/security.md, "Matrix and corpus"): the patient who owns the records, another patient
of the same clinic, the patient's therapist, another therapist of the same clinic (not on the
caseload), the clinic's admin, and another clinic's admin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.services import invitation_issue
from core.models import MailKind, OutboxMessage, OutboxState
from redflags.models import Severity
from redflags.triage import alert_patient_confirm, alert_resolve
from reminders.choices import DispatchState, ReminderKind
from reminders.delivery import quick_log_token_issue
from reminders.models import ReminderDispatch
from tests.auth_helpers import login_verified, mark_verified, totp_device_for
from tests.factories import (
    AlertFactory,
    ClinicAdminFactory,
    ClinicFactory,
    ExerciseFactory,
    PatientFactory,
    PlanItemFactory,
    PTSessionFactory,
    SymptomEntryFactory,
    TherapistFactory,
)

ANONYMOUS = "anonymous"
PATIENT = "patient"
OTHER_PATIENT = "other_patient"
THERAPIST = "therapist"
OTHER_THERAPIST = "other_therapist"
CLINIC_ADMIN = "clinic_admin"
OTHER_CLINIC_ADMIN = "other_clinic_admin"
ROLES = (
    ANONYMOUS,
    PATIENT,
    OTHER_PATIENT,
    THERAPIST,
    OTHER_THERAPIST,
    CLINIC_ADMIN,
    OTHER_CLINIC_ADMIN,
)
# A name that appears only on the owner's pages: a denial must never show it.
OWNER_NAME = "Pat Patientowner"


@dataclass
class World:
    """The records of patient A (the owner) and the people around them."""

    users: dict = field(default_factory=dict)
    clinic: object = None
    other_clinic: object = None
    patient: object = None
    other_patient: object = None
    entry: object = None
    session: object = None
    alert: object = None
    emergency: object = None
    plan_item: object = None
    clinic_exercise: object = None
    library_exercise: object = None
    other_clinic_exercise: object = None
    other_patient_entry: object = None
    other_patient_item: object = None
    other_patient_session: object = None
    other_patient_alert: object = None
    # One request handler per CSRF setting, shared by the clients: a new handler loads the
    # middleware again, and WhiteNoise then rescans every static file (about 0.2 s each time).
    handlers: dict = field(default_factory=dict)
    # A reminder's quick-log link for the owner, and an invitation nobody has accepted yet.
    quick_log_token: str = ""
    invitation_token: str = ""
    invited_user: object = None
    # An email of the owner's clinic that could not be delivered.
    undelivered_email: object = None

    def client(self, role: str, **client_kwargs) -> Client:
        """A fresh client logged in as `role` (clinicians, and the owner who turned two-step
        verification on, with a verified session)."""
        client = Client(**client_kwargs)
        csrf = bool(client_kwargs.get("enforce_csrf_checks"))
        client.handler = self.handlers.setdefault(csrf, client.handler)
        if role == ANONYMOUS:
            return client
        user = self.users[role]
        login_verified(client, user)
        if role == PATIENT:
            session = client.session
            mark_verified(session, totp_device_for(user))
            client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        return client


def build_world() -> World:
    clinic = ClinicFactory(name="Riverside Physio", time_zone="Europe/London")
    other_clinic = ClinicFactory(name="Hilltop Physio", time_zone="America/New_York")
    therapist = TherapistFactory(clinic=clinic, full_name="Tess Therapist")
    other_therapist = TherapistFactory(clinic=clinic, full_name="Owen Other")
    clinic_admin = ClinicAdminFactory(clinic=clinic, full_name="Ada Admin")
    other_clinic_admin = ClinicAdminFactory(clinic=other_clinic, full_name="Otto Admin")
    patient = PatientFactory(clinic=clinic, user__full_name=OWNER_NAME, therapists=[therapist])
    other_patient = PatientFactory(
        clinic=clinic, user__full_name="Olive Other", therapists=[other_therapist]
    )
    # The owner turned two-step verification on (so turning it off is theirs alone).
    totp_device_for(patient.user)

    world = World(
        users={
            PATIENT: patient.user,
            OTHER_PATIENT: other_patient.user,
            THERAPIST: therapist,
            OTHER_THERAPIST: other_therapist,
            CLINIC_ADMIN: clinic_admin,
            OTHER_CLINIC_ADMIN: other_clinic_admin,
        },
        clinic=clinic,
        other_clinic=other_clinic,
        patient=patient,
        other_patient=other_patient,
    )
    today = patient.local_day()
    world.session = PTSessionFactory(patient=patient, date=today - dt.timedelta(days=1))
    world.entry = SymptomEntryFactory(patient=patient, pain_now=3, pain_worst=4)
    # An open urgent alert of the owner's, for the triage pages and the banner's "I have read
    # this" (an open emergency would pause the owner's home plan, issue 11) ...
    world.alert = AlertFactory(patient=patient, rule="R7")
    alert_patient_confirm(world.alert, actor=patient.user)
    # ... and an emergency alert they have read and a clinician resolved: its advice page is
    # still theirs, and their pages are not sent to it first.
    world.emergency = AlertFactory(patient=patient, rule="R1", severity=Severity.EMERGENCY)
    alert_patient_confirm(world.emergency, actor=patient.user)
    alert_resolve(world.emergency, actor=therapist, note="Seen in A&E, all clear.")
    world.clinic_exercise = ExerciseFactory(clinic=clinic, name="Riverside glide")
    world.library_exercise = ExerciseFactory(clinic=None, name="Library glide")
    world.other_clinic_exercise = ExerciseFactory(clinic=other_clinic, name="Hilltop glide")
    world.plan_item = PlanItemFactory(
        version__plan__patient=patient,
        version__start_date=today - dt.timedelta(days=3),
        exercise=world.clinic_exercise,
    )
    world.other_patient_entry = SymptomEntryFactory(patient=other_patient)
    world.other_patient_session = PTSessionFactory(patient=other_patient)
    world.other_patient_item = PlanItemFactory(
        version__plan__patient=other_patient,
        version__start_date=today - dt.timedelta(days=3),
        exercise=world.library_exercise,
    )
    world.other_patient_alert = AlertFactory(
        patient=other_patient, rule="R1", severity=Severity.EMERGENCY
    )
    alert_patient_confirm(world.other_patient_alert, actor=other_patient.user)
    dispatch = ReminderDispatch.objects.create(
        patient=patient,
        kind=ReminderKind.DAILY,
        local_date=today,
        due_at=timezone.now(),
        state=DispatchState.SENT,
    )
    world.quick_log_token = quick_log_token_issue(dispatch)
    invited = PatientFactory(clinic=clinic, user__full_name="Ivy Invited", therapists=[therapist])
    invited.user.set_unusable_password()
    invited.user.save()
    world.invited_user = invited.user
    world.invitation_token = invitation_issue(invited.user, actor=therapist).token
    world.undelivered_email = OutboxMessage.objects.filter(
        kind=MailKind.INVITATION, clinic_id=clinic.pk
    ).first()
    OutboxMessage.objects.filter(pk=world.undelivered_email.pk).update(
        state=OutboxState.DEAD, attempts=48, last_error="SMTPServerDisconnected: down"
    )
    return world
