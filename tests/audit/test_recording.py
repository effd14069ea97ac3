"""What goes on the audit log: logins, logouts, failed logins, reads and writes through
`@audited`, and denied attempts caught by the middleware."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from audit.decorators import audited
from audit.models import AuditEvent
from symptoms.models import SymptomEntry
from tests.factories import TEST_PASSWORD, PatientFactory, SymptomEntryFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
BROWSER = "Mozilla/5.0 (Test) PT-Tracker-Tests"


def _log_in(client, email, password=TEST_PASSWORD):
    return client.post(
        LOGIN, {"username": email, "password": password}, headers={"User-Agent": BROWSER}
    )


# Authentication events -----------------------------------------------------------------------


def test_login_is_recorded_with_address_and_browser(client, patient):
    _log_in(client, "pat@example.test")
    event = AuditEvent.objects.get(action="login")
    assert event.actor == patient.user and event.actor_role == "patient"
    assert event.patient_id == patient.pk and event.clinic_id == patient.clinic_id
    assert event.ip_address == "127.0.0.1"
    assert event.user_agent == BROWSER
    assert event.outcome == "allowed" and event.path == LOGIN and event.method == "POST"


def test_failed_login_is_recorded_as_denied_with_the_email_tried(client, patient):
    _log_in(client, "pat@example.test", "wrong-password")
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor is None and event.outcome == "denied"
    assert event.detail == "email tried: pat@example.test"
    assert "wrong-password" not in str(event.__dict__)


def test_logout_is_recorded(client, patient):
    _log_in(client, "pat@example.test")
    client.post(reverse("accounts:logout"))
    event = AuditEvent.objects.get(action="logout")
    assert event.actor == patient.user and event.detail == ""


def test_a_long_user_agent_is_cut_to_fit(client, patient):
    client.post(
        LOGIN,
        {"username": "pat@example.test", "password": TEST_PASSWORD},
        headers={"User-Agent": "x" * 1000},
    )
    assert len(AuditEvent.objects.get(action="login").user_agent) == 255


# Denied attempts (middleware) -----------------------------------------------------------------


def test_therapist_opening_the_audit_page_is_denied_and_recorded(
    therapist_client, therapist, patient
):
    url = reverse("audit:patient_log", args=[patient.pk])
    assert therapist_client.get(url).status_code == 404
    event = AuditEvent.objects.get(outcome="denied")
    assert event.actor == therapist and event.action == "view" and event.status_code == 404
    assert event.patient_id == patient.pk and event.clinic_id == patient.clinic_id
    assert event.object_type == "audit:patient_log" and event.object_id == str(patient.pk)


def test_another_clinics_attempt_is_filed_under_the_patients_clinic(
    other_clinic_admin_client, other_clinic_admin, patient
):
    url = reverse("audit:patient_log_csv", args=[patient.pk])
    assert other_clinic_admin_client.get(url).status_code == 404
    event = AuditEvent.objects.get(outcome="denied")
    assert event.actor == other_clinic_admin
    assert event.clinic_id == patient.clinic_id != other_clinic_admin.clinic_id


def test_posting_to_a_page_one_may_not_use_is_recorded_as_a_denied_change(patient_client, patient):
    url = reverse("twofactor:disable")  # a patient without two-step verification gets 404
    assert patient_client.post(url).status_code == 404
    event = AuditEvent.objects.get(outcome="denied")
    assert event.action == "update" and event.method == "POST"


def test_a_refused_csrf_token_is_recorded(patient):
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    response = client.post(reverse("rights:account_close"), {"password": TEST_PASSWORD})
    assert response.status_code == 403
    event = AuditEvent.objects.get(outcome="denied")
    assert event.status_code == 403 and event.actor == patient.user


def test_a_mistyped_address_is_not_an_attempt_on_anyones_data(patient_client):
    assert patient_client.get("/no-such-page/").status_code == 404
    assert not AuditEvent.objects.filter(outcome="denied").exists()


def test_anonymous_404s_are_not_recorded(client, patient):
    client.get(reverse("rights:account_closed"))
    client.get("/accounts/invitation/not-a-token/")
    assert not AuditEvent.objects.exists()


# @audited ----------------------------------------------------------------------------------------


@pytest.fixture
def rf_request(therapist):
    def build(method="get"):
        request = getattr(RequestFactory(), method)("/entries/1/", REMOTE_ADDR="203.0.113.9")
        request.user = therapist
        return request

    return build


def _view(outcome):
    @audited(SymptomEntry)
    def view(request, pk):
        if outcome == "404":
            raise Http404
        if outcome == "403":
            raise PermissionDenied
        if outcome == "boom":
            raise RuntimeError("boom")
        return HttpResponse(status=int(outcome))

    return view


def test_audited_view_records_an_allowed_read_under_the_records_patient(rf_request, patient):
    entry = SymptomEntryFactory(patient=patient)
    _view("200")(rf_request(), pk=entry.pk)
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.status_code) == ("view", "allowed", 200)
    assert event.patient_id == patient.pk and event.clinic_id == patient.clinic_id
    assert event.object_type == "symptoms.symptomentry" and event.object_id == str(entry.pk)
    assert event.ip_address == "203.0.113.9"


def test_audited_view_records_a_write_for_other_methods(rf_request, patient):
    entry = SymptomEntryFactory(patient=patient)
    _view("302")(rf_request("post"), pk=entry.pk)
    assert AuditEvent.objects.get().action == "update"


@pytest.mark.parametrize("outcome,status", [("404", 404), ("403", 403)])
def test_audited_view_records_a_refusal_under_the_patient_concerned(
    rf_request, other_patient, outcome, status
):
    entry = SymptomEntryFactory(patient=other_patient)
    with pytest.raises((Http404, PermissionDenied)):
        _view(outcome)(rf_request(), pk=entry.pk)
    event = AuditEvent.objects.get()
    assert (event.outcome, event.status_code, event.patient_id) == (
        "denied",
        status,
        other_patient.pk,
    )


def test_audited_view_records_an_error(rf_request, patient):
    entry = SymptomEntryFactory(patient=patient)
    with pytest.raises(RuntimeError):
        _view("boom")(rf_request(), pk=entry.pk)
    assert AuditEvent.objects.get().outcome == "error"


def test_audited_view_of_a_missing_record_names_no_patient(rf_request):
    with pytest.raises(Http404):
        _view("404")(rf_request(), pk=987654)
    event = AuditEvent.objects.get()
    assert event.patient_id is None and event.object_id == "987654"


def test_a_request_is_recorded_once(clinic_admin_client, other_clinic):
    # The admin passes the role gate; the view's own event records the 404 for another clinic's
    # patient, and the middleware does not add a second one.
    stranger = PatientFactory(clinic=other_clinic)
    url = reverse("audit:patient_log", args=[stranger.pk])
    assert clinic_admin_client.get(url).status_code == 404
    event = AuditEvent.objects.get(path=url)
    assert event.object_type == "accounts.patient" and event.patient_id == stranger.pk
    assert event.clinic_id == other_clinic.pk
