"""The shared exercise library reads in Spanish for a Spanish-speaking patient
(exercises/library_text.py, locale/es/exercise_library.json)."""

from __future__ import annotations

import importlib

import pytest
from django.utils import translation

from exercises.library_text import in_reader_language, translations
from tests.factories import ExerciseFactory, PlanFactory, PlanItemFactory, PlanVersionFactory

LIBRARY = importlib.import_module("exercises.migrations.0003_library_exercises").EXERCISES
FIELDS = [
    "name",
    "starting_position",
    "movement",
    "should_feel",
    "should_not_feel",
    "when_to_stop",
    "precautions",
]


def test_every_text_of_the_library_has_its_spanish():
    spanish = translations("es")
    missing = [
        f"{exercise['slug']}.{field}"
        for exercise in LIBRARY
        for field in FIELDS
        if exercise.get(field) and not spanish.get(exercise[field], "").strip()
    ]
    assert len(LIBRARY) == 31
    assert missing == []


def test_the_spanish_file_has_nothing_the_library_does_not_say():
    texts = {exercise[field] for exercise in LIBRARY for field in FIELDS if exercise.get(field)}
    assert set(translations("es")) - texts == set()


def test_text_is_shown_as_written_in_english_or_without_a_translation():
    with translation.override("en"):
        assert in_reader_language("Bridge") == "Bridge"
    with translation.override("es"):
        assert in_reader_language("Bridge") == "Puente"
        assert in_reader_language("Our own wobble board routine") == "Our own wobble board routine"
        assert in_reader_language("") == ""


@pytest.mark.django_db
def test_a_spanish_patient_reads_their_exercises_in_spanish(spanish_patient, patient_client):
    bridge = next(e for e in LIBRARY if e["slug"] == "bridge")
    exercise = ExerciseFactory(**{field: bridge[field] for field in FIELDS}, slug="bridge-copy")
    own = ExerciseFactory(name="Tabla de equilibrio", movement="Mantén el equilibrio 30 segundos.")
    version = PlanVersionFactory(plan=PlanFactory(patient=spanish_patient), number=1)
    PlanItemFactory(version=version, exercise=exercise, order=1)
    PlanItemFactory(version=version, exercise=own, order=2)

    page = patient_client.get("/exercises/today/").content.decode()
    assert "Puente" in page
    assert "Aprieta los glúteos y sube las caderas" in page
    assert bridge["movement"] not in page
    assert "Tabla de equilibrio" in page  # the clinic's own text, as written
    printed = patient_client.get(f"/exercises/patients/{spanish_patient.pk}/plan/print/")
    assert "1. Puente" in printed.content.decode()
