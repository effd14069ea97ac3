"""A patient's copy of their data (JSON and a ZIP of CSVs) and closing their account."""

import csv
import io
import json
import zipfile

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Patient
from audit.models import AuditEvent
from redflags.engine.params import RuleParams
from redflags.models import Alert, RuleSetVersion
from symptoms.models import SymptomEntry
from tests.factories import (
    TEST_PASSWORD,
    ExerciseLogFactory,
    PlanItemFactory,
    PlanVersionFactory,
    PTSessionFactory,
    SymptomEntryFactory,
)

pytestmark = pytest.mark.django_db

MY_DATA = reverse("rights:my_data")
EXPORT_JSON = reverse("rights:export_json")
EXPORT_ZIP = reverse("rights:export_zip")
CLOSE = reverse("rights:account_close")
CLOSED = reverse("rights:account_closed")


def _alert(patient, message: str) -> Alert:
    version, _ = RuleSetVersion.objects.get_or_create(
        clinic=patient.clinic, number=1, defaults={"params": RuleParams().to_dict()}
    )
    return Alert.objects.create(
        patient=patient,
        rule="R7",
        severity="urgent",
        initial_severity="urgent",
        rule_set_version=version,
        opened_day=timezone.localdate(),
        reason="Clinician-only reasoning",
        patient_message=message,
    )


@pytest.fixture
def records(patient, other_patient, therapist):
    """One of each kind of record for `patient`, and look-alikes for `other_patient`."""
    session = PTSessionFactory(patient=patient, notes="Worked on sciatic nerve glides")
    SymptomEntryFactory(patient=patient, notes='=HYPERLINK("http://x") tingling', session=session)
    SymptomEntryFactory(patient=patient, pain_now=5, pain_worst=7, notes="Worse after gardening")
    log = ExerciseLogFactory(patient=patient, note="Easy today")
    item = PlanItemFactory(
        version=PlanVersionFactory(plan__patient=patient, note_to_patient="Little and often"),
        exercise=log.exercise,
        instructions="Slowly",
    )
    _alert(patient, "Call the clinic today.")

    SymptomEntryFactory(patient=other_patient, notes="OTHER-PATIENT-SECRET")
    PTSessionFactory(patient=other_patient, notes="OTHER-SESSION-SECRET")
    ExerciseLogFactory(patient=other_patient, note="OTHER-LOG-SECRET")
    _alert(other_patient, "OTHER-ALERT-SECRET")
    return {"session": session, "log": log, "item": item}


# My data page -------------------------------------------------------------------------------


def test_patient_sees_the_my_data_page(patient_client):
    response = patient_client.get(MY_DATA)
    assert response.status_code == 200
    assert EXPORT_JSON in response.text and EXPORT_ZIP in response.text and CLOSE in response.text


@pytest.mark.parametrize("url", [MY_DATA, EXPORT_JSON, EXPORT_ZIP, CLOSE])
def test_clinicians_get_404_on_the_patient_rights_pages(url, therapist_client, clinic_admin_client):
    assert therapist_client.get(url).status_code == 404
    assert clinic_admin_client.get(url).status_code == 404


@pytest.mark.parametrize("url", [MY_DATA, EXPORT_JSON, EXPORT_ZIP, CLOSE])
def test_anonymous_visitors_are_sent_to_log_in(url, client):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


@pytest.mark.parametrize("url", [MY_DATA, EXPORT_JSON, EXPORT_ZIP])
def test_downloads_reject_post(url, patient_client):
    assert patient_client.post(url).status_code == 405


# Exports ---------------------------------------------------------------------------------------


