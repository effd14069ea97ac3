"""The clinic admin's view: open alerts by severity and age, and time to acknowledgement per
therapist over the last 30 days, against hand-computed figures."""

from datetime import timedelta

import pytest
from django.urls import reverse

from dashboard.clinic_view import clinic_overview
from tests.dashboard.conftest import TODAY, alert, moment
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:clinic")


def test_clinic_admin_sees_the_clinic_view(clinic_admin_client):
    response = clinic_admin_client.get(URL)
    assert response.status_code == 200
    assert "Time to acknowledgement, last 30 days" in response.text


def test_therapist_gets_404(therapist_client):
    assert therapist_client.get(URL).status_code == 404


def test_patient_gets_404(patient_client):
    assert patient_client.get(URL).status_code == 404


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_post_is_not_allowed(clinic_admin_client):
    assert clinic_admin_client.post(URL).status_code == 405


@pytest.fixture
def alerts(patient, other_patient, therapist, other_therapist, other_clinic):
    now = moment(patient, TODAY, "12:00")
    # Tess's patient: open 2 h; acknowledged after 30 min (still open); acknowledged after 2 h,
    # then resolved; resolved after 4 h without an acknowledgement.
    alert(patient, "R7", "urgent", opened=now - timedelta(hours=2))
    day18 = moment(patient, 18, "09:00")
    alert(
        patient,
        "R2",
        "urgent",
        opened=day18,
        state="acknowledged",
        acknowledged=day18 + timedelta(minutes=30),
        actor=therapist,
    )
    day15 = moment(patient, 15, "09:00")
    alert(
        patient,
        "R9",
        "review",
        opened=day15,
        state="resolved",
        acknowledged=day15 + timedelta(hours=2),
        resolved=day15 + timedelta(hours=3),
        actor=therapist,
    )
    day10 = moment(patient, 10, "09:00")
    alert(
        patient,
        "R8",
        "review",
        opened=day10,
        state="resolved",
        resolved=day10 + timedelta(hours=4),
        actor=therapist,
    )
    # Owen's patient: acknowledged after 10 min (open); one from 40 days ago (outside).
    day19 = moment(other_patient, 19, "09:10")
    alert(
        other_patient,
        "R12",
        "review",
        opened=day19,
        state="acknowledged",
        acknowledged=day19 + timedelta(minutes=10),
        actor=other_therapist,
    )
    old = now - timedelta(days=40)
    alert(
        other_patient,
        "R13",
        "low",
        opened=old,
        state="resolved",
        acknowledged=old + timedelta(days=1),
        resolved=old + timedelta(days=1),
    )
    # Another clinic's emergency never shows here.
    stranger = PatientFactory(clinic=other_clinic)
    alert(stranger, "R1", "emergency")


def test_open_alerts_by_severity_and_age(clinic_admin, alerts):
    overview = clinic_overview(clinic_admin)
    # Open now: urgent 2 h old, urgent acknowledged 2 d 3 h old, review acknowledged 1 d 3 h.
    assert [(row.severity, row.counts) for row in overview.age_rows] == [
        ("emergency", (0, 0, 0, 0)),
        ("urgent", (1, 1, 0, 0)),
        ("review", (0, 1, 0, 0)),
        ("low", (0, 0, 0, 0)),
    ]
    assert overview.open_total == 3


def test_time_to_acknowledgement_per_therapist(clinic_admin, alerts, therapist, other_therapist):
    overview = clinic_overview(clinic_admin)
    rows = {row.therapist: row.stats for row in overview.ack_rows}
    # Tess: 4 opened, waits 30 min, 2 h, 4 h: median 2 h, 90th percentile (rank 3 of 3) 4 h.
    tess = rows[therapist]
    assert (tess.opened, tess.acknowledged, tess.waiting) == (4, 3, 1)
    assert (tess.median, tess.p90) == (timedelta(hours=2), timedelta(hours=4))
    # Owen: one wait of 10 min; the 40-day-old alert is outside the window.
    owen = rows[other_therapist]
    assert (owen.opened, owen.median, owen.p90) == (1, timedelta(minutes=10), timedelta(minutes=10))
    # The clinic: 10 min, 30 min, 2 h, 4 h: median 1 h 15 min, 90th percentile 4 h.
    assert overview.ack_all.opened == 5
    assert (overview.ack_all.median, overview.ack_all.p90) == (
        timedelta(hours=1, minutes=15),
        timedelta(hours=4),
    )


def test_clinic_page_shows_the_figures(clinic_admin_client, alerts):
    text = clinic_admin_client.get(URL).text
    assert "3 open alerts, by severity and age" in text
    assert "Tess Therapist" in text
    assert "1 h 15 min" in text


def test_other_clinic_admin_sees_only_their_clinic(other_clinic_admin, alerts):
    overview = clinic_overview(other_clinic_admin)
    assert overview.open_total == 1
    assert overview.age_rows[0].counts == (1, 0, 0, 0)
    assert overview.ack_all.opened == 1
