"""Database constraints of symptom entries hold even when forms and services are bypassed."""

import pytest
from django.db import IntegrityError, transaction

from symptoms.models import Intake, PTSession, SymptomEntry
from tests.factories import PTSessionFactory, SymptomEntryFactory

pytestmark = pytest.mark.django_db


def refused(model, pk, **values) -> bool:
    """Whether the database refuses a raw UPDATE (no model validation runs)."""
    try:
        with transaction.atomic():
            model.objects.filter(pk=pk).update(**values)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "values",
    [
        {"pain_now": 11, "pain_worst": 11},
        {"pain_now": -1},
        {"pain_worst": 11},
        {"pain_now": 6, "pain_worst": 5},
        {"context": "tomorrow"},
        {"rest_relief": "sometimes"},
        {"weakness": "very"},
        {"is_flare": "perhaps"},
        {"notes": "x" * 2001},
        {"descriptors": ["burning", "sparkly"]},
        {"descriptors": "burning"},
        {"descriptors": [1]},
        {"regions": ["left_wing"]},
        {"regions": [["left_thigh"]]},
        {"triggers": ["skydiving"]},
        {"helped": [""]},
        {"helped": {"heat": True}},
    ],
)
def test_the_database_refuses_an_invalid_entry(patient, values):
    entry = SymptomEntryFactory(patient=patient, pain_now=3, pain_worst=4)
    assert refused(SymptomEntry, entry.pk, **values)


@pytest.mark.parametrize(
    "values",
    [
        {"pain_now": 0, "pain_worst": 0},
        {"pain_now": 10, "pain_worst": 10},
        {"notes": "x" * 2000},
        {"descriptors": []},
        {"descriptors": ["burning", "electric_shock", "pins_and_needles"]},
        {"regions": ["left_thigh", "right_lower_leg", "upper_back"]},
        {"triggers": ["sleep_position"], "helped": ["gentle_movement", "nothing"]},
    ],
)
def test_the_database_accepts_valid_entries(patient, values):
    entry = SymptomEntryFactory(patient=patient, pain_now=3, pain_worst=4)
    assert not refused(SymptomEntry, entry.pk, **values)


def test_the_database_refuses_unknown_session_interventions(patient):
    session = PTSessionFactory(patient=patient)
    assert refused(PTSession, session.pk, interventions=["reiki"])
    assert not refused(PTSession, session.pk, interventions=["dry_needling"])


def test_the_database_refuses_unknown_intake_regions(patient):
    assert refused(Intake, patient.intake.pk, baseline_regions=["tail"])
    assert not refused(Intake, patient.intake.pk, baseline_regions=["left_foot", "right_foot"])


def test_sets_are_stored_sorted_without_repeats(patient):
    entry = SymptomEntryFactory(patient=patient, descriptors=["tingling", "burning", "tingling"])
    entry.refresh_from_db()
    assert entry.descriptors == ["burning", "tingling"]
