"""One patient's record as a FHIR R4 Bundle (JSON): for the therapists who look after them,
and for the patient themself. Each download is on the audit log (an export)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from accounts.access import get_own_patient, get_patient_for_user
from accounts.decorators import clinician_required
from accounts.models import Patient
from audit.decorators import audited
from audit.models import Action
from core.http import private_page

from .collect import Export
from .writers import bundle

CONTENT_TYPE = "application/fhir+json; charset=utf-8"


def patient_export(patient: Patient) -> Export:
    """One patient, their clinic and the therapists on their caseload."""
    return Export(patients=Patient.objects.filter(pk=patient.pk), staff=patient.therapists.all())


def _download(patient: Patient) -> HttpResponse:
    body = json.dumps(bundle(patient_export(patient)), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    name = f"patient-{patient.pk}-fhir-{patient.local_day().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@clinician_required
@audited(Patient, read=Action.EXPORT)
def patient_bundle(request: HttpRequest, pk: int) -> HttpResponse:
    return private_page(_download(get_patient_for_user(request.user, pk)))


@require_GET
@login_required
@audited(read=Action.EXPORT)
def own_bundle(request: HttpRequest) -> HttpResponse:
    return private_page(_download(get_own_patient(request.user)))
