"""The clinic admin's audit page and CSV export for one patient."""

import csv
import io

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import record

pytestmark = pytest.mark.django_db


def _page(patient) -> str:
    return reverse("audit:patient_log", args=[patient.pk])


def _csv(patient) -> str:
    return reverse("audit:patient_log_csv", args=[patient.pk])


@pytest.fixture
def history(patient, other_patient, therapist, other_therapist):
    """A read by the patient's therapist, a refused attempt by another, and noise elsewhere."""
    record(None, AuditEvent.Action.VIEW, patient=patient, actor=therapist, object_type="diary")
    record(
        None,
        AuditEvent.Action.VIEW,
        patient=patient,
        actor=other_therapist,
        outcome=AuditEvent.Outcome.DENIED,
        status_code=404,
    )
    record(
        None,
        AuditEvent.Action.VIEW,
        patient=other_patient,
        actor=other_therapist,
        object_type="OTHER-PATIENT-EVENT",
    )


def test_clinic_admin_sees_the_patients_events(clinic_admin_client, patient, history):
    response = clinic_admin_client.get(_page(patient))
    assert response.status_code == 200
    assert "Audit log of Pat Patient" in response.text
    assert "Tess Therapist" in response.text and "Owen Other" in response.text
    assert "Denied" in response.text
    assert "OTHER-PATIENT-EVENT" not in response.text


def test_opening_the_audit_page_is_itself_recorded(clinic_admin_client, clinic_admin, patient):
    clinic_admin_client.get(_page(patient))
    event = AuditEvent.objects.get(actor=clinic_admin, path=_page(patient))
    assert event.action == "view" and event.patient_id == patient.pk


@pytest.mark.parametrize(
    "persona", ["therapist_client", "patient_client", "other_clinic_admin_client"]
)
@pytest.mark.parametrize("url", [_page, _csv])
def test_everyone_but_the_clinics_admins_gets_404(persona, url, request, patient):
    client = request.getfixturevalue(persona)
    assert client.get(url(patient)).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, patient):
    response = client.get(_page(patient))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_audit_page_rejects_post(clinic_admin_client, patient):
    assert clinic_admin_client.post(_page(patient)).status_code == 405
    assert clinic_admin_client.post(_csv(patient)).status_code == 405


def test_htmx_gets_only_the_events_fragment(clinic_admin_client, patient, history):
    response = clinic_admin_client.get(_page(patient), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="audit-events"' in response.text
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_long_logs_are_paged(clinic_admin_client, patient, therapist):
    for _ in range(55):
        record(None, AuditEvent.Action.VIEW, patient=patient, actor=therapist)
    first = clinic_admin_client.get(_page(patient))
    assert "Page 1 of 2" in first.text and "?page=2" in first.text
    second = clinic_admin_client.get(_page(patient) + "?page=2")
    assert second.status_code == 200 and "Page 2 of 2" in second.text


@pytest.mark.parametrize("events", [5, 50])
def test_audit_page_query_count_does_not_grow_with_the_log(
    events, clinic_admin_client, patient, therapist, django_assert_max_num_queries
):
    for _ in range(events):
        record(None, AuditEvent.Action.VIEW, patient=patient, actor=therapist)
    # Session, user, OTP device, patient, count, page of events (with actors), this event,
    # and the staleness banner's heartbeat (ops.banner).
    with django_assert_max_num_queries(8):
        assert clinic_admin_client.get(_page(patient)).status_code == 200


def test_csv_export_lists_the_patients_events(clinic_admin_client, clinic_admin, patient, history):
    response = clinic_admin_client.get(_csv(patient))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-patient-')
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    # Newest first, starting with this export itself.
    assert [(r["actor_email"], r["action"], r["outcome"]) for r in rows] == [
        ("ada@example.test", "export", "allowed"),
        ("owen@example.test", "view", "denied"),
        ("tess@example.test", "view", "allowed"),
    ]
    assert rows[1]["status_code"] == "404"
    # Words beside the codes (issue 12).
    assert rows[0]["outcome_label"] and rows[0]["action_label"] != "export"
    assert "OTHER-PATIENT-EVENT" not in str(rows)
    export = AuditEvent.objects.get(actor=clinic_admin, action="export")
    assert export.patient_id == patient.pk


def test_csv_export_defuses_formula_like_text(clinic_admin_client, patient):
    record(None, AuditEvent.Action.LOGIN_FAILED, patient=patient, detail="=cmd|' /C calc'!A0")
    response = clinic_admin_client.get(_csv(patient))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[-1]["detail"] == "'=cmd|' /C calc'!A0"
