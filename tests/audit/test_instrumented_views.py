"""The patient-data pages of the other apps are on record, and their create forms are guarded
against double submission."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Patient
from audit.idempotency import FIELD_NAME, new_token
from audit.models import AuditEvent
from redflags.engine.params import RuleParams
from redflags.models import Alert, RuleSetVersion, TriageAction
from symptoms.models import PTSession
from tests.accounts.conftest import patient_post
from tests.factories import SymptomEntryFactory

pytestmark = pytest.mark.django_db

# Every page that shows or changes one patient's records. Lists (caseload, inbox), the exercise
# library and clinic-wide settings are not about one patient.
AUDITED = {
    "care:entry_create",
    "care:entry_detail",
    "care:entry_edit",
    "care:entry_delete",
    "care:diary",
    "symptoms:patient_sessions",
    "symptoms:session_create",
    "symptoms:session_edit",
    "symptoms:intake_edit",
    "care:today",
    "care:dose_log",
    "exercises:plan_builder",
    "exercises:plan_history",
    "exercises:plan_print",
    "redflags:alert_detail",
    "redflags:acknowledge",
    "redflags:contact",
    "redflags:resolve",
    "redflags:escalate",
    "redflags:emergency",
    "redflags:emergency_confirm",
    "dashboard:patient_overview",
    "dashboard:patient_summary_print",
    "dashboard:export_entries_csv",
    "dashboard:export_logs_csv",
    "dashboard:export_alerts_csv",
    "accounts:patient_invitation_resend",
    "rights:my_data",
    "rights:export_json",
    "rights:export_zip",
    "audit:patient_log",
    "audit:patient_log_csv",
}


def _patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


@pytest.mark.parametrize("name", sorted(AUDITED))
def test_patient_data_page_is_audited(name):
    views = {name: pattern.callback for name, pattern in _patterns()}
    assert name in views, f"{name} is not a URL any more: update AUDITED"
    assert getattr(views[name], "audited", False), f"{name} has no @audited"


def test_every_page_with_a_patient_in_its_url_is_audited():
    # A page added later under patients/<id>/ is caught here.
    for name, pattern in _patterns():
        route = str(pattern.pattern)
        if "patient_pk" in route or "patients/<int:pk>" in route:
            assert getattr(pattern.callback, "audited", False), f"{name} has no @audited"


# Behaviour through real pages ------------------------------------------------------------------


def test_therapist_reading_a_patients_overview_is_recorded(therapist_client, therapist, patient):
    url = reverse("dashboard:patient_overview", args=[patient.pk])
    assert therapist_client.get(url).status_code == 200
    event = AuditEvent.objects.get(path=url)
    assert (event.actor, event.action, event.outcome) == (therapist, "view", "allowed")
    assert event.patient_id == patient.pk and event.clinic_id == patient.clinic_id


def test_another_therapists_patient_gives_404_and_a_denied_event(
    other_therapist_client, other_therapist, patient
):
    url = reverse("dashboard:patient_overview", args=[patient.pk])
    assert other_therapist_client.get(url).status_code == 404
    event = AuditEvent.objects.get(path=url)
    assert (event.actor, event.outcome, event.status_code) == (other_therapist, "denied", 404)
    assert event.patient_id == patient.pk


def test_patient_opening_someone_elses_entry_is_denied_and_filed_under_that_patient(
    other_patient_client, other_patient, patient
):
    entry = SymptomEntryFactory(patient=patient)
    url = reverse("care:entry_detail", args=[entry.pk])
    assert other_patient_client.get(url).status_code == 404
    event = AuditEvent.objects.get(path=url)
    assert event.actor == other_patient.user and event.outcome == "denied"
    assert event.patient_id == patient.pk and event.object_id == str(entry.pk)


def test_patient_reading_their_diary_is_recorded(patient_client, patient):
    url = reverse("care:diary")
    assert patient_client.get(url).status_code == 200
    assert AuditEvent.objects.get(path=url).patient_id == patient.pk


def test_clinician_csv_export_is_recorded_as_an_export(therapist_client, patient):
    url = reverse("dashboard:export_entries_csv", args=[patient.pk])
    assert therapist_client.get(url).status_code == 200
    assert AuditEvent.objects.get(path=url).action == "export"


# Double submission through real forms ----------------------------------------------------------


def test_add_patient_sent_twice_adds_one_patient(
    therapist_client, django_capture_on_commit_callbacks
):
    data = {**patient_post(), FIELD_NAME: new_token()}
    url = reverse("care:patient_add")
    with django_capture_on_commit_callbacks(execute=True):
        first = therapist_client.post(url, data)
        second = therapist_client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Patient.objects.filter(user__email="nina@example.test").count() == 1


def test_add_patient_form_carries_a_token(therapist_client):
    assert f'name="{FIELD_NAME}"' in therapist_client.get(reverse("care:patient_add")).text


def test_session_sent_twice_records_one_session(therapist_client, patient):
    url = reverse("symptoms:session_create", kwargs={"patient_pk": patient.pk})
    assert f'name="{FIELD_NAME}"' in therapist_client.get(url).text
    data = {"date": timezone.localdate().isoformat(), "kind": "treatment", FIELD_NAME: new_token()}
    therapist_client.post(url, data)
    therapist_client.post(url, data)
    assert PTSession.objects.filter(patient=patient).count() == 1


def test_triage_contact_sent_twice_logs_one_contact(therapist_client, patient):
    version = RuleSetVersion.objects.create(
        clinic=patient.clinic, number=1, params=RuleParams().to_dict()
    )
    alert = Alert.objects.create(
        patient=patient,
        rule="R7",
        severity="urgent",
        initial_severity="urgent",
        rule_set_version=version,
        opened_day=timezone.localdate(),
        reason="test",
    )
    url = reverse("redflags:contact", args=[alert.pk])
    assert (
        f'name="{FIELD_NAME}"'
        in therapist_client.get(reverse("redflags:alert_detail", args=[alert.pk])).text
    )
    data = {"contact-method": "phone", "contact-note": "Called", FIELD_NAME: new_token()}
    therapist_client.post(url, data, headers={"HX-Request": "true"})
    therapist_client.post(url, data, headers={"HX-Request": "true"})
    assert TriageAction.objects.filter(alert=alert, kind="contact").count() == 1
