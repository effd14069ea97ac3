"""Every check constraint of the project holds when the application is bypassed.

For each check constraint in the models, `VIOLATIONS` gives field values that break it. Each is
written three ways that skip forms, services and `full_clean()`: `queryset.update()`, a raw SQL
UPDATE, and `bulk_create()` of a new row. Each must fail with an IntegrityError that names the
constraint (so the refusal comes from that constraint, not from another one or a type error).
`test_every_check_constraint_has_a_violation` fails when a new constraint has no entry here.

Complements tests/integrity/test_db_constraints.py (unique keys, foreign keys, one case per
constraint through `objects.create`). Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from audit.models import AuditEvent
from core.models import OutboxMessage
from redflags.models import FlareEpisode, TriageAction
from reminders.models import PushDelivery, QuickLogToken, ReminderDispatch, ReminderPreference
from symptoms.models import DailySummary

from .world import World

pytestmark = pytest.mark.django_db

PROJECT_APPS = (
    "accounts",
    "symptoms",
    "exercises",
    "redflags",
    "reminders",
    "audit",
    "dashboard",
    "core",
)

# constraint name -> field values that break it (and only it).
VIOLATIONS: dict[str, dict] = {
    "user_role_valid": {"role": "superuser"},
    "intake_baseline_pain_0_10": {"baseline_pain": 11},
    "intake_baseline_regions_valid": {"baseline_regions": ["lower_back", "tail"]},
    "session_kind_valid": {"kind": "massage"},
    "session_interventions_valid": {"interventions": ["magic"]},
    "entry_pain_now_0_10": {"pain_now": 11, "pain_worst": 11},
    "entry_pain_worst_0_10": {"pain_now": 10, "pain_worst": 12},
    "entry_pain_worst_at_least_now": {"pain_now": 6, "pain_worst": 5},
    "entry_context_valid": {"context": "sometimes"},
    "entry_rest_relief_valid": {"rest_relief": "maybe"},
    "entry_weakness_valid": {"weakness": "very"},
    "entry_is_flare_valid": {"is_flare": "perhaps"},
    "entry_notes_max_2000": {"notes": "x" * 2001},
    "entry_descriptors_valid": {"descriptors": ["tingling", "itchy"]},
    "entry_regions_valid": {"regions": {"left_thigh": True}},
    "entry_triggers_valid": {"triggers": ["moon_phase"]},
    "entry_helped_valid": {"helped": [1, 2]},
    "daily_pain_0_10": {"daily_pain": 11},
    "exercise_body_area_valid": {"body_area": "tail"},
    "exercise_default_frequency_valid": {"default_days_per_week": 8},
    "plan_version_end_after_start": {
        "start_date": dt.date(2026, 3, 2),
        "end_date": dt.date(2026, 3, 1),
    },
    "plan_item_dosage_range": {"reps": 201},
    "plan_item_frequency_range": {"times_per_day": 11},
    "exercise_log_pain_0_10": {"pain_during": 11},
    "exercise_log_sets_max": {"sets_done": 51},
    "exercise_log_difficulty_valid": {"difficulty": "brutal"},
    "alert_severity_valid": {"initial_severity": "mild"},
    "alert_state_valid": {"state": "snoozed"},
    "alert_rule_valid": {"rule": "R99"},
    "triage_kind_valid": {"kind": "ignore"},
    "triage_contact_method_valid": {"contact_method": "pigeon"},
    "flare_end_after_start": {"start": dt.date(2026, 3, 2), "end": dt.date(2026, 3, 2)},
    "outbox_state_valid": {"state": "lost"},
    "reminder_quiet_hours_differ": {"quiet_start": dt.time(22), "quiet_end": dt.time(22)},
    "reminder_kind_valid": {"kind": "hourly"},
    "reminder_state_valid": {"state": "maybe"},
    "push_delivery_state_valid": {"state": "maybe"},
    "quicklog_context_is_a_checkin": {"context": "flare"},
    "audit_action_valid": {"action": "peek"},
    "audit_outcome_valid": {"outcome": "maybe"},
    "patient_emergency_contact_named": {
        "emergency_contact_phone": "+447700900456",
        "emergency_contact_name": "",
    },
}

# Audit events cannot be updated at all (the queryset refuses, and a PostgreSQL trigger), so
# their constraints are tried on new rows only.
INSERT_ONLY = frozenset({AuditEvent})


def check_constraints() -> dict[str, type[models.Model]]:
    found = {}
    for config in apps.get_app_configs():
        if config.label not in PROJECT_APPS:
            continue
        for model in config.get_models():
            for constraint in model._meta.constraints:
                if isinstance(constraint, models.CheckConstraint):
                    found[constraint.name] = model
    return found


CONSTRAINTS = check_constraints()


def _valid_rows(world: World) -> dict[type[models.Model], models.Model]:
    """One valid saved row of each constrained model, from the world or made here."""
    patient = world.patient
    alert = world.alert
    plan_item = world.plan_item
    rows: dict[type[models.Model], models.Model] = {
        type(world.users["patient"]): world.users["patient"],
        type(patient): patient,
        type(patient.intake): patient.intake,
        type(world.session): world.session,
        type(world.entry): world.entry,
        type(world.clinic_exercise): world.clinic_exercise,
        type(plan_item.version): plan_item.version,
        type(plan_item): plan_item,
        type(alert): alert,
        TriageAction: TriageAction.objects.filter(alert=alert).first(),
        QuickLogToken: QuickLogToken.objects.filter(patient=patient).first(),
    }
    from tests.factories import ExerciseLogFactory

    log = ExerciseLogFactory(patient=patient, exercise=world.clinic_exercise)
    rows[type(log)] = log
    rows[DailySummary] = DailySummary.objects.get_or_create(
        patient=patient, day=world.entry.day, defaults={"daily_pain": 4}
    )[0]
    rows[FlareEpisode] = FlareEpisode.objects.create(
        patient=patient, start=dt.date(2026, 1, 5), baseline_at_start=2, peak=6
    )
    rows[OutboxMessage] = OutboxMessage.objects.create(
        kind="alert", recipients=["tess@example.test"], subject="Test", dedup_key="test-row"
    )
    rows[ReminderPreference] = ReminderPreference.objects.create(patient=world.other_patient)
    rows[ReminderDispatch] = ReminderDispatch.objects.filter(patient=patient).first()
    rows[AuditEvent] = AuditEvent.objects.create(action="view")
    # Its subscription removed (as after a 410): no unique pair to trip over.
    rows[PushDelivery] = PushDelivery.objects.create(
        dispatch=rows[ReminderDispatch], subscription=None
    )
    return rows


@pytest.fixture(scope="module")
def valid_rows(world, django_db_blocker):
    with django_db_blocker.unblock():
        return _valid_rows(world)


def _copy_for_insert(row: models.Model, values: dict) -> models.Model:
    """An unsaved copy of `row` with `values`, its unique fields made unique again."""
    model = type(row)
    fields = {
        f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields if not f.primary_key
    }
    copy = model(**fields)
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            setattr(copy, field.attname, _unique_value(field, row))
    for name, value in values.items():
        setattr(copy, name, value)
    return copy


def _unique_value(field: models.Field, row: models.Model):
    if isinstance(field, models.OneToOneField | models.ForeignKey):
        return getattr(row, field.attname)  # the check fires before the unique index
    if isinstance(field, models.EmailField):
        return f"copy-{timezone.now().timestamp()}@example.test"
    return f"copy-{timezone.now().timestamp()}"


def write_by_update(row: models.Model, values: dict) -> None:
    type(row).objects.filter(pk=row.pk).update(**values)


def write_by_raw_sql(row: models.Model, values: dict) -> None:
    model = type(row)
    quote = connection.ops.quote_name
    assignments, params = [], []
    for name, value in values.items():
        field = model._meta.get_field(name)
        assignments.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {', '.join(assignments)} WHERE {quote('id')} = %s",
            [*params, row.pk],
        )


def write_by_bulk_create(row: models.Model, values: dict) -> None:
    type(row).objects.bulk_create([_copy_for_insert(row, values)])


WRITERS: dict[str, Callable[[models.Model, dict], None]] = {
    "update()": write_by_update,
    "raw SQL UPDATE": write_by_raw_sql,
    "bulk_create()": write_by_bulk_create,
}


def cases():
    for name in sorted(VIOLATIONS):
        for how in WRITERS:
            yield pytest.param(name, how, id=f"{name} by {how}")


def test_every_check_constraint_has_a_violation():
    missing = sorted(set(CONSTRAINTS) - set(VIOLATIONS))
    assert not missing, f"Check constraints without a bypass case in VIOLATIONS: {missing}"
    assert not set(VIOLATIONS) - set(CONSTRAINTS), "VIOLATIONS names constraints that are gone"


@pytest.mark.parametrize(("name", "how"), list(cases()))
def test_the_database_refuses_a_write_that_skips_the_application(valid_rows, name, how):
    model = CONSTRAINTS[name]
    if model in INSERT_ONLY and how != "bulk_create()":
        pytest.skip("audit events are never updated (tests/audit/test_append_only.py)")
    row = valid_rows[model]
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        WRITERS[how](row, VIOLATIONS[name])
    assert name in str(error.value), f"refused, but not by {name}: {error.value}"


@pytest.mark.parametrize("how", list(WRITERS))
def test_the_same_writes_of_valid_values_succeed(valid_rows, how):
    # The refusals above come from the values, not from the way they are written.
    model = CONSTRAINTS["entry_pain_worst_at_least_now"]
    WRITERS[how](valid_rows[model], {"pain_now": 5, "pain_worst": 6, "notes": "x" * 2000})
    if how != "bulk_create()":
        valid_rows[model].refresh_from_db()
        assert (valid_rows[model].pain_now, valid_rows[model].pain_worst) == (5, 6)
