"""The database itself refuses bad rows: each write here bypasses forms, services and
full_clean() (objects.create, queryset.update, raw SQL) and must fail with IntegrityError.

Runs on SQLite and, with DATABASE_URL, on PostgreSQL (CI does both).
"""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Patient, User
from audit.models import AuditEvent, FormSubmission
from exercises.models import Exercise, ExerciseLog, Plan, PlanItem, PlanVersion
from redflags.engine.params import RuleParams
from redflags.models import Alert, FlareEpisode, RuleSetVersion, TriageAction
from symptoms.models import DailySummary, Intake, PTSession, SymptomEntry
from tests.factories import (
    ExerciseFactory,
    ExerciseLogFactory,
    PlanItemFactory,
    PlanVersionFactory,
    PTSessionFactory,
    SymptomEntryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def _entry(patient, **fields):
    values = {
        "patient": patient,
        "recorded_at": timezone.now(),
        "day": TODAY,
        "pain_now": 3,
        "pain_worst": 4,
    }
    values.update(fields)
    return SymptomEntry.objects.create(**values)


def _rule_set(patient):
    version, _ = RuleSetVersion.objects.get_or_create(
        clinic=patient.clinic, number=1, defaults={"params": RuleParams().to_dict()}
    )
    return version


def _alert(patient, **fields):
    values = {
        "patient": patient,
        "rule": "R7",
        "severity": "urgent",
        "initial_severity": "urgent",
        "rule_set_version": _rule_set(patient),
        "opened_day": TODAY,
        "reason": "test",
    }
    values.update(fields)
    return Alert.objects.create(**values)


def _log(patient, **fields):
    values = {"patient": patient, "exercise": ExerciseFactory(), "day": TODAY, "pain_during": 2}
    values.update(fields)
    return ExerciseLog.objects.create(**values)


def _raw_update(model, pk, column, value):
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])


