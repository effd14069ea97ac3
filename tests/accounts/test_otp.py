"""Two-step verification: required for clinicians, optional for patients, recovery codes."""

import datetime as dt
import re
import urllib.parse

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.otp import RECOVERY_CODE_COUNT, recovery_codes_issue
from audit.models import AuditEvent
from tests.auth_helpers import login_verified, totp_code, totp_device_for
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

SECURITY = reverse("twofactor:security")
SETUP = reverse("twofactor:setup")
VERIFY = reverse("twofactor:verify")
CODES = reverse("twofactor:recovery_codes")
NEW_CODES = reverse("twofactor:recovery_codes_new")
DISABLE = reverse("twofactor:disable")
LOGIN = reverse("accounts:login")
# A clinician page that exists whatever the other apps have built so far.
CLINICIAN_PAGE = reverse("care:patient_add")


def _unverified(user) -> Client:
    """Logged in with the password only, as right after the login form."""
    client = Client()
    client.force_login(user)
    return client


def _verify(client: Client, code: str, **extra):
    return client.post(VERIFY, {"code": code, **extra})


def _session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# Who must verify ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["therapist", "clinic_admin"])
def test_clinician_without_an_app_is_sent_to_set_one_up(persona, request):
    client = _unverified(request.getfixturevalue(persona))
    response = client.get(CLINICIAN_PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Faccounts%2Fpatients%2Fadd%2F"


@pytest.mark.parametrize("persona", ["therapist", "clinic_admin"])
def test_clinician_with_an_app_is_sent_to_enter_a_code(persona, request):
    user = request.getfixturevalue(persona)
    totp_device_for(user)
    response = _unverified(user).get(CLINICIAN_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")


def test_unverified_clinician_gets_no_patient_data_through_htmx_either(therapist):
    response = _unverified(therapist).get(CLINICIAN_PAGE, headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(SETUP)


def test_unverified_clinician_can_still_log_out(therapist):
    client = _unverified(therapist)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_unverified_clinician_cannot_open_the_admin_site(therapist):
    therapist.is_staff = therapist.is_superuser = True
    therapist.save()
    response = _unverified(therapist).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


def test_verified_clinician_is_let_through(therapist_client):
    assert therapist_client.get(CLINICIAN_PAGE).status_code == 200


def test_patient_without_two_step_verification_is_not_asked(patient):
    assert _unverified(patient.user).get(SECURITY).status_code == 200


def test_patient_who_turned_it_on_must_enter_a_code_after_logging_in(patient):
    totp_device_for(patient.user)
    response = _unverified(patient.user).get(reverse("rights:my_data"))
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


# Setting up an authenticator ----------------------------------------------------------------


def test_setup_page_shows_a_qr_code_and_the_key_to_type(therapist):
    response = _unverified(therapist).get(SETUP)
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=therapist, confirmed=False)
    assert "<svg" in response.text and "<path" in response.text
    secret = response.context["secret"].replace(" ", "")
    assert len(secret) == 32 and re.fullmatch(r"[A-Z2-7]+", secret)
    assert "style=" not in response.text
    # Reloading keeps the same key, so a code scanned a moment ago still works.
    _unverified(therapist).get(SETUP)
    assert TOTPDevice.objects.filter(user=therapist).get() == device


def test_wrong_first_code_leaves_the_app_unconfirmed(therapist):
    client = _unverified(therapist)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert "did not match" in response.text
    assert not TOTPDevice.objects.filter(user=therapist, confirmed=True).exists()


def test_setup_confirms_the_app_verifies_the_session_and_shows_ten_codes_once(therapist):
    client = _unverified(therapist)
    client.get(SETUP)
    before = _session_key(client)
    device = TOTPDevice.objects.get(user=therapist)

    response = client.post(SETUP, {"code": totp_code(device), "next": CLINICIAN_PAGE})

    assert response.status_code == 302 and response["Location"] == CODES
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert _session_key(client) != before
    codes_page = client.get(CODES)
    shown = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", codes_page.text)
    assert len(shown) == RECOVERY_CODE_COUNT == 10
    stored = set(StaticToken.objects.filter(device__user=therapist).values_list("token", flat=True))
    assert {code.replace("-", "") for code in shown} == stored
    assert "<code>" not in client.get(CODES).text  # shown once only
    assert client.get(CLINICIAN_PAGE).status_code == 200
    assert AuditEvent.objects.filter(actor=therapist, action="otp_setup").count() == 1


def test_password_alone_cannot_register_a_second_phone(therapist):
    totp_device_for(therapist)
    client = _unverified(therapist)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert not TOTPDevice.objects.filter(user=therapist, confirmed=False).exists()


def test_verified_user_can_move_to_a_new_phone(therapist_client, therapist):
    old = totp_device_for(therapist)
    therapist_client.get(SETUP)
    new = TOTPDevice.objects.get(user=therapist, confirmed=False)
    response = therapist_client.post(SETUP, {"code": totp_code(new)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=therapist)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_setup_form_errors_come_back_as_a_fragment_for_htmx(therapist):
    client = _unverified(therapist)
    response = client.post(SETUP, {"code": "12"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="otp-setup-form"' in response.text


# Verifying at login ------------------------------------------------------------------------


def test_full_login_with_password_then_code(client, therapist):
    device = totp_device_for(therapist)
    response = client.post(LOGIN, {"username": "tess@example.test", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(CLINICIAN_PAGE)["Location"].startswith(VERIFY)
    before = _session_key(client)

    response = _verify(client, totp_code(device), next=CLINICIAN_PAGE)

    assert response.status_code == 302 and response["Location"] == CLINICIAN_PAGE
    assert _session_key(client) != before
    assert client.get(CLINICIAN_PAGE).status_code == 200
    event = AuditEvent.objects.get(action="otp_verified")
    assert event.actor == therapist and event.detail == "authenticator app"


def test_wrong_code_is_refused_and_recorded(therapist):
    totp_device_for(therapist)
    client = _unverified(therapist)
    response = _verify(client, "123456")
    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert AuditEvent.objects.get(action="otp_failed").outcome == "denied"


def test_a_code_is_accepted_only_once(therapist):
    device = totp_device_for(therapist)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        code = totp_code(device)
        assert _verify(_unverified(therapist), code).status_code == 302
        # The same code again (say, seen over a shoulder) within its 30 seconds.
        assert _verify(_unverified(therapist), code).status_code == 200


def test_repeated_wrong_codes_slow_down_guessing(therapist):
    device = totp_device_for(therapist)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = _unverified(therapist)
        for _ in range(3):
            _verify(client, "000000")
        # Right code, but too soon after three wrong ones: refused without being checked.
        response = _verify(client, totp_code(device))
        assert response.status_code == 200
        assert "Too many wrong codes" in response.text
        traveller.shift(dt.timedelta(seconds=10))
        assert _verify(client, totp_code(device)).status_code == 302


def test_verify_rejects_other_methods(therapist):
    assert _unverified(therapist).put(VERIFY).status_code == 405


def test_verify_answers_htmx_with_a_fragment_or_a_redirect(therapist):
    device = totp_device_for(therapist)
    client = _unverified(therapist)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        wrong = client.post(VERIFY, {"code": "999999"}, headers={"HX-Request": "true"})
        assert wrong.status_code == 200
        assert "<html" not in wrong.text and 'id="otp-verify-form"' in wrong.text
        traveller.shift(dt.timedelta(seconds=2))  # past the throttle of one wrong code
        right = client.post(VERIFY, {"code": totp_code(device)}, headers={"HX-Request": "true"})
    assert right["HX-Redirect"] == reverse("home")


def test_verify_ignores_a_next_url_on_another_site(therapist):
    device = totp_device_for(therapist)
    response = _verify(_unverified(therapist), totp_code(device), next="https://evil.example/")
    assert response["Location"] == reverse("home")


# Recovery codes --------------------------------------------------------------------------------


def test_recovery_code_works_once(therapist):
    totp_device_for(therapist)
    code = recovery_codes_issue(therapist)[0]

    first = _verify(_unverified(therapist), f"{code[:4]}-{code[4:]}".upper())
    assert first.status_code == 302
    assert AuditEvent.objects.get(action="otp_verified").detail == "recovery code"
    assert StaticToken.objects.filter(device__user=therapist).count() == 9

    second = _verify(_unverified(therapist), code)
    assert second.status_code == 200
    assert DEVICE_ID_SESSION_KEY not in second.wsgi_request.session


def test_new_recovery_codes_replace_the_old_ones(therapist_client, therapist):
    old = recovery_codes_issue(therapist)
    response = therapist_client.post(NEW_CODES)
    assert response.status_code == 302 and response["Location"] == CODES
    new = set(StaticToken.objects.filter(device__user=therapist).values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)
    assert StaticDevice.objects.filter(user=therapist).count() == 1


def test_new_recovery_codes_need_a_verified_session(therapist):
    totp_device_for(therapist)
    client = _unverified(therapist)
    # The 2FA pages are open to unverified sessions; this one refuses them itself.
    assert client.post(NEW_CODES).status_code == 404
    assert not StaticToken.objects.filter(device__user=therapist).exists()


def test_new_recovery_codes_reject_get(therapist_client):
    assert therapist_client.get(NEW_CODES).status_code == 405


# Patients opting in and out ------------------------------------------------------------------


def test_patient_can_turn_two_step_verification_on(patient_client, patient):
    assert "Turn on two-step verification" in patient_client.get(SECURITY).text
    patient_client.get(SETUP)
    device = TOTPDevice.objects.get(user=patient.user)
    assert patient_client.post(SETUP, {"code": totp_code(device)}).status_code == 302
    assert "Turn off two-step verification" in patient_client.get(SECURITY).text


def test_patient_can_turn_it_off_again(patient):
    client = login_verified(Client(), patient.user)
    device = totp_device_for(patient.user)
    _verify(client, totp_code(device))
    recovery_codes_issue(patient.user)

    response = client.post(DISABLE)

    assert response.status_code == 302 and response["Location"] == SECURITY
    assert not TOTPDevice.objects.filter(user=patient.user).exists()
    assert not StaticDevice.objects.filter(user=patient.user).exists()
    assert client.get(reverse("rights:my_data")).status_code == 200


def test_clinicians_cannot_turn_it_off(therapist_client, therapist):
    assert therapist_client.post(DISABLE).status_code == 404
    assert TOTPDevice.objects.filter(user=therapist, confirmed=True).exists()
    assert "Turn off" not in therapist_client.get(SECURITY).text


def test_security_page_needs_a_login(client):
    response = client.get(SECURITY)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_security_page_rejects_post(patient_client):
    assert patient_client.post(SECURITY).status_code == 405


def test_new_recovery_codes_can_be_downloaded_and_printed(therapist_client, therapist):
    """Issue 12: the page that shows the codes once offers them as a .txt file (a data: link,
    since only their hashes are kept) and a print button."""
    therapist_client.post(NEW_CODES)
    html = therapist_client.get(CODES).text
    shown = re.findall(r"<li><code>([^<]+)</code></li>", html)
    assert len(shown) == RECOVERY_CODE_COUNT
    link = re.search(r'href="data:text/plain;charset=utf-8,([^"]+)" download="([^"]+)"', html)
    assert link and link.group(2) == "pt-tracker-recovery-codes.txt"
    text = urllib.parse.unquote(link.group(1))
    assert therapist.email in text
    assert text.split("\r\n")[3 : 3 + RECOVERY_CODE_COUNT] == shown
    assert "data-print" in html
    # Shown once: the page does not offer them again.
    again = therapist_client.get(CODES).text
    assert "data:text/plain" not in again and "<code>" not in again
