"""One-click unsubscribe per kind, without logging in (and RFC 8058 from the mail client)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from reminders.models import ReminderPreference
from reminders.tokens import unsubscribe_token
from tests.reminders.conftest import DAY, add_session, at, path_of, run_at, unsubscribe_path

pytestmark = pytest.mark.django_db


def _preference(patient) -> ReminderPreference:
    return ReminderPreference.objects.get(patient=patient)


def test_the_email_link_asks_first_then_turns_off_that_kind_only(
    client, session_day_reminder, patient
):
    url = unsubscribe_path(session_day_reminder[1])
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop “After-session check-in” emails?" in page.content.decode()
    # Opening the link (a mail scanner might) changes nothing.
    assert not ReminderPreference.objects.filter(patient=patient).exists()

    done = client.post(url)
    assert done.status_code == 200
    assert "You will not get “After-session check-in” emails any more." in done.content.decode()
    preference = _preference(patient)
    assert preference.after_session_enabled is False
    assert preference.next_morning_enabled is True


def test_the_header_link_works_with_a_one_click_post_from_the_mail_client(
    session_day_reminder, patient
):
    message = session_day_reminder[1]
    header = message.extra_headers["List-Unsubscribe"].strip("<>")
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        path_of(header),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert _preference(patient).after_session_enabled is False


def test_no_more_emails_of_that_kind_after_unsubscribing(
    client, session_day_reminder, patient, therapist, time_machine
):
    client.post(unsubscribe_path(session_day_reminder[1]))
    next_week = DAY + timedelta(days=7)
    add_session(patient, next_week, therapist)
    run_at(time_machine, at(next_week, "18:05"))
    run_at(time_machine, at(next_week + timedelta(days=1), "08:05"))
    assert [m.subject for m in mail.outbox] == [
        "How do you feel after your session today?",
        "How do you feel this morning?",
    ]


@pytest.mark.parametrize("kind", ["after_session", "next_morning", "daily", "exercise"])
def test_each_kind_has_its_own_unsubscribe(client, patient, kind):
    client.post(reverse("reminders:unsubscribe", args=[unsubscribe_token(patient.pk, kind)]))
    preference = _preference(patient)
    assert [
        preference.is_enabled(k) for k in ("after_session", "next_morning", "daily", "exercise")
    ] == [
        k != kind and k in ("after_session", "next_morning")
        for k in ("after_session", "next_morning", "daily", "exercise")
    ]


@pytest.mark.parametrize(
    "token",
    [
        lambda patient: unsubscribe_token(patient.pk, "after_session")[:-2] + "xx",
        lambda patient: unsubscribe_token(patient.pk, "everything"),
        lambda patient: unsubscribe_token(999999, "after_session"),
        lambda patient: "not-a-token",
    ],
)
def test_a_changed_or_unknown_link_changes_nothing(client, patient, token):
    url = reverse("reminders:unsubscribe", args=[token(patient)])
    assert client.get(url).status_code == 404
    response = client.post(url)
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert not ReminderPreference.objects.exists()


def test_unsubscribe_rejects_other_methods(client, patient):
    url = reverse("reminders:unsubscribe", args=[unsubscribe_token(patient.pk, "daily")])
    assert client.put(url).status_code == 405
