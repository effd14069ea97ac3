"""Viewing, correcting and deleting a symptom entry within its correction window (issue 2)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from symptoms.models import DailySummary, SymptomEntry
from tests.factories import SymptomEntryFactory
from tests.symptoms.conftest import NOW, entry_post, is_checked, make_alert

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("care:entry_create")
HTMX = {"HTTP_HX_REQUEST": "true"}


def detail_url(entry):
    return reverse("care:entry_detail", args=[entry.pk])


def edit_url(entry):
    return reverse("care:entry_edit", args=[entry.pk])


def delete_url(entry):
    return reverse("care:entry_delete", args=[entry.pk])


# --- entry_detail: what you logged and the guidance ------------------------------------------


@pytest.fixture
def entry(patient, frozen_now):
    return SymptomEntryFactory(
        patient=patient,
        created_at=NOW,
        recorded_at=NOW,
        pain_now=4,
        pain_worst=6,
        descriptors=["burning", "tingling"],
        regions=["left_thigh"],
    )


def test_patient_sees_what_they_logged_and_the_reassurance(patient_client, entry):
    response = patient_client.get(detail_url(entry))
    html = response.content.decode()
    assert response.status_code == 200
    assert "What you logged" in html
    assert "Burning, Tingling" in html
    assert "Left thigh" in html
    assert "Thank you, your entry is saved" in html
    assert "Keep moving gently" in html
    assert "None of the listed warning signs" in html


def test_times_are_shown_in_the_patients_time_zone(patient_client, patient, frozen_now):
    patient.time_zone = "America/New_York"
    patient.save()
    entry = SymptomEntryFactory(patient=patient, recorded_at=NOW, created_at=NOW)
    # 15:00 in London is 10:00 in New York.
    assert "10:00" in patient_client.get(detail_url(entry)).content.decode()


def test_patient_can_change_or_delete_within_the_window(patient_client, entry):
    html = patient_client.get(detail_url(entry)).content.decode()
    assert edit_url(entry) in html
    assert delete_url(entry) in html
    assert "until 15:30" in html


def test_after_the_window_the_entry_page_offers_no_changes(patient_client, entry):
    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        html = patient_client.get(detail_url(entry)).content.decode()
    assert edit_url(entry) not in html
    assert delete_url(entry) not in html
    assert "part of your record" in html


def test_an_entry_behind_an_alert_can_be_corrected_but_not_deleted(patient_client, entry):
    make_alert(entry)
    html = patient_client.get(detail_url(entry)).content.decode()
    assert edit_url(entry) in html
    assert delete_url(entry) not in html
    response = patient_client.post(delete_url(entry), {"confirm": "yes"})
    assert "This entry is part of your record now" in response.content.decode()
    assert SymptomEntry.objects.filter(pk=entry.pk).exists()


def test_the_entry_page_gives_the_guidance_of_its_alert(patient_client, entry):
    make_alert(entry, severity="review", rule="R9")
    html = patient_client.get(detail_url(entry)).content.decode()
    assert "Thank you, your entry is saved" not in html
    assert "Keep moving gently" not in html


@pytest.mark.parametrize("viewer", ["therapist_client", "clinic_admin_client"])
def test_clinicians_of_the_patient_may_look_but_not_change(request, entry, viewer):
    html = request.getfixturevalue(viewer).get(detail_url(entry)).content.decode()
    assert "Symptom entry of Pat Patient" in html
    assert "Advice the patient sees" in html
    assert edit_url(entry) not in html
    assert delete_url(entry) not in html


@pytest.mark.parametrize(
    "stranger", ["other_patient_client", "other_therapist_client", "other_clinic_admin_client"]
)
def test_strangers_get_404_on_the_entry(request, entry, stranger):
    assert request.getfixturevalue(stranger).get(detail_url(entry)).status_code == 404


def test_entry_page_refuses_post(patient_client, entry):
    assert patient_client.post(detail_url(entry)).status_code == 405


def test_htmx_gets_the_entry_fragment(patient_client, entry):
    response = patient_client.get(detail_url(entry), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="entry"')
    assert "<html" not in html


# --- entry_edit: correcting within 30 minutes ------------------------------------------------


def test_patient_gets_the_correction_form_with_their_answers(patient_client, entry):
    response = patient_client.get(edit_url(entry))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Correct your entry" in html
    assert f'action="{edit_url(entry)}"' in html
    assert is_checked(html, "pain_now", "4")
    assert is_checked(html, "descriptors", "tingling")
    assert is_checked(html, "screening_none")
    assert 'name="idempotency_key"' not in html


def test_patient_corrects_the_entry_within_the_window(patient_client, entry):
    with time_machine.travel(NOW + dt.timedelta(minutes=20), tick=False):
        response = patient_client.post(edit_url(entry), entry_post(pain_now="2", pain_worst="3"))
    entry.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == detail_url(entry)
    assert (entry.pain_now, entry.pain_worst) == (2, 3)
    assert entry.corrected_at == NOW + dt.timedelta(minutes=20)
    assert DailySummary.objects.get(day=entry.day).daily_pain == 3


def test_htmx_correction_sends_the_browser_to_the_entry(patient_client, entry):
    response = patient_client.post(edit_url(entry), entry_post(pain_now="2"), **HTMX)
    assert response["HX-Redirect"] == detail_url(entry)


def test_htmx_invalid_correction_comes_back_as_the_fragment(patient_client, entry):
    response = patient_client.post(edit_url(entry), entry_post(notes="x" * 2001), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Your note is too long" in html
    entry.refresh_from_db()
    assert entry.notes == ""


def test_after_30_minutes_the_entry_is_part_of_the_record(patient_client, entry):
    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        page = patient_client.get(edit_url(entry))
        post = patient_client.post(edit_url(entry), entry_post(pain_now="0", pain_worst="0"))
    entry.refresh_from_db()
    assert page.status_code == 200
    assert "This entry is part of your record now" in page.content.decode()
    assert "This entry is part of your record now" in post.content.decode()
    assert (entry.pain_now, entry.pain_worst) == (4, 6)


@pytest.mark.parametrize("stranger", ["therapist_client", "other_patient_client"])
def test_nobody_else_may_correct_an_entry(request, entry, stranger):
    client = request.getfixturevalue(stranger)
    assert client.get(edit_url(entry)).status_code == 404
    assert client.post(edit_url(entry), entry_post(pain_now="0")).status_code == 404
    entry.refresh_from_db()
    assert entry.pain_now == 4


def test_correction_page_refuses_other_methods(patient_client, entry):
    assert patient_client.put(edit_url(entry)).status_code == 405


def test_htmx_gets_the_correction_form_fragment(patient_client, entry):
    html = patient_client.get(edit_url(entry), **HTMX).content.decode()
    assert html.lstrip().startswith('<form id="entry-form"')


# --- entry_delete ----------------------------------------------------------------------------


def test_delete_without_confirming_asks_first(patient_client, entry):
    response = patient_client.post(delete_url(entry))
    assert response.status_code == 200
    assert "Delete this entry?" in response.content.decode()
    assert SymptomEntry.objects.filter(pk=entry.pk).exists()


def test_confirmed_delete_removes_the_entry_and_its_days_pain(patient_client, patient, entry):
    DailySummary.objects.create(patient=patient, day=entry.day, daily_pain=6, entry_count=1)
    response = patient_client.post(delete_url(entry), {"confirm": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("care:diary")
    assert not SymptomEntry.objects.filter(pk=entry.pk).exists()
    assert not DailySummary.objects.filter(patient=patient).exists()


def test_htmx_delete_sends_the_browser_to_the_diary(patient_client, entry):
    response = patient_client.post(delete_url(entry), {"confirm": "yes"}, **HTMX)
    assert response["HX-Redirect"] == reverse("care:diary")
    assert not SymptomEntry.objects.filter(pk=entry.pk).exists()


def test_htmx_delete_without_confirming_gets_the_question_fragment(patient_client, entry):
    html = patient_client.post(delete_url(entry), **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="entry-confirm-delete"')


def test_delete_after_the_window_is_refused(patient_client, entry):
    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        response = patient_client.post(delete_url(entry), {"confirm": "yes"})
    assert "This entry is part of your record now" in response.content.decode()
    assert SymptomEntry.objects.filter(pk=entry.pk).exists()


def test_delete_needs_post(patient_client, entry):
    assert patient_client.get(delete_url(entry)).status_code == 405


@pytest.mark.parametrize("stranger", ["therapist_client", "other_patient_client"])
def test_nobody_else_may_delete_an_entry(request, entry, stranger):
    response = request.getfixturevalue(stranger).post(delete_url(entry), {"confirm": "yes"})
    assert response.status_code == 404
    assert SymptomEntry.objects.filter(pk=entry.pk).exists()
