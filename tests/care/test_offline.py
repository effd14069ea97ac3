"""Entries saved on the phone offline and sent later (issue 17): stored once however often they
are sent, with the time the patient logged them (within bounds), refused ones answered with
the messages to fix them; the pages the phone keeps, and the emergency advice kept there."""

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse

from accounts.offline import OFFLINE_HEADER, offline_user_key
from redflags.models import Alert
from symptoms.models import SymptomEntry
from tests.symptoms.conftest import NOW, entry_post

pytestmark = pytest.mark.django_db

SYNC = reverse("care:offline_sync")
SESSION = reverse("care:offline_session")
EMERGENCY = reverse("care:offline_emergency")
LOG = reverse("care:entry_create")


def sent(client, key=None, logged_at=None, **answers):
    data = entry_post(**answers)
    data["idempotency_key"] = key or str(uuid.uuid4())
    if logged_at is not None:
        data["logged_at"] = logged_at.isoformat()
    return client.post(SYNC, data)


def test_an_entry_sent_again_and_again_is_stored_once(patient_client, patient, frozen_now):
    key = str(uuid.uuid4())
    first = sent(patient_client, key)
    assert first.status_code == 201
    entry = SymptomEntry.objects.get()
    assert first.json() == {
        "status": "saved",
        "entry": reverse("care:entry_detail", args=[entry.pk]),
        "emergency": "",
    }
    for _ in range(3):
        again = sent(patient_client, key)
        assert again.status_code == 200
        assert again.json()["status"] == "duplicate"
        assert again.json()["entry"] == first.json()["entry"]
    assert SymptomEntry.objects.count() == 1
    assert entry.idempotency_key == key and entry.patient == patient


def test_the_entry_keeps_the_time_the_patient_logged_it(patient_client, frozen_now):
    logged = NOW - dt.timedelta(hours=30)
    assert sent(patient_client, logged_at=logged).status_code == 201
    entry = SymptomEntry.objects.get()
    assert entry.recorded_at == logged
    # The patient's local day of that time: the day every rule uses.
    assert entry.day == dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (dt.timedelta(hours=-72, minutes=-1), "more than 72 hours ago"),
        (dt.timedelta(minutes=6), "in the future"),
    ],
)
def test_a_time_out_of_bounds_is_refused_with_a_message(
    patient_client, frozen_now, offset, message
):
    response = sent(patient_client, logged_at=NOW + offset)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "rejected"
    assert [e["field"] for e in body["errors"]] == ["logged_at"]
    assert message in body["errors"][0]["message"]
    assert SymptomEntry.objects.count() == 0


def test_a_phone_clock_a_little_ahead_counts_as_now(patient_client, frozen_now):
    assert sent(patient_client, logged_at=NOW + dt.timedelta(minutes=4)).status_code == 201
    assert SymptomEntry.objects.get().recorded_at == NOW


def test_an_entry_the_form_refuses_comes_back_with_each_question_and_message(
    patient_client, frozen_now
):
    response = sent(patient_client, pain_now="7", pain_worst="3")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "pain_worst"
    assert error["label"] == "What was your worst pain since you last logged?"
    assert "can't be lower than your pain now (7)" in error["message"]
    assert SymptomEntry.objects.count() == 0


def test_an_entry_without_its_key_is_refused(patient_client, frozen_now):
    response = patient_client.post(SYNC, entry_post())
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "idempotency_key"
    assert SymptomEntry.objects.count() == 0


def test_an_emergency_answer_is_screened_when_it_arrives(patient_client, patient, frozen_now):
    response = sent(patient_client, saddle_numbness="on", screening_none=None)
    assert response.status_code == 201
    alert = Alert.objects.get(patient=patient, rule="R1")
    assert response.json()["emergency"] == reverse("redflags:emergency", args=[alert.pk])
    # The patient's next page is the emergency advice, as after any save.
    today = patient_client.get(reverse("care:today"))
    assert today["Location"] == reverse("redflags:emergency", args=[alert.pk])


def test_nobody_logged_in_gets_the_login_redirect_and_nothing_is_stored(client, frozen_now):
    response = sent(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(SESSION).status_code == 302
    assert SymptomEntry.objects.count() == 0


def test_a_clinician_cannot_send_entries(therapist_client, frozen_now):
    assert sent(therapist_client).status_code == 404
    assert therapist_client.get(SESSION).status_code == 404


def test_the_session_check_names_the_user_by_their_offline_key(patient_client, patient):
    response = patient_client.get(SESSION)
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == offline_user_key(patient.user)
    assert str(patient.user.pk) != body["user"] and patient.user.email not in body["user"]
    assert len(body["csrf"]) >= 32
    assert response["Cache-Control"] == "no-store"


def test_users_have_different_offline_keys(patient, other_patient):
    assert offline_user_key(patient.user) != offline_user_key(other_patient.user)


# --- The pages a phone keeps -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["care:entry_create", "care:today", "care:offline_emergency"])
def test_the_patient_pages_a_phone_keeps_name_their_user(patient_client, patient, name):
    response = patient_client.get(reverse(name))
    assert response.status_code == 200
    assert response[OFFLINE_HEADER] == offline_user_key(patient.user)


def test_an_entry_page_is_kept_but_not_its_fragment(patient_client, patient, frozen_now):
    sent(patient_client)
    url = reverse("care:entry_detail", args=[SymptomEntry.objects.get().pk])
    assert OFFLINE_HEADER in patient_client.get(url)
    assert OFFLINE_HEADER not in patient_client.get(url, HTTP_HX_REQUEST="true")


def test_a_clinician_page_is_never_kept_nor_stored_in_the_browser(therapist_client, patient):
    for url in (
        reverse("dashboard:caseload"),
        reverse("dashboard:patient_overview", args=[patient.pk]),
        reverse("redflags:inbox"),
    ):
        response = therapist_client.get(url)
        assert response.status_code == 200
        assert OFFLINE_HEADER not in response
        assert "no-store" in response["Cache-Control"]


def test_the_log_page_carries_the_rule_sets_emergency_answers(patient_client, frozen_now):
    html = patient_client.get(LOG).content.decode()
    answers = re.search(r'data-emergency-answers="([^"]*)"', html).group(1).split()
    assert answers == ["bladder_bowel_change", "saddle_numbness", "sexual_dysfunction_new"]
    assert f'data-offline-emergency="{EMERGENCY}"' in html
    assert 'name="logged_at"' in html


def test_the_kept_emergency_advice_has_the_clinics_number(patient_client, patient):
    patient.clinic.emergency_number = "+44 20 7946 0000"
    patient.clinic.save()
    html = patient_client.get(EMERGENCY).content.decode()
    assert "Get help now" in html
    assert 'href="tel:+442079460000"' in html
    assert 'data-answer="saddle_numbness"' in html
    assert "Numbness between your legs or around your bottom" in html


def test_the_log_page_accepts_the_time_of_an_entry_saved_offline(patient_client, frozen_now):
    logged = NOW - dt.timedelta(hours=2)
    data = entry_post(idempotency_key=str(uuid.uuid4()), logged_at=logged.isoformat())
    response = patient_client.post(LOG, data)
    assert response.status_code == 302
    assert SymptomEntry.objects.get().recorded_at == logged


def test_logging_out_clears_the_browsers_cache_of_the_site(patient_client):
    response = patient_client.post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache"'
