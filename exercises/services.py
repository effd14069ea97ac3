"""Writes for the exercise library, plans and exercise logs.

Each service validates (``full_clean``) and saves inside ``transaction.atomic()``; an exercise
log and the alerts it raises commit together or not at all (STYLE.md, "Where logic lives").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Clinic, Patient, User

from .field_lists import EXERCISE_FIELDS, PLAN_ITEM_FIELDS
from .models import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    Exercise,
    ExerciseLog,
    Plan,
    PlanItem,
    PlanVersion,
)
from .selectors import current_version, latest_version

# --- Exercise library ----------------------------------------------------------------------------


def _unique_slug(clinic: Clinic, name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:120] or "exercise"
    same_start = Exercise.objects.filter(clinic=clinic, slug__startswith=base)
    if exclude_pk is not None:
        same_start = same_start.exclude(pk=exclude_pk)
    taken = set(same_start.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def exercise_create(clinic: Clinic, data: Mapping[str, Any], *, actor: User) -> Exercise:
    """Add an exercise to a clinic's own library (visible within that clinic only)."""
    exercise = Exercise(
        clinic=clinic, created_by=actor, **{k: data[k] for k in EXERCISE_FIELDS if k in data}
    )
    exercise.slug = _unique_slug(clinic, exercise.name)
    exercise.full_clean()
    exercise.save()
    return exercise


def exercise_update(exercise: Exercise, data: Mapping[str, Any], *, actor: User) -> Exercise:
    """Edit a clinic's own exercise; the shared library is read-only."""
    clinic = exercise.clinic
    if clinic is None:  # the shared library (Exercise.is_library)
        raise ValidationError(
            _("Library exercises cannot be changed. Make a copy for your clinic.")
        )
    for name in EXERCISE_FIELDS:
        if name in data:
            setattr(exercise, name, data[name])
    exercise.slug = _unique_slug(clinic, exercise.name, exclude_pk=exercise.pk)
    exercise.full_clean()
    exercise.save()
    return exercise


# --- Plans ---------------------------------------------------------------------------------------


def _complete_row(values: Mapping[str, Any], exercise: Exercise) -> dict[str, Any]:
    """A row's dosage with what was left out taken from the exercise's usual dosage."""
    usual = exercise.default_dosage()
    return {
        name: usual[name] if values.get(name) is None else values[name] for name in PLAN_ITEM_FIELDS
    }


def plan_version_save(
    plan_or_patient: Plan | Patient,
    items: Sequence[Mapping[str, Any]],
    start_date: dt.date,
    end_date: dt.date | None,
    note: str,
    actor: User | None,
    *,
    now: dt.datetime | None = None,
) -> PlanVersion:
    """Save what the therapist prescribed as a new version of the patient's plan.

    ``items`` are dicts with ``exercise`` (an Exercise or its id) and the dosage fields, in
    order. Every save that changes something makes a new version (spec.md section 2); saving
    the latest version unchanged returns it. A revision starts today or later, never before the
    version it replaces, so the past stays as it was prescribed and each log keeps pointing at
    the version that was in force. ``now`` stands in for the clock (the demo seeder's past).
    """
    now = now or timezone.now()
    plan, patient = _plan_and_patient(plan_or_patient)
    today = patient.local_day(now)
    note = note or ""
    exercise_ids = [
        item["exercise"].pk if isinstance(item["exercise"], Exercise) else item["exercise"]
        for item in items
    ]
    available = {exercise.pk: exercise for exercise in Exercise.objects.filter(pk__in=exercise_ids)}
    errors = _draft_errors(patient, exercise_ids, available, start_date, end_date)

    previous = latest_version(plan)
    rows = []
    if not errors:
        rows = [
            _complete_row(values, available[exercise_id])
            for exercise_id, values in zip(exercise_ids, items, strict=True)
        ]
        if previous is not None and _unchanged(
            previous, rows, exercise_ids, start_date, end_date, note, today
        ):
            return previous
    if previous is not None and (date_errors := _start_date_errors(previous, start_date, today)):
        errors["start_date"] = date_errors
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        version = _version_create(
            plan or Plan.objects.create(patient=patient, created_by=actor, created_at=now),
            start_date=start_date,
            end_date=end_date,
            note=note,
            actor=actor,
            now=now,
        )
        _items_create(version, exercise_ids, rows)
    return version


def _plan_and_patient(plan_or_patient: Plan | Patient) -> tuple[Plan | None, Patient]:
    """The patient's plan (None before the first save) and the patient."""
    if isinstance(plan_or_patient, Plan):
        return plan_or_patient, plan_or_patient.patient
    return Plan.objects.filter(patient=plan_or_patient).first(), plan_or_patient


def _draft_errors(
    patient: Patient,
    exercise_ids: list[int],
    available: Mapping[int, Exercise],
    start_date: dt.date,
    end_date: dt.date | None,
) -> dict[str, list[str]]:
    """What is wrong with the draft on its own, before comparing it with the latest version:
    no exercise, an exercise outside the patient's clinic's library, one exercise twice, or an
    end before the start."""
    item_errors = []
    if not exercise_ids:
        item_errors.append(_("Add at least one exercise to the plan."))
    for exercise_id in exercise_ids:
        exercise = available.get(exercise_id)
        if exercise is None or exercise.clinic_id not in (None, patient.clinic_id):
            item_errors.append(_("That exercise is not in your clinic's library."))
    if len(set(exercise_ids)) != len(exercise_ids):
        item_errors.append(_("Each exercise can be in the plan only once."))
    errors = {"items": item_errors} if item_errors else {}
    if end_date is not None and end_date < start_date:
        errors["end_date"] = [_("The end date must be on or after the start date.")]
    return errors


