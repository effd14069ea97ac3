"""Access helpers for alerts: one queryset of what a user may see, and 404 for everything else.

Therapists see the alerts of their caseload, clinic admins those of their clinic. Patients never
reach the clinician pages; they see only their own emergency advice page.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Alert, AlertState, Severity


def alerts_for_user(user: User) -> QuerySet[Alert]:
    """The alerts a clinician may see: their caseload's (therapist) or their clinic's (admin)."""
    if not user.is_authenticated or not user.is_active or not user.clinic_id:
        return Alert.objects.none()
    if user.is_therapist:
        # The clinic check is belt and braces: a caseload never crosses clinics.
        return Alert.objects.filter(patient__therapists=user, patient__clinic_id=user.clinic_id)
    if user.is_clinic_admin:
        return Alert.objects.filter(patient__clinic_id=user.clinic_id)
    return Alert.objects.none()


def get_alert_for_user(user: User, pk: int) -> Alert:
    return get_object_or_404(
        alerts_for_user(user).select_related(
            "patient__user", "patient__clinic", "rule_set_version"
        ),
        pk=pk,
    )


def get_own_emergency_alert(user: User, pk: int) -> Alert:
    """An emergency alert of the logged-in patient (404 for anyone else, clinicians included:
    the page is advice for the patient, the clinician's view is the alert page)."""
    if not user.is_authenticated or not user.is_patient:
        raise Http404
    return get_object_or_404(
        Alert.objects.select_related("patient__clinic"),
        pk=pk,
        patient__user=user,
        severity=Severity.EMERGENCY,
    )


def get_own_warning_alert(user: User, pk: int) -> Alert:
    """An unresolved urgent or emergency alert of the logged-in patient: the one their banner
    shows (404 for anyone else, and for a resolved alert, whose banner is gone)."""
    if not user.is_authenticated or not user.is_patient:
        raise Http404
    return get_object_or_404(
        Alert.objects.select_related("patient__clinic").exclude(state=AlertState.RESOLVED),
        pk=pk,
        patient__user=user,
        severity__in=[Severity.URGENT, Severity.EMERGENCY],
    )