def test_json_export_holds_all_of_the_patients_data_and_nothing_of_anyone_else(
    patient_client, patient, records
):
    response = patient_client.get(EXPORT_JSON)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="pt-tracker-my-data-')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["patient"]["email"] == "pat@example.test"
    assert data["patient"]["therapists"] == ["Tess Therapist"]
    assert data["intake"]["conditions"] == "L5 radiculopathy"
    assert {e["notes"] for e in data["entries"]} == {
        '=HYPERLINK("http://x") tingling',
        "Worse after gardening",
    }
    assert data["entries"][0]["session_id"] == records["session"].pk
    assert [s["notes"] for s in data["sessions"]] == ["Worked on sciatic nerve glides"]
    assert data["exercise_logs"][0]["note"] == "Easy today"
    assert data["exercise_logs"][0]["exercise_name"] == records["log"].exercise.name
    assert data["alerts"][0]["patient_message"] == "Call the clinic today."
    assert "reason" not in data["alerts"][0]  # the clinician's own reasoning is not exported
    assert data["plan"][0]["note_to_patient"] == "Little and often"
    assert data["plan"][0]["instructions"] == "Slowly"
    assert "idempotency_key" not in data["entries"][0]
    assert b"OTHER-" not in response.content


def test_zip_export_has_one_csv_per_kind_of_record(patient_client, records):
    response = patient_client.get(EXPORT_ZIP)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) == {
        "README.txt",
        "patient.csv",
        "intake.csv",
        "sessions.csv",
        "entries.csv",
        "exercise_logs.csv",
        "alerts.csv",
        "plan.csv",
        "activity_ratings.csv",
        "overall_change.csv",
    }
    entries = list(csv.DictReader(io.StringIO(archive.read("entries.csv").decode("utf-8-sig"))))
    assert len(entries) == 2
    assert {row["descriptors"] for row in entries} == {"tingling"}
    # Words beside the codes, for a person reading the file in a spreadsheet (issue 12).
    assert {row["descriptors_labels"] for row in entries} == {"Tingling"}
    header = next(csv.reader(io.StringIO(archive.read("entries.csv").decode("utf-8-sig"))))
    assert header[header.index("regions") + 1] == "regions_labels"
    assert header[header.index("context") + 1] == "context_label"
    for name in archive.namelist():
        if name.endswith(".csv"):
            assert archive.read(name).startswith("\ufeff".encode()), name
    # A note that looks like a formula is written so a spreadsheet shows it as text.
    assert '\'=HYPERLINK("http://x") tingling' in {row["notes"] for row in entries}
    alerts = list(csv.DictReader(io.StringIO(archive.read("alerts.csv").decode("utf-8-sig"))))
    assert [row["patient_message"] for row in alerts] == ["Call the clinic today."]
    for name in archive.namelist():
        assert b"OTHER-" not in archive.read(name)


def test_export_of_a_patient_with_no_records_yet_works(patient_client):
    data = json.loads(patient_client.get(EXPORT_JSON).content)
    assert data["entries"] == [] and data["alerts"] == [] and data["plan"] == []
    archive = zipfile.ZipFile(io.BytesIO(patient_client.get(EXPORT_ZIP).content))
    assert archive.read("entries.csv") == "\ufeff".encode()


def test_exports_are_on_the_audit_log(patient_client, patient):
    patient_client.get(EXPORT_JSON)
    patient_client.get(EXPORT_ZIP)
    events = AuditEvent.objects.filter(action="export", patient_id=patient.pk)
    assert [e.path for e in events.order_by("id")] == [EXPORT_JSON, EXPORT_ZIP]
    assert all(e.actor_id == patient.user.pk and e.outcome == "allowed" for e in events)


def test_export_query_count_does_not_grow_with_the_records(
    patient_client, patient, django_assert_max_num_queries
):
    # Session, user, patient, therapists, intake, sessions, entries, logs, alerts, PSFS ratings,
    # GROC answers, plan items, the audit event: one query per kind of record, however many.
    SymptomEntryFactory.create_batch(3, patient=patient)
    with django_assert_max_num_queries(13):
        patient_client.get(EXPORT_JSON)
    SymptomEntryFactory.create_batch(30, patient=patient)
    with django_assert_max_num_queries(13):
        patient_client.get(EXPORT_JSON)


# Closing the account -----------------------------------------------------------------------------


def _close(client, password=TEST_PASSWORD, **extra):
    return client.post(CLOSE, {"password": password, "understand": "on"}, **extra)


