"""Logging in by email, logging out, resetting a password, and the axes cool-off."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMessage
from tests.accounts.conftest import link_path
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _log_in(client, email, password=TEST_PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def test_login_page_offers_password_reset(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert reverse("accounts:password_reset") in response.text
    assert "Forgot your password?" in response.text


def test_login_by_email_ignores_case_and_spaces(client, therapist):
    response = _log_in(client, "  Tess@Example.TEST ")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(therapist.pk)


def test_wrong_password_shows_an_error_and_no_session(client, therapist):
    response = _log_in(client, "tess@example.test", "not-the-password")
    assert response.status_code == 200
    assert "enter a correct email address and password" in response.text.lower()
    assert SESSION_KEY not in client.session


def test_invited_patient_without_password_cannot_log_in(client, invited_patient):
    response = _log_in(client, "nina@example.test", "")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_logout_by_post_ends_the_session(therapist_client):
    response = therapist_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert SESSION_KEY not in therapist_client.session


def test_logout_by_get_gets_405_and_keeps_the_session(therapist_client, therapist):
    assert therapist_client.get(reverse("accounts:logout")).status_code == 405
    assert therapist_client.session[SESSION_KEY] == str(therapist.pk)


# Password reset -------------------------------------------------------------------------------


def test_password_reset_email_link_sets_a_new_password(
    client, patient, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "PAT@example.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["pat@example.test"]
    assert message.alternatives[0][1] == "text/html"
    path = link_path(message, "/accounts/password-reset/")

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.text
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url,
        {"new_password1": "meadow-kettle-violin-8", "new_password2": "meadow-kettle-violin-8"},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")

    client.logout()
    assert _log_in(client, "pat@example.test", "meadow-kettle-violin-8").status_code == 302


def test_password_reset_link_works_once(
    client, patient, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "pat@example.test"})
    path = link_path(mailoutbox[0], "/accounts/password-reset/")
    page = client.get(path, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "meadow-kettle-violin-8", "new_password2": "meadow-kettle-violin-8"},
    )
    again = client.get(path, follow=True)
    assert "This link does not work" in again.text


def test_password_reset_for_unknown_email_says_the_same_and_sends_nothing(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mailoutbox == []
    assert not OutboxMessage.objects.exists()


# Lockout (django-axes) ------------------------------------------------------------------------


def _fail(client, email, times):
    return [_log_in(client, email, "wrong-password").status_code for _ in range(times)]


def test_lockout_after_repeated_failures_lifts_after_the_cool_off(client, therapist, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        statuses = _fail(client, "tess@example.test", settings.AXES_FAILURE_LIMIT)
        assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
        assert statuses[-1] == 429

        locked = _log_in(client, "tess@example.test")
        assert locked.status_code == 429
        assert "Too many attempts" in locked.text
        assert reverse("accounts:password_reset") in locked.text
        assert SESSION_KEY not in client.session

    with time_machine.travel(start + dt.timedelta(minutes=15, seconds=1), tick=False):
        response = _log_in(client, "tess@example.test")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(therapist.pk)


def test_trying_again_during_the_cool_off_restarts_it(client, therapist, settings):
    # Axes measures the cool-off from the last attempt: 15 minutes without trying.
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, "tess@example.test", settings.AXES_FAILURE_LIMIT)
    retry = start + dt.timedelta(minutes=10)
    with time_machine.travel(retry, tick=False):
        assert _log_in(client, "tess@example.test").status_code == 429
    # Checking at start + 15 minutes would itself be a new attempt; the record shows the clock.
    assert AccessAttempt.objects.get(username="tess@example.test").attempt_time == retry
    with time_machine.travel(retry + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert _log_in(client, "tess@example.test").status_code == 302


def test_lockout_counts_failures_whatever_the_case_of_the_email(client, therapist, settings):
    variants = ["tess@example.test", "TESS@example.test", "Tess@Example.Test"]
    for i in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, variants[i % len(variants)], "wrong-password")
    assert _log_in(client, "tess@example.test").status_code == 429


def test_lockout_of_one_email_leaves_others_alone(client, therapist, other_therapist, settings):
    _fail(client, "tess@example.test", settings.AXES_FAILURE_LIMIT)
    assert _log_in(client, "owen@example.test").status_code == 302
