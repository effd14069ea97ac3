"""One patient's record as a FHIR Bundle, for their therapist and for the patient."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from audit.models import AuditEvent

from .conftest import build_record, unresolved, validate_all

pytestmark = pytest.mark.django_db
OWN = reverse("fhir_export:own_bundle")


def url(patient):
    return reverse("fhir_export:patient_bundle", args=[patient.pk])


def resources_of(response):
    return [entry["resource"] for entry in json.loads(response.content)["entry"]]


def test_therapist_downloads_a_valid_bundle_of_the_patient_only(
    therapist_client, frozen, patient, therapist, other_patient
):
    build_record(patient, therapist)
    build_record(other_patient, therapist)
    response = therapist_client.get(url(patient))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert f'filename="patient-{patient.pk}-fhir-' in response["Content-Disposition"]
    data = json.loads(response.content)
    Bundle.model_validate(data)
    resources = resources_of(response)
    validate_all(resources)
    assert unresolved(resources, settings.FHIR_CANONICAL_BASE) == []
    assert [r["id"] for r in resources if r["resourceType"] == "Patient"] == [str(patient.pk)]
    for entry in data["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"].endswith(f"/{resource['resourceType']}/{resource['id']}")
    event = AuditEvent.objects.get(action="export", patient_id=patient.pk)
    assert event.actor == therapist


def test_patient_downloads_their_own_bundle(patient_client, frozen, patient, therapist):
    build_record(patient, therapist)
    response = patient_client.get(OWN)
    assert response.status_code == 200
    patients = [r for r in resources_of(response) if r["resourceType"] == "Patient"]
    assert [p["id"] for p in patients] == [str(patient.pk)]
    assert AuditEvent.objects.filter(action="export", patient_id=patient.pk).exists()


def test_strangers_get_404(other_therapist_client, patient_client, patient, other_patient):
    assert other_therapist_client.get(url(patient)).status_code == 404
    # A patient never uses the clinician's address, not even for their own record.
    assert patient_client.get(url(patient)).status_code == 404
    assert patient_client.get(url(other_patient)).status_code == 404


def test_clinicians_have_no_own_bundle(therapist_client):
    assert therapist_client.get(OWN).status_code == 404


def test_wrong_method_gets_405(therapist_client, patient_client, patient):
    assert therapist_client.post(url(patient)).status_code == 405
    assert patient_client.post(OWN).status_code == 405
