"""Which patient a request was about, for filing its audit event under that patient's record.

These look records up without any access check: they only label an event (including a denied
attempt, which the clinic of the patient concerned should see); nothing is shown to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import models


@dataclass(frozen=True)
class PatientRef:
    pk: int
    clinic_id: int


def patient_model() -> type[models.Model]:
    """The model whose rows are "patients" in the log (settings.AUDIT_PATIENT_MODEL).

    audit sits below the apps it records, so it names the model by a setting, the way
    django.contrib.auth names the user model by AUTH_USER_MODEL.
    """
    return apps.get_model(settings.AUDIT_PATIENT_MODEL)


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def patient_ref(patient_pk) -> PatientRef | None:
    pk = _as_int(patient_pk)
    if pk is None:
        return None
    row = patient_model()._default_manager.filter(pk=pk).values_list("pk", "clinic_id").first()
    return PatientRef(*row) if row else None


# Set at login (audit/signals.py): [user id, patient id, clinic id], so a patient's own pages
# need no query to say whose record they showed.
SESSION_KEY = "pt_own_patient"


def remember_own_patient(session, user, ref: PatientRef | None) -> None:
    if session is not None and ref is not None:
        session[SESSION_KEY] = [user.pk, ref.pk, ref.clinic_id]


def patient_ref_for_user(user, session=None) -> PatientRef | None:
    """A patient's own record."""
    if not getattr(user, "is_patient", False):
        return None
    remembered = session.get(SESSION_KEY) if session is not None else None
    if remembered and remembered[0] == user.pk:
        return PatientRef(remembered[1], remembered[2])
    row = (
        patient_model()
        ._default_manager.filter(user_id=user.pk)
        .values_list("pk", "clinic_id")
        .first()
    )
    return PatientRef(*row) if row else None


def patient_ref_for_object(
    model: type[models.Model], pk, patient_path: str = "patient"
) -> PatientRef | None:
    """The patient a record (an entry, an alert, a plan item...) belongs to."""
    pk = _as_int(pk)
    if pk is None:
        return None
    row = (
        model._default_manager.filter(pk=pk)
        .values_list(f"{patient_path}_id", f"{patient_path}__clinic_id")
        .first()
    )
    return PatientRef(*row) if row and row[0] is not None else None
