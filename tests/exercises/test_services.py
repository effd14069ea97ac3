"""Services: exercise logs (validation, versions, idempotency, screening) and plan versions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from exercises.models import Exercise, ExerciseLog, Plan, PlanItem, PlanVersion
from exercises.services import (
    exercise_create,
    exercise_log_create,
    exercise_update,
    plan_version_save,
)
from exercises.traffic_light import Colour
from tests.exercises.conftest import NOW, TODAY, days_ago, item
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
    return exercise_log_create(patient, plan_item=plan_item, **{**values, **kwargs})


def glide_item(version):
    return version.items.get(exercise__slug="test-sciatic-glide")


# --- exercise_log_create -------------------------------------------------------------------------


def test_log_stores_one_dose_for_today_with_its_light(patient, plan_version):
    result = log(patient, glide_item(plan_version), pain_during=4, difficulty="hard", sets_done=3)
    stored = ExerciseLog.objects.get()
    assert result.log == stored
    assert (stored.day, stored.pain_during, stored.difficulty, stored.sets_done) == (
        TODAY,
        4,
        "hard",
        3,
    )
    assert stored.logged_at == NOW
    assert result.light.colour is Colour.AMBER
    assert result.duplicate is False


def test_log_with_pain_6_gets_the_red_light(patient, plan_version):
    assert log(patient, glide_item(plan_version), pain_during=6).light.colour is Colour.RED


def test_log_points_at_the_item_of_the_version_in_force(patient, plan_version):
    stored = log(patient, glide_item(plan_version)).log
    assert stored.plan_item.version == plan_version
    assert stored.exercise.slug == "test-sciatic-glide"


def test_log_keeps_its_version_when_the_plan_changes(
    patient, therapist, plan_version, glide, bridge
):
    first = log(patient, glide_item(plan_version)).log
    revised = plan_version_save(
        patient,
        [item(glide, times_per_day=3)],
        start_date=TODAY,
        end_date=None,
        note="",
        actor=therapist,
    )
    first.refresh_from_db()
    assert revised.number == 2
    assert first.plan_item.version == plan_version
    assert PlanItem.objects.filter(version=plan_version).count() == 2


def test_log_after_a_change_points_at_the_new_version_even_from_an_old_page(
    patient, therapist, plan_version, glide
):
    old_item = glide_item(plan_version)
    revised = plan_version_save(
        patient, [item(glide)], start_date=TODAY, end_date=None, note="", actor=therapist
    )
    stored = log(patient, old_item).log
    assert stored.plan_item.version == revised


def test_log_of_an_exercise_the_plan_does_not_name_has_no_item(patient, plan_version):
    other = ExerciseFactory()
    stored = exercise_log_create(patient, exercise=other, pain_during=1, actor=patient.user).log
    assert stored.plan_item is None
    assert stored.exercise == other


def test_log_for_an_earlier_day_is_placed_at_midday_that_day(patient, plan_version):
    stored = log(patient, glide_item(plan_version), day=days_ago(2)).log
    assert stored.day == days_ago(2)
    assert stored.logged_at == dt.datetime.combine(days_ago(2), dt.time(12), tzinfo=NOW.tzinfo)


@pytest.mark.parametrize("pain", [-1, 11, 99])
def test_pain_out_of_range_is_an_error_and_stores_nothing(patient, plan_version, pain):
    with pytest.raises(ValidationError) as error:
        log(patient, glide_item(plan_version), pain_during=pain)
    assert "pain_during" in error.value.message_dict or error.value.messages
    assert not ExerciseLog.objects.exists()


def test_negative_sets_are_an_error_and_store_nothing(patient, plan_version):
    with pytest.raises(ValidationError) as error:
        log(patient, glide_item(plan_version), sets_done=-1)
    assert "sets_done" in error.value.message_dict
    assert not ExerciseLog.objects.exists()


def test_unknown_difficulty_is_an_error(patient, plan_version):
    with pytest.raises(ValidationError):
        log(patient, glide_item(plan_version), difficulty="impossible")
    assert not ExerciseLog.objects.exists()


def test_exercise_from_another_clinic_is_an_error(patient, plan_version, other_clinic):
    foreign = ExerciseFactory(clinic=other_clinic)
    with pytest.raises(ValidationError) as error:
        exercise_log_create(patient, exercise=foreign, pain_during=1, actor=patient.user)
    assert "exercise" in error.value.message_dict
    assert not ExerciseLog.objects.exists()


def test_plan_item_of_another_patient_is_an_error(patient, other_patient, therapist, glide):
    theirs = plan_version_save(other_patient, [item(glide)], TODAY, None, "", therapist)
    with pytest.raises(ValidationError) as error:
        log(patient, theirs.items.get())
    assert "plan_item" in error.value.message_dict
    assert not ExerciseLog.objects.exists()


def test_a_day_that_has_not_come_yet_is_an_error(patient, plan_version):
    with pytest.raises(ValidationError):
        log(patient, glide_item(plan_version), day=TODAY + dt.timedelta(days=1))
    assert not ExerciseLog.objects.exists()


def test_the_same_idempotency_key_stores_one_log(patient, plan_version):
    first = log(patient, glide_item(plan_version), pain_during=6, idempotency_key="k-1")
    second = log(patient, glide_item(plan_version), pain_during=6, idempotency_key="k-1")
    assert ExerciseLog.objects.count() == 1
    assert second.duplicate is True
    assert second.log == first.log
    assert second.light.colour is Colour.RED


def test_different_keys_store_two_logs(patient, plan_version):
    log(patient, glide_item(plan_version), idempotency_key="k-1")
    log(patient, glide_item(plan_version), idempotency_key="k-2")
    assert ExerciseLog.objects.count() == 2


def test_screening_gets_the_saved_log_and_its_alerts_are_returned(
    patient, plan_version, monkeypatch
):
    seen = []

    def screen(saved):
        seen.append(saved.pk)
        return ["R10 alert"]

    monkeypatch.setattr("redflags.screening.screen_exercise_log", screen)
    result = log(patient, glide_item(plan_version), pain_during=7)
    assert seen == [result.log.pk]
    assert result.alerts == ["R10 alert"]


def test_log_and_screening_commit_together_or_not_at_all(patient, plan_version, monkeypatch):
    def failing_screen(saved):
        raise RuntimeError("rule engine down")

    monkeypatch.setattr("redflags.screening.screen_exercise_log", failing_screen)
    with pytest.raises(RuntimeError):
        log(patient, glide_item(plan_version))
    assert not ExerciseLog.objects.exists()


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


def test_the_light_uses_the_clinic_s_rule_set(patient, plan_version, clinic):
    from redflags.engine.params import RuleParams
    from redflags.models import RuleSetVersion

    tuned = RuleParams(exercise_green_max_pain=3, r10_red_pain_above=4)
    RuleSetVersion.objects.create(clinic=clinic, number=7, params=tuned.to_dict(), note="tuned")
    assert log(patient, glide_item(plan_version), pain_during=3).light.colour is Colour.GREEN
    assert log(patient, glide_item(plan_version), pain_during=5).light.colour is Colour.RED
