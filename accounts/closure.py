"""Closing a patient's account: deactivate the login, end its sessions, keep every record, and
tell their therapists.

The clinic keeps closed records for Clinic.retention_years after closure; what happens then is a
manual, documented process (docs/security.md), never an automatic deletion.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from audit.models import Action
from audit.services import record
from core.models import MailKind
from core.outbox import mail_queue

from .models import Patient, User
from .security import user_deactivate


def _closure_emails_queue(patient: Patient) -> None:
    """Tell the patient's therapists (no clinical detail in the email), through the mail
    outbox in the closure's transaction: one email per therapist per closure."""
    for therapist in patient.therapists.filter(is_active=True).exclude(email=""):
        context = {"patient": patient, "therapist": therapist, "clinic": patient.clinic}
        with translation.override(therapist.preferred_language):
            subject = render_to_string("accounts/email/account_closed_subject.txt", context)
            body = render_to_string("accounts/email/account_closed.txt", context)
        mail_queue(
            EmailMessage(subject=" ".join(subject.split()), body=body, to=[therapist.email]),
            kind=MailKind.ACCOUNT_CLOSED,
            dedup_key=f"account-closed-{patient.pk}-{patient.closed_at:%Y%m%d%H%M%S%f}-"
            f"{therapist.pk}",
            clinic_id=patient.clinic_id,
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
        _closure_emails_queue(patient)
    return patient
