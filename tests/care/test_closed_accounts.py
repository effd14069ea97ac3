"""Closed accounts (issue 11): a quick-log link of a closed or deactivated patient answers 410
to GET and POST and stores nothing (no entry, no screening); closing an account revokes the
patient's open links and gives up their reminder emails not yet sent."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.closure import patient_account_close
from care.services import patient_close, quick_log_record
from core.models import OutboxMessage, OutboxState
from redflags.models import Alert
from reminders.models import QuickLogToken
from reminders.services import QuickLogClosed, quick_log_token_get, reminders_send_due
from symptoms.models import SymptomEntry
from tests.factories import TEST_PASSWORD
from tests.reminders.conftest import DAY, at, entry_answers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("working_mail")]

EMERGENCY = {"saddle_numbness": "on"}


def _nothing_stored(patient) -> bool:
    return (
        not SymptomEntry.objects.filter(patient=patient).exists()
        and not Alert.objects.filter(patient=patient).exists()
    )


def test_a_closed_patient_s_link_answers_410_and_stores_nothing(client, link, patient):
    patient_account_close(patient)  # closed without the care use case: the link itself refuses

    page = client.get(link)
    assert page.status_code == 410
    assert "This link no longer works" in page.text
    assert "The account it was for is closed" in page.text

    saved = client.post(link, entry_answers(**EMERGENCY))
    assert saved.status_code == 410
    assert _nothing_stored(patient)
    assert QuickLogToken.objects.get().used_at is None


def test_a_deactivated_patient_s_link_answers_410_too(client, link, patient):
    patient.user.is_active = False
    patient.user.save(update_fields=["is_active"])
    assert client.get(link).status_code == 410
    assert client.post(link, entry_answers()).status_code == 410
    assert _nothing_stored(patient)


def test_an_htmx_post_of_a_closed_link_reloads_the_page_and_stores_nothing(client, link, patient):
    patient_account_close(patient)
    response = client.post(link, entry_answers(), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == link
    assert _nothing_stored(patient)


def test_a_link_opened_before_the_account_closed_cannot_save_after(link, patient):
    token = quick_log_token_get(parse_qs(urlsplit(link).query)["t"][0])
    patient_account_close(patient)
    with pytest.raises(QuickLogClosed):
        quick_log_record(token, {"pain_now": 2, "pain_worst": 2, "saddle_numbness": True})
    assert _nothing_stored(patient)


def test_closing_the_account_revokes_open_links_and_unsent_reminders(
    link, patient, settings, time_machine
):
    token = QuickLogToken.objects.get()
    reminder_email = OutboxMessage.objects.get(kind="reminder")
    OutboxMessage.objects.filter(pk=reminder_email.pk).update(
        state=OutboxState.PENDING, attempts=2, sent_at=None
    )

    patient_close(patient)

    token.refresh_from_db()
    assert token.expires_at <= timezone.now()
    reminder_email.refresh_from_db()
    assert reminder_email.state == OutboxState.DISCARDED
    assert reminder_email.body_text == ""
    # No later reminder either.
    time_machine.move_to(at(DAY, "23:00"), tick=False)
    assert reminders_send_due(now=at(DAY, "23:00")).get("sent", 0) == 0


def test_closing_from_my_data_revokes_the_links(link, patient):
    client = Client()
    client.force_login(patient.user)
    response = client.post(
        reverse("rights:account_close"), {"password": TEST_PASSWORD, "understand": "on"}
    )
    assert response.status_code == 302
    assert Client().get(link).status_code == 410
    token = QuickLogToken.objects.get()
    assert token.expires_at <= timezone.now() and token.used_at is None
