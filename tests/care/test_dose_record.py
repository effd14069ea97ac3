"""care.services.dose_record: a dose logged with its traffic light and screened (R10) in one
transaction; validation, plan versions, idempotency."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from care.services import dose_record
from exercises.models import ExerciseLog, PlanItem
from exercises.services import plan_version_save
from exercises.traffic_light import Colour
from redflags.engine.params import RuleParams
from redflags.models import RuleSetVersion
from tests.exercises.conftest import NOW, TODAY, days_ago, item
from tests.factories import ExerciseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("exercises_clock")]


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
    stored = dose_record(patient, exercise=other, pain_during=1, actor=patient.user).log
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
        dose_record(patient, exercise=foreign, pain_during=1, actor=patient.user)
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

    monkeypatch.setattr("care.services.screen_exercise_log", screen)
    result = log(patient, glide_item(plan_version), pain_during=7)
    assert seen == [result.log.pk]
    assert result.alerts == ["R10 alert"]


def test_log_and_screening_commit_together_or_not_at_all(patient, plan_version, monkeypatch):
    def failing_screen(saved):
        raise RuntimeError("rule engine down")

    monkeypatch.setattr("care.services.screen_exercise_log", failing_screen)
    with pytest.raises(RuntimeError):
        log(patient, glide_item(plan_version))
    assert not ExerciseLog.objects.exists()


def test_the_light_uses_the_clinic_s_rule_set(patient, plan_version, clinic):
    tuned = RuleParams(exercise_green_max_pain=3, r10_red_pain_above=4)
    RuleSetVersion.objects.create(clinic=clinic, number=7, params=tuned.to_dict(), note="tuned")
    assert log(patient, glide_item(plan_version), pain_during=3).light.colour is Colour.GREEN
    assert log(patient, glide_item(plan_version), pain_during=5).light.colour is Colour.RED
