"""Closing a patient's account: deactivate the login, end its sessions, keep every record, and
tell their therapists.

The clinic keeps closed records for Clinic.retention_years after closure; what happens then is a
manual, documented process (docs/security.md), never an automatic deletion.
"""

from __future__ import annotations

import logging
from functools import partial

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from audit.models import Action
from audit.services import record

from .models import Patient, User
from .security import user_deactivate

logger = logging.getLogger(__name__)


def _closure_email_send(patient_pk: int) -> None:
    """Tell the patient's therapists (no clinical detail in the email). Runs after commit; a
    failure is logged, not raised: the account is closed either way."""
    patient = Patient.objects.select_related("user", "clinic").get(pk=patient_pk)
    for therapist in patient.therapists.filter(is_active=True):
        context = {"patient": patient, "therapist": therapist, "clinic": patient.clinic}
        try:
            with translation.override(therapist.preferred_language):
                subject = render_to_string("accounts/email/account_closed_subject.txt", context)
                body = render_to_string("accounts/email/account_closed.txt", context)
            EmailMessage(subject=" ".join(subject.split()), body=body, to=[therapist.email]).send()
        except Exception:
            logger.exception(
                "Could not tell therapist %s about closed patient %s", therapist.pk, patient.pk
            )


def patient_account_close(patient: Patient, *, request=None, actor: User | None = None) -> Patient:
    """Close the patient's account: deactivate the login, end its sessions, keep every record,
    and tell their therapists."""
    actor = actor or patient.user
    now = timezone.now()
    with transaction.atomic():
        Patient.objects.filter(pk=patient.pk, closed_at__isnull=True).update(closed_at=now)
        patient.refresh_from_db(fields=["closed_at"])
        user_deactivate(patient.user, actor=actor, request=request)
        record(request, Action.ACCOUNT_CLOSED, actor=actor, patient=patient, obj=patient)
        transaction.on_commit(partial(_closure_email_send, patient.pk))
    return patient
