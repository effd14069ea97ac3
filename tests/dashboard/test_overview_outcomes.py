"""The outcomes panel on the patient overview (issue 16)."""

import pytest
from django.urls import reverse

from outcomes.services import groc_record, psfs_rate, psfs_request, psfs_setup

from .conftest import build_history, moment

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(patient):
    return reverse("dashboard:patient_overview", args=[patient.pk])


@pytest.fixture
def measured(patient, therapist):
    build_history(patient, therapist)
    psfs_setup(
        patient, [("Stairs", 2), ("Socks", 3)], actor=therapist, recorded_at=moment(patient, 0)
    )
    ids = list(patient.psfs_activities.values_list("pk", flat=True))
    psfs_rate(patient, dict.fromkeys(ids, 5), actor=None, recorded_at=moment(patient, 14))
    groc_record(patient, -4, actor=None, recorded_at=moment(patient, 15))
    return patient


def test_panel_shows_each_measure_against_its_mcid_and_the_overall_outcome(
    therapist_client, measured
):
    response = therapist_client.get(url(measured))
    assert response.status_code == 200
    panel = response.context["outcomes"]
    assert panel.outcomes.psfs.change == 2.5
    assert panel.outcomes.overall == "worse"  # GROC -4 outweighs the PSFS gain
    html = response.content.decode()
    assert 'id="outcomes-heading"' in html
    assert "2 points on the mean (Stratford 1995; Horn 2012)" in html
    assert 'class="verdict verdict-worse"' in html
    assert "overview-outcomes-title" in html  # the chart, with its title for screen readers
    assert reverse("outcomes:psfs_request", args=[measured.pk]) in html
    assert reverse("dashboard:patient_report", args=[measured.pk]) in html
    assert reverse("fhir_export:patient_bundle", args=[measured.pk]) in html


def test_panel_says_when_the_therapist_asked_for_the_discharge_rating(
    therapist_client, measured, therapist
):
    psfs_request(measured, "discharge", actor=therapist)
    html = therapist_client.get(url(measured)).content.decode()
    assert "Asked for: discharge rating." in html


def test_panel_without_activities_offers_to_name_them(therapist_client, patient):
    html = therapist_client.get(url(patient)).content.decode()
    assert "Name the activities (PSFS)" in html
    assert "No measures yet" in html


def test_htmx_range_switch_keeps_the_panel(therapist_client, measured):
    response = therapist_client.get(url(measured) + "?range=12w", **HTMX)
    html = response.content.decode()
    assert "<html" not in html and 'id="outcomes-heading"' in html
