"""The shared exercise library loaded by the data migration (every install has it)."""

import pytest

from exercises.models import BodyArea, Exercise

pytestmark = pytest.mark.django_db

TEXT_FIELDS = [
    "starting_position",
    "movement",
    "should_feel",
    "should_not_feel",
    "when_to_stop",
    "precautions",
]
NAMED = [
    "sciatic-nerve-slider",
    "slump-slider",
    "femoral-nerve-slider",
    "median-nerve-glide",
    "ulnar-nerve-glide",
    "radial-nerve-glide",
    "lumbar-extension-in-lying",
    "pelvic-tilt",
    "bridge",
    "bird-dog",
    "cat-camel",
    "clamshell",
    "piriformis-stretch",
    "hamstring-stretch",
    "chin-tuck",
    "scapular-retraction",
    "wall-angel",
    "wrist-flexor-stretch",
    "wrist-extensor-stretch",
    "graded-walking",
]


def library():
    return Exercise.objects.filter(clinic__isnull=True)


def test_library_has_at_least_24_exercises():
    assert library().count() >= 24


def test_library_has_the_exercises_the_issue_names():
    assert set(NAMED) <= set(library().values_list("slug", flat=True))


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_every_library_exercise_has_plain_instructions(field):
    assert not library().filter(**{field: ""}).exists()


def test_library_covers_spine_arms_and_legs():
    areas = set(library().values_list("body_area", flat=True))
    assert {BodyArea.NECK, BodyArea.LOWER_BACK, BodyArea.ARM_HAND, BodyArea.LEG} <= areas


def test_library_dosages_are_within_the_plan_limits():
    for exercise in library():
        assert 1 <= exercise.default_sets <= 20
        assert 1 <= exercise.default_times_per_day <= 10
        assert 1 <= exercise.default_days_per_week <= 7


def test_library_speaks_to_the_patient():
    movement = library().get(slug="bridge").movement
    assert "your" in movement.lower()
