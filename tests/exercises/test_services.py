"""Services: plan versions and clinic exercises."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from care.services import dose_record
from exercises.models import Exercise, Plan, PlanItem, PlanVersion
from exercises.services import exercise_create, exercise_update, plan_version_save
from tests.exercises.conftest import TODAY, days_ago, item
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db


def log(patient, plan_item=None, **kwargs):
    values = {
        "pain_during": 2,
        "difficulty": "ok",
        "sets_done": 2,
        "note": "",
        "actor": patient.user,
    }
    return dose_record(patient, plan_item=plan_item, **{**values, **kwargs})


def glide_item(version):
    return version.items.get(exercise__slug="test-sciatic-glide")


# --- plan_version_save ---------------------------------------------------------------------------


def test_first_save_creates_the_plan_and_version_1_in_order(patient, plan_version, therapist):
    plan = Plan.objects.get(patient=patient)
    assert plan_version.plan == plan
    assert plan_version.number == 1
    assert plan_version.created_by == therapist
    names = [i.exercise.name for i in plan_version.items.all()]
    assert names == ["Sciatic glide", "Bridge"]
    assert [i.times_per_day for i in plan_version.items.all()] == [2, 1]


def test_every_saved_change_makes_a_new_version_and_keeps_the_old(
    patient, therapist, plan_version, glide
):
    second = plan_version_save(patient, [item(glide, reps=12)], TODAY, None, "", therapist)
    third = plan_version_save(second.plan, [item(glide, reps=15)], TODAY, None, "", therapist)
    assert [v.number for v in PlanVersion.objects.order_by("number")] == [1, 2, 3]
    assert third.items.get().reps == 15
    assert second.items.get().reps == 12
    assert plan_version.items.count() == 2


def test_saving_without_a_change_makes_no_new_version(
    patient, therapist, plan_version, glide, bridge
):
    again = plan_version_save(
        patient,
        [item(glide, times_per_day=2), item(bridge)],
        days_ago(10),
        None,
        "Little and often.",
        therapist,
    )
    assert again == plan_version
    assert PlanVersion.objects.count() == 1


def test_a_change_cannot_start_in_the_past(patient, therapist, plan_version, glide):
    with pytest.raises(ValidationError) as error:
        plan_version_save(patient, [item(glide)], days_ago(1), None, "", therapist)
    assert "start_date" in error.value.message_dict
    assert PlanVersion.objects.count() == 1


def test_a_change_cannot_start_before_a_future_version(patient, therapist, plan_version, glide):
    plan_version_save(patient, [item(glide)], TODAY + dt.timedelta(days=7), None, "", therapist)
    with pytest.raises(ValidationError):
        plan_version_save(patient, [item(glide, reps=5)], TODAY, None, "", therapist)
    assert PlanVersion.objects.count() == 2


def test_exercise_from_another_clinic_cannot_be_prescribed(patient, therapist, other_clinic):
    foreign = ExerciseFactory(clinic=other_clinic)
    with pytest.raises(ValidationError) as error:
        plan_version_save(patient, [item(foreign)], TODAY, None, "", therapist)
    assert "items" in error.value.message_dict
    assert not Plan.objects.exists()


def test_the_clinic_s_own_exercise_can_be_prescribed(patient, therapist, clinic):
    own = ExerciseFactory(clinic=clinic)
    version = plan_version_save(patient, [item(own.pk)], TODAY, None, "", therapist)
    assert version.items.get().exercise == own


def test_the_same_exercise_twice_is_an_error(patient, therapist, glide):
    with pytest.raises(ValidationError):
        plan_version_save(patient, [item(glide), item(glide)], TODAY, None, "", therapist)
    assert not PlanVersion.objects.exists()


def test_a_plan_needs_an_exercise(patient, therapist):
    with pytest.raises(ValidationError):
        plan_version_save(patient, [], TODAY, None, "", therapist)


def test_end_before_start_is_an_error(patient, therapist, glide):
    with pytest.raises(ValidationError) as error:
        plan_version_save(patient, [item(glide)], TODAY, days_ago(1), "", therapist)
    assert "end_date" in error.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"), [("sets", 0), ("days_per_week", 8), ("times_per_day", 0), ("reps", 500)]
)
def test_dosage_out_of_range_stores_nothing(patient, therapist, glide, field, value):
    with pytest.raises(ValidationError):
        plan_version_save(patient, [item(glide, **{field: value})], TODAY, None, "", therapist)
    assert not PlanVersion.objects.exists()
    assert not PlanItem.objects.exists()


# --- clinic exercises ----------------------------------------------------------------------------


def test_clinic_exercise_gets_a_unique_slug(clinic, therapist):
    data = {"name": "Nerve floss", "body_area": "leg", "movement": "Slide gently."}
    first = exercise_create(clinic, data, actor=therapist)
    second = exercise_create(clinic, data, actor=therapist)
    assert (first.slug, second.slug) == ("nerve-floss", "nerve-floss-2")
    assert first.clinic == clinic
    assert first.created_by == therapist


def test_library_exercise_cannot_be_updated(therapist):
    library = Exercise.objects.filter(clinic__isnull=True).first()
    with pytest.raises(ValidationError):
        exercise_update(library, {"name": "Changed"}, actor=therapist)
    library.refresh_from_db()
    assert library.name != "Changed"


def test_resaving_an_open_plan_from_today_changes_nothing(
    patient, therapist, plan_version, glide, bridge
):
    items = [item(glide, times_per_day=2), item(bridge)]
    again = plan_version_save(patient, items, TODAY, None, "Little and often.", therapist)
    assert again == plan_version
    assert PlanVersion.objects.count() == 1


def test_moving_a_future_version_is_a_change(patient, therapist, plan_version, glide):
    later = TODAY + dt.timedelta(days=7)
    future = plan_version_save(patient, [item(glide)], later, None, "", therapist)
    moved = plan_version_save(
        patient, [item(glide)], later + dt.timedelta(days=1), None, "", therapist
    )
    assert moved.number == future.number + 1


def test_dosage_left_out_is_the_exercise_s_usual_dosage(patient, therapist):
    walking = Exercise.objects.get(clinic__isnull=True, slug="graded-walking")
    version = plan_version_save(
        patient, [{"exercise": walking, "days_per_week": 3}], TODAY, None, "", therapist
    )
    saved = version.items.get()
    assert (saved.sets, saved.reps, saved.days_per_week) == (
        walking.default_sets,
        walking.default_reps,
        3,
    )
