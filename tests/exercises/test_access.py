"""Access helpers: library plus own clinic; plans and plan items follow the patient (404)."""

import pytest
from django.http import Http404

from exercises.access import (
    get_editable_exercise_for_user,
    get_exercise_for_user,
    get_plan_for_user,
    get_plan_item_for_patient,
)
from exercises.models import Exercise
from tests.factories import ExerciseFactory, TherapistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library_exercise(db):
    return Exercise.objects.filter(clinic__isnull=True).first()


def test_library_exercise_is_visible_to_every_clinic(therapist, other_clinic, library_exercise):
    outsider = TherapistFactory(clinic=other_clinic)
    assert get_exercise_for_user(therapist, library_exercise.pk) == library_exercise
    assert get_exercise_for_user(outsider, library_exercise.pk) == library_exercise


def test_clinic_exercise_is_visible_within_its_clinic_only(therapist, clinic_admin, other_clinic):
    own = ExerciseFactory(clinic=therapist.clinic)
    assert get_exercise_for_user(clinic_admin, own.pk) == own
    with pytest.raises(Http404):
        get_exercise_for_user(TherapistFactory(clinic=other_clinic), own.pk)


def test_only_the_clinic_s_own_exercises_are_editable(therapist, library_exercise, other_clinic):
    own = ExerciseFactory(clinic=therapist.clinic)
    assert get_editable_exercise_for_user(therapist, own.pk) == own
    with pytest.raises(Http404):
        get_editable_exercise_for_user(therapist, library_exercise.pk)
    with pytest.raises(Http404):
        get_editable_exercise_for_user(therapist, ExerciseFactory(clinic=other_clinic).pk)


def test_patients_cannot_edit_exercises(patient):
    own = ExerciseFactory(clinic=patient.clinic)
    with pytest.raises(Http404):
        get_editable_exercise_for_user(patient.user, own.pk)


def test_plan_is_visible_to_the_patient_and_their_therapist(patient, therapist, plan_version):
    assert get_plan_for_user(therapist, patient.pk) == plan_version.plan
    assert get_plan_for_user(patient.user, patient.pk) == plan_version.plan


@pytest.mark.parametrize("who", ["other_therapist", "other_clinic_admin"])
def test_plan_of_someone_else_s_patient_is_404(request, patient, plan_version, who):
    with pytest.raises(Http404):
        get_plan_for_user(request.getfixturevalue(who), patient.pk)


def test_another_patient_cannot_see_the_plan(patient, other_patient, plan_version):
    with pytest.raises(Http404):
        get_plan_for_user(other_patient.user, patient.pk)


def test_no_plan_yet_is_404(patient, therapist):
    with pytest.raises(Http404):
        get_plan_for_user(therapist, patient.pk)


def test_plan_item_of_another_patient_is_404(patient, other_patient, plan_version):
    mine = plan_version.items.first()
    assert get_plan_item_for_patient(patient, mine.pk) == mine
    with pytest.raises(Http404):
        get_plan_item_for_patient(other_patient, mine.pk)
