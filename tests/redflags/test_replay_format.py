"""The replay format checks a case's values with the models' own validation, so a change to a
model field (a validator, a choice, a rule of the model's clean()) reaches the replay of
clinical-safety cases without touching redflags/replay_format.py."""

import copy

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator

from exercises.field_lists import EXERCISE_LOG_FIELDS, PLAN_ITEM_FIELDS
from exercises.models import ExerciseLog, PlanItem
from redflags.replay_format import (
    ENTRY,
    EXERCISE_LOG,
    INTAKE,
    PLAN_ITEM,
    SESSION,
    CaseError,
    validate_case,
)
from symptoms.choices import Context
from symptoms.field_lists import ENTRY_FIELDS, INTAKE_FIELDS, SESSION_FIELDS
from symptoms.models import SymptomEntry

CASE = {
    "id": "F01",
    "intake": {"baseline_pain": 2},
    "entries": [{"day": 0, "context": "daily", "pain_now": 3, "pain_worst": 4}],
    "plan": [{"exercise": "glide", "sets": 3}],
    "exercise_logs": [{"day": 0, "exercise": "glide", "pain_during": 2}],
}


def case_with(**entry) -> dict:
    case = copy.deepcopy(CASE)
    case["entries"][0].update(entry)
    return case


def test_the_record_keys_are_the_model_lists_and_the_replays_own():
    assert set(INTAKE.fields) == set(INTAKE_FIELDS)
    assert set(SESSION.fields) == {"day", *SESSION_FIELDS} - {"date"}
    assert set(ENTRY.fields) == {"day", "time", *ENTRY_FIELDS}
    assert set(PLAN_ITEM.fields) == {"exercise", "start_day", "end_day", *PLAN_ITEM_FIELDS}
    assert set(EXERCISE_LOG.fields) == {"day", "time", "exercise", *EXERCISE_LOG_FIELDS}


def test_a_tighter_validator_on_the_model_is_seen_by_the_replay(monkeypatch):
    validate_case(case_with(pain_now=6, pain_worst=6))
    field = SymptomEntry._meta.get_field("pain_now")
    monkeypatch.setattr(field, "validators", [MinValueValidator(0), MaxValueValidator(5)])

    with pytest.raises(CaseError) as error:
        validate_case(case_with(pain_now=6, pain_worst=6))

    assert str(error.value) == (
        "F01: entries[0].pain_now: 6: Ensure this value is less than or equal to 5."
    )


def test_a_dosage_range_of_the_plan_item_model_is_seen_by_the_replay(monkeypatch):
    field = PlanItem._meta.get_field("sets")
    monkeypatch.setattr(field, "validators", [MinValueValidator(1), MaxValueValidator(2)])

    with pytest.raises(CaseError, match=r"F01: plan\[0\]\.sets: 3: .* less than or equal to 2"):
        validate_case(copy.deepcopy(CASE))


def test_a_choice_added_to_the_model_is_accepted_by_the_replay(monkeypatch):
    with pytest.raises(CaseError, match="is not a valid choice"):
        validate_case(case_with(context="evening"))
    field = SymptomEntry._meta.get_field("context")
    monkeypatch.setattr(field, "choices", [*Context.choices, ("evening", "Evening")])

    validate_case(case_with(context="evening"))


def test_a_choice_added_to_a_set_of_choices_is_accepted_by_the_replay(monkeypatch):
    with pytest.raises(CaseError, match="Unknown choice: left_knee"):
        validate_case(case_with(regions=["left_knee"]))
    field = SymptomEntry._meta.get_field("regions")
    monkeypatch.setattr(field, "choice_values", (*field.choice_values, "left_knee"))

    validate_case(case_with(regions=["left_knee"]))


def test_a_shorter_maximum_length_on_the_model_is_seen_by_the_replay(monkeypatch):
    case = copy.deepcopy(CASE)
    case["exercise_logs"][0]["note"] = "felt fine"
    validate_case(case)
    field = ExerciseLog._meta.get_field("note")
    monkeypatch.setattr(field, "validators", [MaxLengthValidator(4)])

    with pytest.raises(CaseError, match=r"exercise_logs\[0\]\.note: .*at most 4 characters"):
        validate_case(case)


def test_a_rule_of_the_models_clean_is_seen_by_the_replay(monkeypatch):
    def clean(self):
        if self.pain_now == 7:
            raise ValidationError({"pain_now": "Seven is not allowed today."})

    monkeypatch.setattr(SymptomEntry, "clean", clean)

    with pytest.raises(CaseError) as error:
        validate_case(case_with(pain_now=7, pain_worst=7))

    assert str(error.value) == "F01: entries[0].pain_now: 7: Seven is not allowed today."


def test_a_rule_of_the_models_clean_without_a_field_names_the_record(monkeypatch):
    def clean(self):
        raise ValidationError("Not on a Sunday.")

    monkeypatch.setattr(PlanItem, "clean", clean)

    with pytest.raises(CaseError) as error:
        validate_case(copy.deepcopy(CASE))

    assert str(error.value) == "F01: plan[0]: Not on a Sunday."


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        # The fields' own clean() would read these as 1, true and a one-letter text.
        ({"pain_now": True}, "F01: entries[0].pain_now: true is not a whole number"),
        ({"foot_drop": 1}, "F01: entries[0].foot_drop: 1 is not true or false"),
        ({"notes": ["a"]}, 'F01: entries[0].notes: ["a"] is not a string'),
        ({"regions": "left_foot"}, 'F01: entries[0].regions: must be a list, not "left_foot"'),
    ],
)
def test_the_json_type_is_checked_before_the_models_validation(entry, message):
    with pytest.raises(CaseError) as error:
        validate_case(case_with(**entry))

    assert str(error.value) == message
