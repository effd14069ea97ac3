import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_anonymous_home_redirects_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_patient_home_is_today(patient_client):
    response = patient_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("care:today")


def test_therapist_home_is_caseload(therapist_client):
    response = therapist_client.get(reverse("home"))
    assert response["Location"] == reverse("dashboard:caseload")
