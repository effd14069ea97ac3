"""Authentication hardening: session keys, logout, idle and absolute limits, deactivation,
password hashing and validation, the security headers, and `check --deploy`."""

import datetime as dt
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pt_tracker.settings as project_settings
from accounts.security import sessions_end_for_user, user_deactivate
from audit.models import AuditEvent
from tests.auth_helpers import login_verified
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
# A page any logged-in patient may open, owned by this work (so other apps' progress cannot
# change what these tests see).
PATIENT_PAGE = reverse("twofactor:security")
ROOT = Path(__file__).resolve().parents[2]


def _session_key(client: Client) -> str | None:
    cookie = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


# Session key and logout ----------------------------------------------------------------------


def test_login_gives_a_new_session_key(client, patient):
    # An anonymous session first, as a visitor (or an attacker fixing the session) would have.
    session = client.session
    session["seen_before_login"] = True
    session.save()
    before = session.session_key
    client.cookies[django_settings.SESSION_COOKIE_NAME] = before

    response = client.post(LOGIN, {"username": "pat@example.test", "password": TEST_PASSWORD})

    assert response.status_code == 302
    after = _session_key(client)
    assert after and after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.get(session_key=after).get_decoded()[SESSION_KEY] == str(patient.user.pk)


def test_logout_deletes_the_session_row(client, patient):
    client.post(LOGIN, {"username": "pat@example.test", "password": TEST_PASSWORD})
    key = _session_key(client)
    assert Session.objects.filter(session_key=key).exists()

    response = client.post(reverse("accounts:logout"))

    assert _is_login_redirect(response)
    assert not Session.objects.filter(session_key=key).exists()
    assert _is_login_redirect(client.get(PATIENT_PAGE))


def test_password_change_ends_the_other_sessions(patient_client, patient):
    assert patient_client.get(PATIENT_PAGE).status_code == 200
    patient.user.set_password("a-brand-new-passphrase-42")
    patient.user.save()
    # Django checks the password hash kept in each session: the old session no longer counts.
    assert _is_login_redirect(patient_client.get(PATIENT_PAGE))


# Idle and absolute limits ---------------------------------------------------------------------


@pytest.fixture
def start():
    return timezone.now().replace(microsecond=0)


def test_session_survives_29_idle_minutes(patient, start):
    client = Client()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(patient.user)
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get(PATIENT_PAGE).status_code == 200


def test_session_ends_after_31_idle_minutes(patient, start):
    client = Client()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(patient.user)
        key = _session_key(client)
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(PATIENT_PAGE)

        assert _is_login_redirect(response)
        assert f"next={PATIENT_PAGE}".replace("/", "%2F") in response["Location"]
        assert not Session.objects.filter(session_key=key).exists()
        logout = AuditEvent.objects.get(action="logout")
        assert logout.detail == "session ended: idle limit"
        # The login page says why.
        assert "nothing happened for 30 minutes" in client.get(response["Location"]).text


def test_activity_keeps_the_idle_clock_running_from_the_last_request(patient, start):
    client = Client()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(patient.user)
        for _ in range(3):
            traveller.shift(dt.timedelta(minutes=25))
            assert client.get(PATIENT_PAGE).status_code == 200


def test_background_polling_does_not_count_as_activity(patient, start):
    client = Client()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(patient.user)
        traveller.shift(dt.timedelta(minutes=20))
        assert client.get(PATIENT_PAGE, headers={"PT-Background": "1"}).status_code == 200
        traveller.shift(dt.timedelta(minutes=11))
        assert _is_login_redirect(client.get(PATIENT_PAGE))


def test_session_ends_12_hours_after_login_however_active(patient, start):
    client = Client()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(patient.user)
        for _ in range(28):  # a request every 25 minutes: 11 h 40 min
            traveller.shift(dt.timedelta(minutes=25))
            assert client.get(PATIENT_PAGE).status_code == 200
        traveller.shift(dt.timedelta(minutes=21))  # 12 h 01 min after logging in
        response = client.get(PATIENT_PAGE)

    assert _is_login_redirect(response)
    assert AuditEvent.objects.get(action="logout").detail == "session ended: absolute limit"


def test_an_expired_htmx_request_is_told_to_navigate_to_the_login_page(patient, start):
    client = Client()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(patient.user)
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(PATIENT_PAGE, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(LOGIN)


# Deactivation ------------------------------------------------------------------------------


def test_deactivating_a_user_ends_all_their_sessions(patient, other_patient):
    phone, laptop, someone_else = Client(), Client(), Client()
    phone.force_login(patient.user)
    laptop.force_login(patient.user)
    someone_else.force_login(other_patient.user)

    user_deactivate(patient.user)

    assert not Session.objects.filter(session_key__in=[_session_key(phone), _session_key(laptop)])
    assert Session.objects.filter(session_key=_session_key(someone_else)).exists()
    assert _is_login_redirect(phone.get(PATIENT_PAGE))
    assert someone_else.get(PATIENT_PAGE).status_code == 200
    event = AuditEvent.objects.get(action="deactivated")
    assert event.patient_id == patient.pk and event.detail == "sessions ended: 2"


def test_a_user_deactivated_elsewhere_is_logged_out_on_the_next_request(patient_client, patient):
    # E.g. through the Django admin, which knows nothing of sessions.
    key = _session_key(patient_client)
    type(patient.user).objects.filter(pk=patient.user.pk).update(is_active=False)

    assert _is_login_redirect(patient_client.get(PATIENT_PAGE))
    assert not Session.objects.filter(session_key=key).exists()


def test_deactivated_user_cannot_log_in(client, patient):
    user_deactivate(patient.user)
    response = client.post(LOGIN, {"username": "pat@example.test", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_sessions_end_for_user_counts_only_that_users_sessions(patient, therapist):
    login_verified(Client(), therapist)
    Client().force_login(patient.user)
    assert sessions_end_for_user(patient.user) == 1
    assert sessions_end_for_user(patient.user) == 0


# Passwords ---------------------------------------------------------------------------------


def test_project_hashes_passwords_with_argon2():
    # The autouse fixture swaps in a fast hasher for tests; the project's own setting is Argon2.
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("correct horse battery", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify("correct horse battery", encoded)


@pytest.mark.parametrize(
    "password",
    ["short1!", "password123", "12345678901234", "Pat Patient pat@example.test"],
    ids=["too-short", "common", "all-digits", "like-the-user"],
)
def test_weak_passwords_are_refused(password, patient):
    with pytest.raises(ValidationError):
        validate_password(password, user=patient.user)


def test_a_long_unusual_password_is_accepted(patient):
    validate_password("violet-tram-sunrise-49", user=patient.user)


# Headers and deployment ----------------------------------------------------------------------


def test_pages_carry_a_content_security_policy_without_inline_allowances(client):
    response = client.get(LOGIN)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def _production_env(tmp_path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "DATABASE_URL"))
    }
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="example.org",
        DJANGO_SQLITE_PATH=str(tmp_path / "deploy-check.sqlite3"),
    )
    return env


def test_production_settings_pass_check_deploy_with_warnings_as_failures(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_turn_on_https_protections(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**_production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "pt_tracker.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "False"]
