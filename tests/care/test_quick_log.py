"""The quick-log link: no login, one entry, scoped to its patient and check-in, 24 hours,
single use, tamper-proof; red-flag screening and guidance as for a logged-in entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from redflags.models import Alert, TriageAction
from reminders.models import QuickLogToken
from symptoms.models import SymptomEntry
from tests.reminders.conftest import (
    DAY,
    add_session,
    at,
    entry_answers,
    log,
    quick_log_path,
    run_at,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("working_mail")]

DONE = reverse("care:quick_log_done")
HTMX = {"HX-Request": "true"}


def _html(response) -> str:
    return response.content.decode()


# --- Opening the link -----------------------------------------------------------------------------


def test_the_link_opens_the_entry_form_without_login_with_the_check_in_fixed(client, link, patient):
    log(patient, at(DAY, "10:00"), "before_session", notes="Knee worse on the stairs")
    response = client.get(link)
    html = _html(response)
    assert response.status_code == 200
    assert "How do you feel after your session today?" in html
    assert 'id="entry-form"' in html
    # The check-in is the link's: one choice, chosen and locked.
    assert 'value="after_session"' in html and "checked" in html and "disabled" in html
    assert 'value="daily"' not in html
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_the_page_shows_nothing_of_the_record_and_only_the_first_name(client, link, patient):
    log(patient, at(DAY, "10:00"), "before_session", notes="Knee worse on the stairs")
    html = _html(client.get(link))
    assert "Hi Pat." in html
    for private in (
        "Pat Patient",
        "pat@example.test",
        "Knee worse on the stairs",
        "My diary",
        "Tess",
    ):
        assert private not in html


def test_saving_stores_one_entry_for_the_links_patient_and_session(
    client, link, patient, session_day_reminder
):
    session, _message = session_day_reminder
    response = client.post(link, entry_answers(pain_now="4"))
    assert response.status_code == 302 and response.url == DONE
    entry = SymptomEntry.objects.get(patient=patient)
    assert (entry.context, entry.session, entry.pain_now, entry.via_link, entry.created_by) == (
        "after_session",
        session,
        4,
        True,
        None,
    )
    token = QuickLogToken.objects.get()
    assert token.used_at is not None and token.entry == entry


def test_after_saving_the_patient_sees_the_normal_guidance_and_nothing_else(client, link):
    page = client.get(client.post(link, entry_answers()).url)
    html = _html(page)
    assert page.status_code == 200
    assert "Thank you, your entry is saved" in html
    assert "What you logged" not in html
    assert reverse("accounts:login") in html


def test_an_htmx_save_is_told_to_go_to_the_guidance_page(client, link):
    response = client.post(link, entry_answers(), headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == DONE


def test_a_form_with_mistakes_comes_back_with_errors_and_the_link_still_works(
    client, link, patient
):
    response = client.post(link, entry_answers(pain_now=""))
    assert response.status_code == 200
    assert "Choose a number from 0 to 10." in _html(response)
    assert not SymptomEntry.objects.exists()
    assert QuickLogToken.objects.get().used_at is None
    fragment = client.post(link, entry_answers(pain_now="11"), headers=HTMX)
    assert fragment.status_code == 200
    assert "<html" not in _html(fragment) and 'id="entry-form"' in _html(fragment)
    assert client.post(link, entry_answers()).status_code == 302
    assert SymptomEntry.objects.filter(patient=patient).count() == 1


def test_wrong_method_is_405(client, link):
    assert client.put(link).status_code == 405
    assert client.post(DONE).status_code == 405
    assert client.get(reverse("care:quick_log_emergency_confirm")).status_code == 405


def test_the_save_is_on_the_audit_record_without_the_token(client, link, patient):
    client.post(link, entry_answers())
    event = AuditEvent.objects.filter(action="create", patient_id=patient.pk).get()
    assert event.actor is None
    assert event.path == reverse("care:quick_log") and "t=" not in event.path


# --- Scope ----------------------------------------------------------------------------------------


def test_a_link_logs_only_for_its_patient_and_check_in_whatever_is_posted(
    client, link, patient, other_patient, therapist
):
    other_session = add_session(other_patient, DAY, therapist)
    client.post(
        link,
        entry_answers(
            context="daily", patient=str(other_patient.pk), session=str(other_session.pk)
        ),
    )
    entry = SymptomEntry.objects.get()
    assert entry.patient == patient
    assert entry.context == "after_session"
    assert entry.session != other_session
    assert not SymptomEntry.objects.filter(patient=other_patient).exists()


def test_a_next_morning_link_logs_the_next_morning_check_in_for_yesterdays_session(
    client, patient, session_day_reminder, time_machine
):
    session, _ = session_day_reminder
    run_at(time_machine, at(DAY + timedelta(days=1), "08:01"))
    next_morning = mail.outbox[-1]
    assert next_morning.subject == "How do you feel this morning?"
    client.post(quick_log_path(next_morning), entry_answers())
    entry = SymptomEntry.objects.get()
    assert (entry.context, entry.session, entry.day) == (
        "next_morning",
        session,
        DAY + timedelta(days=1),
    )


# --- Single use, expiry, tampering ----------------------------------------------------------------


def test_a_second_save_with_the_same_link_stores_nothing_more(client, link):
    client.post(link, entry_answers())
    stranger = Client()
    again = stranger.post(
        link, entry_answers(idempotency_key="6f0e3c1a-0000-4000-8000-000000000002")
    )
    assert again.status_code == 410
    assert "This link was already used" in _html(again)
    assert reverse("accounts:login") in _html(again)
    assert SymptomEntry.objects.count() == 1
    assert stranger.get(link).status_code == 410


def test_the_browser_that_saved_goes_back_to_its_guidance_on_a_second_tap(client, link):
    client.post(link, entry_answers())
    assert client.post(link, entry_answers()).url == DONE
    assert client.get(link).url == DONE
    assert SymptomEntry.objects.count() == 1


def test_the_link_expires_after_24_hours(client, link, time_machine):
    time_machine.move_to(at(DAY, "18:02") + timedelta(hours=23, minutes=59), tick=False)
    assert client.get(link).status_code == 200
    time_machine.move_to(at(DAY, "18:02") + timedelta(hours=24), tick=False)
    response = client.get(link)
    assert response.status_code == 410
    assert "This link has expired" in _html(response)
    assert reverse("accounts:login") in _html(response)
    assert client.post(link, entry_answers()).status_code == 410
    assert not SymptomEntry.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda link: link[:-1] + ("A" if link[-1] != "A" else "B"),  # signature changed
        lambda link: link.replace("?t=", "?t=x"),  # token changed
        lambda link: link.split("?")[0],  # no token
        lambda link: link.split("%3A")[0],  # signature cut off
        lambda link: link + "A" * 300,  # far too long
    ],
)
def test_a_tampered_link_gets_a_clear_page_and_saves_nothing(client, link, change):
    tampered = change(link)
    response = client.get(tampered)
    assert response.status_code == 404
    assert "This link does not work" in _html(response)
    assert reverse("accounts:login") in _html(response)
    assert client.post(tampered, entry_answers()).status_code == 404
    assert not SymptomEntry.objects.exists()


def test_a_well_signed_token_that_was_never_issued_is_refused(client):
    from django.core import signing

    from reminders.tokens import QUICK_LOG_SALT

    forged = signing.Signer(salt=QUICK_LOG_SALT).sign("never-issued")
    response = client.get(f"{reverse('care:quick_log')}?t={forged}")
    assert response.status_code == 404


def test_the_guidance_page_needs_the_browser_that_saved(client, link):
    client.post(link, entry_answers())
    assert Client().get(DONE).status_code == 410
    assert client.get(DONE).status_code == 200


# --- Red flags, as for a logged-in entry ----------------------------------------------------------


def test_an_emergency_shows_the_emergency_page_first_without_login(client, link, patient, clinic):
    clinic.emergency_number = "+44 20 7946 0000"
    clinic.save()
    response = client.post(link, entry_answers(saddle_numbness="on"))
    page = client.get(response.url)
    html = _html(page)
    assert page.status_code == 200
    assert "Get help now" in html
    assert 'href="tel:+442079460000"' in html
    assert "You told us you have numbness between your legs." in html
    assert 'id="main-nav"' not in html
    assert reverse("care:quick_log_emergency_confirm") in html
    alert = Alert.objects.get(patient=patient, rule="R1")
    assert alert.severity == "emergency"


def test_confirming_the_emergency_advice_is_recorded_for_the_patient(client, link, patient):
    client.post(link, entry_answers(saddle_numbness="on"))
    alert = Alert.objects.get(patient=patient, rule="R1")
    response = client.post(reverse("care:quick_log_emergency_confirm"))
    assert response.status_code == 302 and response.url == DONE
    action = TriageAction.objects.get(alert=alert, kind="patient_confirmed")
    assert action.actor == patient.user
    assert "You told us you have read this." in _html(client.get(DONE))


def test_confirming_needs_the_browser_that_saved(client, link, patient):
    client.post(link, entry_answers(saddle_numbness="on"))
    assert Client().post(reverse("care:quick_log_emergency_confirm")).status_code == 410
    assert not TriageAction.objects.filter(kind="patient_confirmed").exists()


def test_an_urgent_answer_gets_the_urgent_guidance(client, link, patient):
    client.post(link, entry_answers(nerve_symptoms_limit_activities="on"))
    html = _html(client.get(DONE))
    assert "Your clinic will contact you today" in html
    assert Alert.objects.filter(patient=patient, rule="R4").exists()


def test_the_guidance_page_closes_two_hours_after_the_save(client, link, time_machine):
    client.post(link, entry_answers())
    time_machine.move_to(at(DAY, "18:02") + timedelta(hours=1, minutes=59), tick=False)
    assert client.get(DONE).status_code == 200
    time_machine.move_to(at(DAY, "18:02") + timedelta(hours=2, minutes=1), tick=False)
    assert client.get(DONE).status_code == 410


def test_the_link_works_in_a_browser_where_a_clinician_is_logged_in_but_not_verified(
    link, therapist
):
    # A shared family computer: the link pages never use the session's login, so two-step
    # verification of whoever is logged in there must not stand in the way.
    browser = Client()
    browser.force_login(therapist)
    response = browser.get(link)
    assert response.status_code == 200
    assert 'name="pain_now"' in response.content.decode()
