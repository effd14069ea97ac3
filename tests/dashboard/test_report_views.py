"""The progress report page and its PDF, and the clinic's flare-up analysis page."""

from datetime import timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from outcomes.services import groc_record, psfs_setup
from tests.factories import PatientFactory

from .conftest import TODAY, build_history, day, flare, moment, session

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def report_url(patient, **query):
    url = reverse("dashboard:patient_report", args=[patient.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def pdf_url(patient, **query):
    url = reverse("dashboard:patient_report_pdf", args=[patient.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


FLARES = reverse("dashboard:clinic_flares")


@pytest.fixture
def history(patient, therapist):
    patient.created_at = moment(patient, -3)
    patient.save(update_fields=["created_at"])
    build_history(patient, therapist)
    psfs_setup(patient, [("Stairs", 2)], actor=therapist, recorded_at=moment(patient, 0))
    groc_record(patient, 4, actor=None, recorded_at=moment(patient, 12))
    return patient


# --- Progress report ---------------------------------------------------------------------------


def test_therapist_gets_the_report_of_the_last_twelve_weeks(therapist_client, history):
    response = therapist_client.get(report_url(history))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Physiotherapy progress report: Pat Patient" in html
    assert "L5 radiculopathy" in html
    assert "Outcome measures" in html and "Global change (GROC)" in html
    assert "Flare-ups and what preceded them" in html
    assert "Settled by phone." in html  # how the R9 alert was resolved
    assert reverse("dashboard:patient_report_pdf", args=[history.pk]) in html
    assert "style=" not in html


def test_the_default_report_starts_when_the_patient_joined(therapist_client, history):
    html = therapist_client.get(report_url(history)).content.decode()
    assert "27 Feb 2026 to 22 Mar 2026" in html


def test_the_default_report_reaches_back_to_records_made_before_joining(
    therapist_client, patient, therapist
):
    build_history(patient, therapist)  # the patient joined today, the records go back 20 days
    html = therapist_client.get(report_url(patient)).content.decode()
    assert "2 Mar 2026 to 22 Mar 2026" in html


def test_report_for_a_chosen_range(therapist_client, history):
    html = therapist_client.get(
        report_url(history, start=day(0).isoformat(), end=day(6).isoformat())
    ).content.decode()
    assert "2 Mar 2026 to 8 Mar 2026" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-13-01"}, "Enter a date such as 2026-03-31."),
        ({"start": day(10).isoformat(), "end": day(5).isoformat()}, "The start date is after"),
        ({"start": (day(TODAY) + timedelta(days=3)).isoformat()}, "has not started yet"),
        ({"start": "2024-01-01", "end": day(TODAY).isoformat()}, "Choose at most 366 days."),
    ],
)
def test_a_bad_range_gets_a_message_and_a_400(therapist_client, history, query, message):
    for url in (report_url(history, **query), pdf_url(history, **query)):
        response = therapist_client.get(url)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_the_pdf_is_a_pdf_and_on_the_audit_log_as_an_export(therapist_client, history, therapist):
    response = therapist_client.get(pdf_url(history))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith('attachment; filename="progress-report-')
    assert AuditEvent.objects.filter(
        action="export", patient_id=history.pk, actor=therapist
    ).exists()


@pytest.mark.parametrize("who", ["other_therapist_client", "patient_client"])
def test_others_get_404(request, history, who):
    client = request.getfixturevalue(who)
    assert client.get(report_url(history)).status_code == 404
    assert client.get(pdf_url(history)).status_code == 404


def test_report_refuses_post(therapist_client, history):
    assert therapist_client.post(report_url(history)).status_code == 405
    assert therapist_client.post(pdf_url(history)).status_code == 405


@pytest.mark.parametrize("weeks", [2, 8])
def test_report_page_query_count_does_not_grow(
    therapist_client, patient, therapist, weeks, django_assert_max_num_queries
):
    for week in range(weeks):
        session(patient, TODAY - 7 * week, ["manual_therapy"])
        flare(patient, TODAY - 7 * week + 1, TODAY - 7 * week + 3)
    start = (day(TODAY) - timedelta(days=7 * weeks)).isoformat()
    # (+1: the staleness banner's heartbeat, ops.banner)
    with django_assert_max_num_queries(23):
        therapist_client.get(report_url(patient, start=start))


# --- Clinic flare-ups ----------------------------------------------------------------------------


def test_clinic_flares_page_shows_counts_and_rates_per_intervention(therapist_client, clinic):
    for number in range(12):
        patient = PatientFactory(clinic=clinic)
        session(patient, 2, ["dry_needling"])
        if number < 3:
            flare(patient, 3, 5)
    small = PatientFactory(clinic=clinic)
    session(small, 4, ["manual_therapy"])
    response = therapist_client.get(FLARES + f"?start={day(0).isoformat()}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dry needling" in html
    assert "3 of 12" in html and "25%" in html  # a rate with its interval
    assert "1 session: too few for a rate" in html or "0 of 1" in html


def test_therapists_cannot_split_the_clinic_per_therapist(therapist_client, clinic_admin_client):
    response = therapist_client.get(FLARES + "?group=therapist")
    assert response.status_code == 400
    assert "Choose one of the groupings shown." in response.content.decode()
    assert clinic_admin_client.get(FLARES + "?group=therapist").status_code == 200


def test_clinic_flares_htmx_gets_the_tables_only(therapist_client):
    response = therapist_client.get(FLARES, **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


def test_patients_get_404_and_post_is_405(patient_client, therapist_client):
    assert patient_client.get(FLARES).status_code == 404
    assert therapist_client.post(FLARES).status_code == 405


@pytest.mark.parametrize("patients", [2, 8])
def test_clinic_flares_query_count_does_not_grow_with_the_sessions(
    clinic_admin_client, clinic, patients, django_assert_max_num_queries
):
    for _ in range(patients):
        patient = PatientFactory(clinic=clinic)
        for week in range(3):
            session(patient, 7 * week, ["dry_needling", "education"])
            flare(patient, 7 * week + 1, 7 * week + 2)
    with django_assert_max_num_queries(11):
        clinic_admin_client.get(FLARES + f"?start={day(0).isoformat()}&group=diagnosis")
