"""A log keeps what was prescribed: its plan item cannot be deleted alone, only with the patient."""

import pytest
from django.db.models import RestrictedError

from accounts.models import Patient
from care.services import dose_record
from exercises.models import ExerciseLog, Plan, PlanItem

pytestmark = pytest.mark.django_db


def test_a_logged_plan_item_cannot_be_deleted_on_its_own(patient, plan_version, glide):
    dose_record(patient, exercise=glide, pain_during=2, actor=patient.user)
    with pytest.raises(RestrictedError):
        PlanItem.objects.filter(exercise=glide).delete()


def test_deleting_a_patient_removes_their_plan_and_logs(patient, plan_version, glide):
    dose_record(patient, exercise=glide, pain_during=2, actor=patient.user)
    Patient.objects.filter(pk=patient.pk).delete()
    assert not ExerciseLog.objects.exists()
    assert not Plan.objects.exists()
