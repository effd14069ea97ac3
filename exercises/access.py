"""Access helpers for the exercise library and plans: what a user may see, else 404.

Library exercises (clinic empty) are visible to everyone signed in to a clinic; a clinic's own
exercises only within that clinic. Plans follow the patient (accounts.access).
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import get_patient_for_user
from accounts.models import Clinic, Patient, User

from .models import Exercise, Plan, PlanItem


def exercises_for_clinic(clinic: Clinic | int | None) -> QuerySet[Exercise]:
    """The shared library plus the clinic's own exercises."""
    clinic_id = clinic.pk if isinstance(clinic, Clinic) else clinic
    return Exercise.objects.filter(Q(clinic__isnull=True) | Q(clinic_id=clinic_id))


def exercises_for_user(user: User) -> QuerySet[Exercise]:
    if not user.is_authenticated or not user.is_active or not user.clinic_id:
        return Exercise.objects.none()
    return exercises_for_clinic(user.clinic_id)


def get_exercise_for_user(user: User, pk: int) -> Exercise:
    """A library exercise or one of the user's clinic's own; 404 for other clinics'."""
    return get_object_or_404(exercises_for_user(user), pk=pk)


def get_editable_exercise_for_user(user: User, pk: int) -> Exercise:
    """A clinic's own exercise for one of its clinicians; library exercises are read-only."""
    if not user.is_authenticated or not user.is_clinician or not user.clinic_id:
        raise Http404
    return get_object_or_404(Exercise, pk=pk, clinic_id=user.clinic_id)


def get_plan_for_user(user: User, patient_pk: int) -> Plan:
    """The plan of a patient the user may see; 404 when the patient is not theirs or has none."""
    patient = get_patient_for_user(user, patient_pk)
    return get_object_or_404(
        Plan.objects.select_related("patient__user", "patient__clinic"), patient=patient
    )


def get_plan_item_for_patient(patient: Patient, pk: int) -> PlanItem:
    """An item of the patient's own plan (any version); another patient's item is a 404."""
    return get_object_or_404(
        PlanItem.objects.select_related("exercise", "version__plan"),
        pk=pk,
        version__plan__patient=patient,
    )
