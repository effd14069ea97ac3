"""Access helpers: one per object kind. Each returns only what the user may see, else 404.

A patient sees only their own records; a therapist only their caseload; a clinic admin their
clinic. Other people's records are indistinguishable from missing ones (404, never 403).
"""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.models import OutboxMessage

from .models import Patient, User


def patients_for_user(user: User) -> QuerySet[Patient]:
    """The patients whose records this user may see."""
    if not user.is_authenticated or not user.is_active:
        return Patient.objects.none()
    if user.is_patient:
        return Patient.objects.filter(user=user)
    if user.is_therapist:
        return Patient.objects.filter(therapists=user)
    if user.is_clinic_admin and user.clinic_id:
        return Patient.objects.filter(clinic_id=user.clinic_id)
    return Patient.objects.none()


def get_patient_for_user(user: User, pk: int) -> Patient:
    return get_object_or_404(patients_for_user(user).select_related("user", "clinic"), pk=pk)


def get_own_patient(user: User) -> Patient:
    """The patient record of a logged-in patient (404 for anyone else)."""
    if not user.is_authenticated or not user.is_patient:
        raise Http404
    return get_object_or_404(Patient.objects.select_related("user", "clinic"), user=user)


def clinicians_for_user(user: User) -> QuerySet[User]:
    """Therapists a clinic admin may see (their clinic's); a therapist sees only themself."""
    if user.is_clinic_admin and user.clinic_id:
        return User.objects.filter(clinic_id=user.clinic_id, role=User.Role.THERAPIST)
    if user.is_therapist:
        return User.objects.filter(pk=user.pk)
    return User.objects.none()


def get_therapist_for_user(user: User, pk: int) -> User:
    """A therapist of the clinic admin's clinic (404 for anyone else)."""
    if not user.is_authenticated or not user.is_clinic_admin:
        raise Http404
    return get_object_or_404(clinicians_for_user(user), pk=pk)


def outbox_messages_for_user(user: User) -> QuerySet[OutboxMessage]:
    """The emails of the clinic admin's clinic (the mail outbox knows clinics by id)."""
    if user.is_authenticated and user.is_active and user.is_clinic_admin and user.clinic_id:
        return OutboxMessage.objects.filter(clinic_id=user.clinic_id)
    return OutboxMessage.objects.none()


def get_outbox_message_for_user(user: User, pk: int) -> OutboxMessage:
    """One email of the clinic admin's clinic, without its bodies (404 for anyone else)."""
    return get_object_or_404(outbox_messages_for_user(user).defer("body_text", "body_html"), pk=pk)
