"""Playwright (Python) driving Debian's Chromium; never a downloaded browser.

Browser tests are marked `browser`; they skip with a clear reason when no Chromium is found.
"""

import os
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from tests.conftest import chromium_path

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _exercise_library(transactional_db):
    """Browser tests run against live_server, whose transactional database is emptied after
    each test, the exercise library of data migration 0003 included: load it again first."""
    from exercises.models import Exercise

    if not Exercise.objects.filter(clinic=None).exists():
        import_module("exercises.migrations.0003_library_exercises").load_library(django_apps, None)


class BlockingServiceWorkers:
    """Chromium whose new contexts block service workers unless a test asks for them
    (``service_workers="allow"``, or the ``service_workers`` marker for ``phone_page`` and
    ``desktop_page``). The service worker fetches the patient's pages in the background, and the
    live server's in-memory SQLite, shared between its threads, breaks under requests that run
    at the same time as the test's own; the installable-app tests (issue 17) allow it."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        options.setdefault("service_workers", "block")
        return self._browser.new_context(**options)

    def __getattr__(self, name):
        return getattr(self._browser, name)


def _service_workers(request) -> str:
    return "allow" if request.node.get_closest_marker("service_workers") else "block"


@pytest.fixture(scope="session")
def chromium():
    executable = chromium_path()
    if not executable:
        pytest.skip("No Chromium found (install Debian's 'chromium' package to run browser tests)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield BlockingServiceWorkers(browser)
        browser.close()


@pytest.fixture
def phone_page(chromium, request):
    context = chromium.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        service_workers=_service_workers(request),
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def desktop_page(chromium, request):
    context = chromium.new_context(viewport=DESKTOP, service_workers=_service_workers(request))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    """Save a screenshot for reviewers into test-artifacts/ (ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, live_server, email: str, password: str) -> None:
    """Log in through the form; clinicians then pass two-step verification with a code computed
    from their authenticator (given one here if they have none)."""
    from accounts.models import User

    user = User.objects.filter(email=email).first()
    if user is not None and user.is_clinician:
        give_authenticator(user)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
    if "/accounts/2fa/verify/" in page.url:
        verify_otp(page, email)


def verify_otp(page, email: str) -> None:
    """Type the current authenticator code on the two-step verification page, as the phone
    would show it (clinicians always get this page; patients once they turned it on)."""
    from accounts.models import User
    from tests.auth_helpers import totp_code, totp_device_for

    device = totp_device_for(User.objects.get(email=email))
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    # htmx answers with HX-Redirect: wait until the browser has left the verify page.
    page.wait_for_url(lambda url: "/accounts/2fa/verify/" not in url)
    page.wait_for_load_state("networkidle")


def give_authenticator(user) -> None:
    """Give a clinician a confirmed authenticator before logging in through the browser, so
    log_in() lands on the verify step (without one they are sent to set it up)."""
    from tests.auth_helpers import totp_device_for

    totp_device_for(user)
