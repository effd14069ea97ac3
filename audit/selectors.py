"""Reads of the audit log."""

from django.db.models import QuerySet

from .models import AuditEvent


def events_for_patient(patient_pk: int) -> QuerySet[AuditEvent]:
    """Every event filed under one patient, newest first, with who did it."""
    return AuditEvent.objects.filter(patient_id=patient_pk).select_related("actor")
