"""Each field list of the data dictionary is defined once (symptoms/field_lists.py): a field
added to a model must join its list or its bookkeeping, and the forms ask exactly the list."""

import pytest

from symptoms.choices import CHOICE_SETS
from symptoms.clinic_forms import IntakeForm, PTSessionForm
from symptoms.field_lists import (
    ENTRY_BOOKKEEPING,
    ENTRY_FIELDS,
    ENTRY_FLAG_FIELDS,
    ENTRY_SCREENING_FIELDS,
    ENTRY_SET_FIELDS,
    INTAKE_BOOKKEEPING,
    INTAKE_FIELDS,
    SESSION_BOOKKEEPING,
    SESSION_FIELDS,
    fields_of_kind,
)
from symptoms.fields import ChoiceSetField
from symptoms.forms import SymptomEntryForm
from symptoms.models import Intake, PTSession, SymptomEntry
from tests.model_fields import model_field_names

LISTS = [
    (SymptomEntry, ENTRY_FIELDS, ENTRY_BOOKKEEPING),
    (Intake, INTAKE_FIELDS, INTAKE_BOOKKEEPING),
    (PTSession, SESSION_FIELDS, SESSION_BOOKKEEPING),
]


@pytest.mark.parametrize(("model", "names", "bookkeeping"), LISTS)
def test_every_model_field_is_in_its_list_or_its_bookkeeping(model, names, bookkeeping):
    fields = model_field_names(model)
    unlisted = [name for name in fields if name not in names and name not in bookkeeping]
    assert not unlisted, (
        f"{model.__name__} has fields in neither its list nor its bookkeeping: {unlisted}; "
        "add them to symptoms/field_lists.py"
    )


@pytest.mark.parametrize(("model", "names", "bookkeeping"), LISTS)
def test_every_listed_name_is_a_field_of_the_model(model, names, bookkeeping):
    fields = set(model_field_names(model))
    assert [name for name in (*names, *sorted(bookkeeping)) if name not in fields] == []
    assert not set(names) & bookkeeping


@pytest.mark.parametrize(("model", "names", "bookkeeping"), LISTS)
def test_a_list_is_in_the_order_of_the_model(model, names, bookkeeping):
    assert [name for name in model_field_names(model) if name in names] == list(names)


def test_the_kinds_of_entry_answer_come_from_the_model():
    assert ENTRY_SET_FIELDS == ("descriptors", "regions", "triggers", "helped")
    assert (
        "foot_drop",
        "nerve_symptoms_limit_activities",
        *ENTRY_SCREENING_FIELDS,
        "sleep_disturbed",
    ) == ENTRY_FLAG_FIELDS
    assert len(ENTRY_SCREENING_FIELDS) == 6


def test_the_entry_form_asks_every_answer_of_the_list():
    form_only = {"screening_none", "idempotency_key", "no_session", "logged_at"}
    assert set(SymptomEntryForm.base_fields) - form_only == set(ENTRY_FIELDS)


def test_the_intake_form_asks_the_intake_list_in_order():
    assert tuple(IntakeForm.base_fields) == INTAKE_FIELDS


def test_the_session_form_asks_the_session_list_in_order():
    assert tuple(PTSessionForm.base_fields) == SESSION_FIELDS


@pytest.mark.parametrize(("model", "names", "bookkeeping"), LISTS)
def test_every_set_of_choices_has_its_labels_by_field_name(model, names, bookkeeping):
    for name in fields_of_kind(model, names, ChoiceSetField):
        field = model._meta.get_field(name)
        assert tuple(CHOICE_SETS[name].values) == field.choice_values, name
