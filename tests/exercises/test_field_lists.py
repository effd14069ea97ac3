"""Each field list of exercises, plan items and exercise logs is defined once
(exercises/field_lists.py): a field added to a model must join its list or its bookkeeping."""

import pytest

from exercises.field_lists import (
    EXERCISE_BOOKKEEPING,
    EXERCISE_FIELDS,
    EXERCISE_LOG_BOOKKEEPING,
    EXERCISE_LOG_FIELDS,
    PLAN_ITEM_BOOKKEEPING,
    PLAN_ITEM_FIELDS,
)
from exercises.forms import DoseLogForm, ExerciseForm, PlanItemForm
from exercises.models import Exercise, ExerciseLog, PlanItem
from tests.model_fields import model_field_names

LISTS = [
    (Exercise, EXERCISE_FIELDS, EXERCISE_BOOKKEEPING),
    (PlanItem, PLAN_ITEM_FIELDS, PLAN_ITEM_BOOKKEEPING),
    (ExerciseLog, EXERCISE_LOG_FIELDS, EXERCISE_LOG_BOOKKEEPING),
]


@pytest.mark.parametrize(("model", "names", "bookkeeping"), LISTS)
def test_every_model_field_is_in_its_list_or_its_bookkeeping(model, names, bookkeeping):
    fields = model_field_names(model)
    unlisted = [name for name in fields if name not in names and name not in bookkeeping]
    assert not unlisted, (
        f"{model.__name__} has fields in neither its list nor its bookkeeping: {unlisted}; "
        "add them to exercises/field_lists.py"
    )


@pytest.mark.parametrize(("model", "names", "bookkeeping"), LISTS)
def test_every_listed_name_is_a_field_of_the_model(model, names, bookkeeping):
    fields = set(model_field_names(model))
    assert [name for name in (*names, *sorted(bookkeeping)) if name not in fields] == []
    assert not set(names) & bookkeeping


@pytest.mark.parametrize(("model", "names", "bookkeeping"), LISTS)
def test_a_list_is_in_the_order_of_the_model(model, names, bookkeeping):
    assert [name for name in model_field_names(model) if name in names] == list(names)


def test_the_forms_ask_the_lists():
    assert tuple(ExerciseForm.base_fields) == EXERCISE_FIELDS
    assert tuple(PlanItemForm.base_fields) == ("exercise", *PLAN_ITEM_FIELDS)
    assert set(DoseLogForm.base_fields) - {"idempotency_key"} == set(EXERCISE_LOG_FIELDS)


def test_a_new_plan_item_starts_from_the_exercises_usual_dosage():
    exercise = Exercise(
        default_sets=3,
        default_reps=12,
        default_hold_seconds=5,
        default_times_per_day=2,
        default_days_per_week=5,
    )
    assert exercise.default_dosage() == {
        "sets": 3,
        "reps": 12,
        "hold_seconds": 5,
        "times_per_day": 2,
        "days_per_week": 5,
        "instructions": "",
    }