def test_close_page_explains_retention(patient_client, clinic):
    clinic.retention_years = 10
    clinic.save()
    response = patient_client.get(CLOSE)
    assert response.status_code == 200
    assert "keeps your records for 10 years" in response.text


def test_closing_needs_the_password(patient_client, patient):
    response = _close(patient_client, password="not-my-password")
    assert response.status_code == 200
    assert "That password is not right" in response.text
    patient.user.refresh_from_db()
    assert patient.user.is_active


def test_closing_needs_the_tick(patient_client, patient):
    response = patient_client.post(CLOSE, {"password": TEST_PASSWORD})
    assert response.status_code == 200
    patient.user.refresh_from_db()
    assert patient.user.is_active


def test_invalid_close_form_comes_back_as_a_fragment_for_htmx(patient_client):
    response = _close(patient_client, password="nope", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="account-close-form"' in response.text


def test_closing_deactivates_ends_sessions_keeps_records_and_tells_therapists(
    patient_client, patient, records, mailoutbox, django_capture_on_commit_callbacks
):
    other_device = Client()
    other_device.force_login(patient.user)
    entries_before = SymptomEntry.objects.filter(patient=patient).count()

    with django_capture_on_commit_callbacks(execute=True):
        response = _close(patient_client)

    assert response.status_code == 302 and response["Location"] == CLOSED
    patient.refresh_from_db()
    patient.user.refresh_from_db()
    assert not patient.user.is_active
    assert patient.closed_at is not None
    assert Patient.objects.filter(pk=patient.pk).exists()
    assert SymptomEntry.objects.filter(patient=patient).count() == entries_before == 2
    assert Alert.objects.filter(patient=patient).count() == 1
    assert not [
        s
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(patient.user.pk)
    ]
    assert other_device.get(MY_DATA).status_code == 302
    assert [m.to for m in mailoutbox] == [["tess@example.test"]]
    assert "Pat Patient closed their PT Tracker account" in mailoutbox[0].subject
    assert "kept for 8 years" in mailoutbox[0].body
    assert AuditEvent.objects.filter(action="account_closed", patient_id=patient.pk).count() == 1
    assert "Your account is closed" in patient_client.get(CLOSED).text


def test_closed_patient_cannot_log_in(client, patient_client, patient):
    _close(patient_client)
    response = client.post(
        reverse("accounts:login"), {"username": "pat@example.test", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_closing_a_second_time_keeps_the_first_closing_date(patient):
    from accounts.closure import patient_account_close

    patient_account_close(patient)
    first = Patient.objects.get(pk=patient.pk).closed_at
    patient_account_close(patient)
    assert Patient.objects.get(pk=patient.pk).closed_at == first


# Retention -------------------------------------------------------------------------------------


def test_retention_report_lists_only_closed_patients_past_their_clinics_period(
    patient, other_patient, clinic
):
    import datetime as dt
    from io import StringIO

    from django.core.management import call_command

    clinic.retention_years = 8
    clinic.save()
    now = timezone.now()
    Patient.objects.filter(pk=patient.pk).update(closed_at=now - dt.timedelta(days=8 * 366))
    Patient.objects.filter(pk=other_patient.pk).update(closed_at=now - dt.timedelta(days=365))

    out = StringIO()
    call_command("retention_due", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "patient_id\tclinic\tclosed_at\tretained_until"
    assert [line.split("\t")[0] for line in lines[1:]] == [str(patient.pk)]
    # A report only: every record is still there.
    assert Patient.objects.filter(pk=patient.pk).exists()


def test_exports_hold_the_activity_ratings_and_overall_change(patient_client, patient, therapist):
    from outcomes.services import groc_record, psfs_setup

    psfs_setup(patient, [("Climbing stairs", 4)], actor=therapist)
    groc_record(patient, 3, actor=patient.user)
    data = patient_client.get(EXPORT_JSON).json()
    assert [(r["activity_name"], r["rating"], r["occasion"]) for r in data["activity_ratings"]] == [
        ("Climbing stairs", 4, "intake")
    ]
    assert [r["score"] for r in data["overall_change"]] == [3]
