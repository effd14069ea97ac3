"""Access helpers for symptom records: sessions and entries."""

from django.shortcuts import get_object_or_404

from accounts.access import patients_for_user
from accounts.models import User

from .models import PTSession, SymptomEntry


def get_session_for_user(user: User, pk: int) -> PTSession:
    return get_object_or_404(
        PTSession.objects.filter(patient__in=patients_for_user(user)).select_related("patient"),
        pk=pk,
    )


def get_entry_for_user(user: User, pk: int) -> SymptomEntry:
    return get_object_or_404(
        SymptomEntry.objects.filter(patient__in=patients_for_user(user)).select_related(
            "patient__clinic", "patient__user", "session"
        ),
        pk=pk,
    )


def get_own_entry(user: User, pk: int) -> SymptomEntry:
    """An entry of the logged-in patient, to correct or delete: everyone else gets 404.

    Clinicians may look at entries (get_entry_for_user) but never change them.
    """
    return get_object_or_404(
        SymptomEntry.objects.filter(patient__user=user).select_related(
            "patient__clinic", "patient__user", "session"
        ),
        pk=pk,
    )
