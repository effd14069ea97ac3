"""The pure engine keeps its own plain dataclasses and choice sets (it imports no Django), so
these tests hold them to the symptom models: the same field names and the same choices."""

from dataclasses import fields

import pytest

from redflags.engine.domain import (
    CONTEXTS,
    DESCRIPTORS,
    ENTRY_ANSWER_FIELDS,
    INTERVENTIONS,
    IS_FLARE_CHOICES,
    REGIONS,
    REST_RELIEF_CHOICES,
    WEAKNESS_ORDER,
    Intake,
    Session,
)
from symptoms.choices import (
    Context,
    Descriptor,
    Intervention,
    IsFlare,
    Region,
    RestRelief,
    Weakness,
)
from symptoms.field_lists import ENTRY_FIELDS, INTAKE_FIELDS, SESSION_FIELDS

#: Answers of an entry that no rule reads: the engine's Entry leaves them out.
NOT_FOR_THE_RULES = {"triggers", "helped", "sleep_disturbed", "notes"}


def test_the_engine_entry_carries_the_entry_answers_the_rules_read():
    assert [name for name in ENTRY_FIELDS if name in ENTRY_ANSWER_FIELDS] == list(
        ENTRY_ANSWER_FIELDS
    ), "the engine's Entry names a field the symptom entry does not have, or in another order"
    assert set(ENTRY_FIELDS) - set(ENTRY_ANSWER_FIELDS) == NOT_FOR_THE_RULES, (
        "a symptom entry field is missing from the engine's Entry: add it there (and to "
        "NOT_FOR_THE_RULES here if no rule is to read it)"
    )


def test_the_engine_intake_and_session_use_the_models_field_names():
    assert {f.name for f in fields(Intake)} <= set(INTAKE_FIELDS)
    assert {f.name for f in fields(Session)} - {"id", "day"} <= set(SESSION_FIELDS)


@pytest.mark.parametrize(
    ("engine", "choices"),
    [
        (CONTEXTS, Context),
        (REST_RELIEF_CHOICES, RestRelief),
        (IS_FLARE_CHOICES, IsFlare),
        (WEAKNESS_ORDER, Weakness),
        (DESCRIPTORS, Descriptor),
        (REGIONS, Region),
        (INTERVENTIONS, Intervention),
    ],
)
def test_the_engine_choices_are_the_models_choices(engine, choices):
    assert set(engine) == set(choices.values)


def test_the_weakness_order_is_the_models_order():
    assert tuple(Weakness.values) == WEAKNESS_ORDER
