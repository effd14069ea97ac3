"""Selectors: plan items in force for R13, with where each prescription began."""

import pytest

from exercises.services import plan_version_save
from redflags.selectors import plan_items_for_day
from tests.factories import ExerciseFactory
from tests.redflags.conftest import day, moment

pytestmark = pytest.mark.django_db


def save(patient, therapist, items, start: int, end: int | None = None, *, on: int = 0):
    return plan_version_save(
        patient,
        items,
        day(start),
        None if end is None else day(end),
        "",
        therapist,
        now=moment(patient, on, "00:00"),
    )


def test_changing_one_exercise_keeps_when_the_others_began(patient, therapist):
    glide, bridge = ExerciseFactory(name="Glide"), ExerciseFactory(name="Bridge")
    save(patient, therapist, [{"exercise": glide}, {"exercise": bridge}], 0)
    save(
        patient,
        therapist,
        [{"exercise": glide}, {"exercise": bridge, "times_per_day": 2}],
        10,
        on=10,
    )

    items, named = plan_items_for_day(patient, day(12))

    assert {(i.exercise_key, i.start_day, i.times_per_day) for i in items} == {
        ("Glide", day(0), 1),
        ("Bridge", day(10), 2),
    }
    assert named == {glide.pk, bridge.pk}


def test_a_gap_between_versions_restarts_the_prescription(patient, therapist):
    glide = ExerciseFactory(name="Glide")
    save(patient, therapist, [{"exercise": glide}], 0, 5)
    save(patient, therapist, [{"exercise": glide}], 9, on=9)

    assert plan_items_for_day(patient, day(7))[0] == []
    [item], _named = plan_items_for_day(patient, day(12))
    assert (item.start_day, item.end_day) == (day(9), None)


def test_a_scheduled_version_ends_the_current_one_the_day_before(patient, therapist):
    glide, walk = ExerciseFactory(name="Glide"), ExerciseFactory(name="Walk")
    save(patient, therapist, [{"exercise": glide}], 0)
    save(patient, therapist, [{"exercise": walk}], 20, on=3)

    [item], named = plan_items_for_day(patient, day(5))

    assert (item.exercise_key, item.start_day, item.end_day) == ("Glide", day(0), day(19))
    assert named == {glide.pk, walk.pk}


def test_no_plan_means_no_items(patient):
    assert plan_items_for_day(patient, day(0)) == ([], set())
