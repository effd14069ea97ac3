"""Demo clinicians without a phone: in development (DEBUG on) `seed_demo` gives each demo
therapist and clinic admin an authenticator with the secret published in docs/demo.md, and
`manage.py demo_code EMAIL` prints the code that passes two-step login. With DEBUG off the demo
clinicians behave like any other: no such authenticator, demo_code refuses, and their first
login asks them to set up their own."""

from io import StringIO

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from devtools.demo import stories as demo
from devtools.demo.authenticators import (
    DEMO_TOTP_BASE32,
    DEMO_TOTP_KEY,
    seed_demo_authenticators,
)
from devtools.management.commands.seed_demo import seed_clinic, seed_staff
from tests.clinical_docs import REPO_ROOT

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
SETUP = reverse("twofactor:setup")
VERIFY = reverse("twofactor:verify")
CLINICIAN_PAGE = reverse("care:patient_add")
TESS = "tess.demo@example.com"


@pytest.fixture
def staff():
    return seed_staff(seed_clinic(), make_password(demo.DEMO_PASSWORD))


def demo_code(email: str) -> str:
    out = StringIO()
    call_command("demo_code", email, stdout=out)
    return out.getvalue().strip()


def log_in_with_password(email: str) -> tuple[Client, str]:
    client = Client()
    response = client.post(LOGIN, {"username": email, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    return client, client.get(CLINICIAN_PAGE)["Location"]


def test_in_development_each_demo_clinician_logs_in_with_the_printed_code(staff, settings):
    settings.DEBUG = True
    assert seed_demo_authenticators(staff.values(), debug=True) == len(demo.STAFF)

    for spec in demo.STAFF:
        client, location = log_in_with_password(spec.email)
        assert location.startswith(VERIFY)
        code = demo_code(spec.email)
        assert len(code) == 6 and code.isdigit()
        client.post(VERIFY, {"code": code})
        assert client.get(CLINICIAN_PAGE).status_code == 200, spec.email


def test_seeding_again_keeps_the_device_and_replaces_any_other(staff):
    seed_demo_authenticators(staff.values(), debug=True)
    tess = staff["tess"]
    first = TOTPDevice.objects.get(user=tess)
    seed_demo_authenticators(staff.values(), debug=True)
    assert list(TOTPDevice.objects.filter(user=tess)) == [first]

    TOTPDevice.objects.filter(user=tess).delete()
    TOTPDevice.objects.create(user=tess, name="Someone's phone", confirmed=True)
    seed_demo_authenticators(staff.values(), debug=True)
    device = TOTPDevice.objects.get(user=tess)
    assert (device.key, device.confirmed) == (DEMO_TOTP_KEY, True)


def test_with_debug_off_the_demo_clinicians_behave_like_any_other(staff, settings):
    settings.DEBUG = True
    seed_demo_authenticators(staff.values(), debug=True)
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only in development"):
        demo_code(TESS)
    # seed_demo with DEBUG off removes the published authenticators...
    assert seed_demo_authenticators(staff.values(), debug=False) == 0
    assert not TOTPDevice.objects.filter(key=DEMO_TOTP_KEY).exists()
    # ... so the first login asks for an authenticator of their own, as for anyone.
    for spec in demo.STAFF:
        _client, location = log_in_with_password(spec.email)
        assert location.startswith(SETUP), spec.email


def test_seed_demo_with_debug_off_creates_no_authenticator(settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert not TOTPDevice.objects.exists()
    assert "DEBUG is off, so demo clinicians set up their own" in out.getvalue()


def test_demo_code_names_the_demo_clinicians_and_the_missing_seed(staff, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="not a demo clinician.*tess.demo@example.com"):
        demo_code("grace.demo@example.com")
    with pytest.raises(CommandError, match="no demo authenticator yet.*seed_demo"):
        demo_code(TESS)


def test_the_secret_is_the_one_docs_demo_md_publishes():
    assert DEMO_TOTP_BASE32 in (REPO_ROOT / "docs" / "demo.md").read_text(encoding="utf-8")