def _start_date_errors(previous: PlanVersion, start_date: dt.date, today: dt.date) -> list[str]:
    """A revision starts today or later, and never before the version it replaces."""
    if start_date < previous.start_date:
        return [
            _("A change cannot start before the version it replaces (%(date)s).")
            % {"date": previous.start_date.isoformat()}
        ]
    if start_date < today:
        return [_("A change to the plan starts today or later, so the past stays as it was.")]
    return []


def _version_create(
    plan: Plan,
    *,
    start_date: dt.date,
    end_date: dt.date | None,
    note: str,
    actor: User | None,
    now: dt.datetime,
) -> PlanVersion:
    """The plan's next version; call inside a transaction."""
    # Lock the plan row so two saves at once cannot take the same version number.
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    number = (plan.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = PlanVersion(
        plan=plan,
        number=number,
        start_date=start_date,
        end_date=end_date,
        note_to_patient=note,
        created_by=actor,
        created_at=now,
    )
    version.full_clean()
    version.save()
    return version


def _items_create(
    version: PlanVersion, exercise_ids: list[int], rows: list[dict[str, Any]]
) -> None:
    """The version's items, in order, in one insert; call inside a transaction."""
    plan_items = []
    for order, (exercise_id, values) in enumerate(zip(exercise_ids, rows, strict=True)):
        plan_item = PlanItem(version=version, exercise_id=exercise_id, order=order, **values)
        # Field validators cover the dosage ranges; the check constraints back them up in
        # the database without a validation query per row.
        plan_item.full_clean(
            exclude=["version", "exercise"], validate_unique=False, validate_constraints=False
        )
        plan_items.append(plan_item)
    PlanItem.objects.bulk_create(plan_items)


def _unchanged(
    previous: PlanVersion, rows, exercise_ids, start_date, end_date, note, today
) -> bool:
    """Nothing to save: the same prescription with the same start, or a later start for a
    version that is already running (re-saving an open plan dated today changes nothing)."""
    if (previous.end_date, previous.note_to_patient) != (end_date, note):
        return False
    if start_date != previous.start_date and not (previous.start_date <= today <= start_date):
        return False
    before = [
        (item.exercise_id, {name: getattr(item, name) for name in PLAN_ITEM_FIELDS})
        for item in previous.items.order_by("order", "id")
    ]
    return before == list(zip(exercise_ids, rows, strict=True))


# --- Exercise logs -------------------------------------------------------------------------------


def exercise_log_for_key(patient: Patient, idempotency_key: str) -> ExerciseLog | None:
    """The dose already logged with this form's idempotency key, if any (a double tap)."""
    if not idempotency_key:
        return None
    return ExerciseLog.objects.filter(patient=patient, idempotency_key=idempotency_key).first()


def _noon(patient: Patient, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=patient.zone)


def item_in_force(patient: Patient, day: dt.date, exercise: Exercise) -> PlanItem | None:
    version = current_version(patient, day)
    if version is None:
        return None
    return version.items.filter(exercise=exercise).first()


def exercise_log_prepare(
    patient: Patient,
    *,
    plan_item: PlanItem | None = None,
    exercise: Exercise | None = None,
    day: dt.date | None = None,
    logged_at: dt.datetime | None = None,
    sets_done: int | None = 0,
    pain_during: int,
    difficulty: str = "ok",
    note: str = "",
    idempotency_key: str = "",
    actor: User | None,
) -> ExerciseLog:
    """One dose of one exercise, validated but not saved.

    The log points at the plan item of the version in force on its day for that exercise (or at
    none, for an exercise the plan does not name), whichever item the form sent. Saving it and
    screening it against the rule set (R10) is one use case: care.services.dose_log.
    """
    if plan_item is not None:
        if plan_item.version.plan.patient_id != patient.pk:
            raise ValidationError({"plan_item": _("This exercise is not in your plan.")})
        if exercise is not None and exercise.pk != plan_item.exercise_id:
            raise ValidationError({"exercise": _("The exercise does not match the plan item.")})
        exercise = plan_item.exercise
    if exercise is None:
        raise ValidationError({"exercise": _("Choose an exercise.")})
    if exercise.clinic_id not in (None, patient.clinic_id):
        raise ValidationError({"exercise": _("That exercise is not in your clinic's library.")})

    now = timezone.now()
    if logged_at is None:
        logged_at = now if day is None or day == patient.local_day(now) else _noon(patient, day)
    day = patient.local_day(logged_at)
    if day > patient.local_day(now):
        raise ValidationError({"day": _("You cannot log a dose for a day that has not come yet.")})

    log = ExerciseLog(
        patient=patient,
        exercise=exercise,
        plan_item=item_in_force(patient, day, exercise),
        logged_at=logged_at,
        day=day,
        sets_done=0 if sets_done is None else sets_done,
        pain_during=pain_during,
        difficulty=difficulty,
        note=note or "",
        idempotency_key=idempotency_key or "",
        created_at=now,
    )
    if len(log.idempotency_key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ValidationError(
            {"idempotency_key": _("This form has expired. Please reload the page.")}
        )
    # Field validators check the values (the check constraints back them up in the database);
    # the related rows were loaded and checked above. The key's uniqueness is left to the
    # database (caught below): a validation query could pass for both of two simultaneous taps.
    log.full_clean(
        exclude=["idempotency_key", "patient", "exercise", "plan_item"],
        validate_unique=False,
        validate_constraints=False,
    )
    return log