CASES = {
    # Symptom entries (spec.md section 2)
    "entry pain above 10": lambda p: _entry(p, pain_now=11, pain_worst=11),
    "entry worst pain below 0 by raw SQL": lambda p: _raw_update(
        SymptomEntry, _entry(p).pk, "pain_worst", -1
    ),
    "entry worst below now": lambda p: _entry(p, pain_now=6, pain_worst=5),
    "entry unknown context": lambda p: _entry(p, context="sometimes"),
    "entry unknown weakness": lambda p: _entry(p, weakness="very"),
    "entry unknown is_flare": lambda p: _entry(p, is_flare="perhaps"),
    "entry notes over 2000": lambda p: _entry(p, notes="x" * 2001),
    "entry unknown descriptor": lambda p: _entry(p, descriptors=["tingling", "itchy"]),
    "entry region not a list": lambda p: _entry(p, regions={"left_thigh": True}),
    "entry unknown trigger by update": lambda p: SymptomEntry.objects.filter(
        pk=_entry(p).pk
    ).update(triggers=["moon_phase"]),
    "entry idempotency key twice": lambda p: [
        _entry(p, idempotency_key="same-key") for _ in range(2)
    ],
    "daily summary twice a day": lambda p: [
        DailySummary.objects.create(patient=p, day=TODAY, daily_pain=3) for _ in range(2)
    ],
    "daily pain above 10": lambda p: DailySummary.objects.create(
        patient=p, day=TODAY, daily_pain=12
    ),
    # Intake and sessions
    "intake baseline above 10": lambda p: Intake.objects.filter(patient=p).update(baseline_pain=11),
    "second intake": lambda p: Intake.objects.create(patient=p),
    "session unknown kind": lambda p: PTSession.objects.create(
        patient=p, date=TODAY, kind="massage"
    ),
    "session unknown intervention": lambda p: PTSession.objects.filter(
        pk=PTSessionFactory(patient=p).pk
    ).update(interventions=["magic"]),
    # Exercises
    "exercise log pain above 10": lambda p: _log(p, pain_during=11),
    "exercise log too many sets": lambda p: _log(p, sets_done=51),
    "exercise log unknown difficulty": lambda p: _log(p, difficulty="brutal"),
    "exercise log idempotency key twice": lambda p: [
        ExerciseLogFactory(patient=p, idempotency_key="same-key") for _ in range(2)
    ],
    "second plan": lambda p: [Plan.objects.create(patient=p) for _ in range(2)],
    "plan version ends before it starts": lambda p: PlanVersionFactory(
        plan__patient=p, start_date=TODAY, end_date=TODAY - dt.timedelta(days=1)
    ),
    "plan version number twice": lambda p: [
        PlanVersion.objects.create(plan=plan, number=1, start_date=TODAY)
        for plan in [Plan.objects.create(patient=p)] * 2
    ],
    "plan item zero sets": lambda p: PlanItemFactory(version__plan__patient=p, sets=0),
    "plan item eight days a week": lambda p: PlanItemFactory(
        version__plan__patient=p, days_per_week=8
    ),
    "plan item same exercise twice": lambda p: [
        PlanItem.objects.create(version=version, exercise=exercise)
        for version, exercise in [(PlanVersionFactory(plan__patient=p), ExerciseFactory())] * 2
    ],
    "library exercise slug twice": lambda p: [
        Exercise.objects.create(name="Glide", slug="glide", body_area="leg") for _ in range(2)
    ],
    "exercise unknown body area": lambda p: ExerciseFactory(body_area="tail"),
    # Alerts and triage (spec.md section 8)
    "two open alerts for one rule": lambda p: [_alert(p) for _ in range(2)],
    "alert unknown severity": lambda p: _alert(p, severity="mild"),
    "alert unknown state": lambda p: _alert(p, state="snoozed"),
    "alert unknown rule": lambda p: _alert(p, rule="R99"),
    "triage unknown kind": lambda p: TriageAction.objects.create(alert=_alert(p), kind="ignore"),
    "triage unknown contact method": lambda p: TriageAction.objects.create(
        alert=_alert(p), kind="contact", contact_method="pigeon"
    ),
    "flare ending on its first day": lambda p: FlareEpisode.objects.create(
        patient=p, start=TODAY, end=TODAY, baseline_at_start=2, peak=6
    ),
    "rule set version number twice": lambda p: [
        RuleSetVersion.objects.create(clinic=p.clinic, number=7, params={}) for _ in range(2)
    ],
    # Accounts
    "user unknown role": lambda p: UserFactory(role="superhero"),
    "user email twice": lambda p: UserFactory(email=p.user.email),
    "second patient record for one login": lambda p: Patient.objects.create(
        user=p.user, clinic=p.clinic
    ),
    # Audit and forms
    "audit unknown action": lambda p: AuditEvent.objects.create(action="peek"),
    "audit unknown outcome": lambda p: AuditEvent.objects.create(action="view", outcome="maybe"),
    "form token used twice": lambda p: [
        FormSubmission.objects.create(user=p.user, token="a" * 32, path="/") for _ in range(2)
    ],
}


@pytest.mark.parametrize("write", CASES.values(), ids=CASES.keys())
def test_the_database_refuses_the_row(write, patient):
    with pytest.raises(IntegrityError), transaction.atomic():
        write(patient)


def test_valid_rows_written_the_same_way_are_accepted(patient):
    # The refusals above come from the constraints, not from the way the rows are written.
    entry = _entry(patient, descriptors=["tingling"], regions=["left_thigh"], notes="x" * 2000)
    _raw_update(SymptomEntry, entry.pk, "pain_worst", 10)
    _log(patient, pain_during=10, sets_done=50)
    _alert(patient)
    _alert(patient, rule="R1", severity="emergency", initial_severity="emergency")
    _alert(patient, state="resolved")  # a resolved one beside the open one for R7
    assert SymptomEntry.objects.get(pk=entry.pk).pain_worst == 10


@pytest.mark.parametrize(
    "table,row",
    [
        ("accounts_patient", lambda p: p.pk),
        ("symptoms_ptsession", lambda p: PTSessionFactory(patient=p).pk),
    ],
    ids=["patient with records", "session an entry points at"],
)
def test_raw_deletes_of_referenced_rows_break_foreign_keys(table, row, patient):
    # Clinical rows point at the patient (and entries at sessions): deleting the target with raw
    # SQL, past Django's PROTECT/CASCADE handling, fails the database's foreign key check.
    pk = row(patient)
    if table == "symptoms_ptsession":
        SymptomEntryFactory(patient=patient, session_id=pk)
    else:
        SymptomEntryFactory(patient=patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
        connection.check_constraints(table_names=["symptoms_symptomentry"])


def test_user_role_constraint_also_holds_for_updates(patient):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=patient.user.pk).update(role="root")
