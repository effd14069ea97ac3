"""Reminders on this phone (issue 17, part 5): the reminders page offers push where the browser
can, and says so plainly when notifications are blocked (the push itself is tested against a
push endpoint on loopback: tests/reminders/test_push.py)."""

import pytest

from tests.browser.conftest import log_in, screenshot
from tests.factories import TEST_PASSWORD
from tests.reminders.test_push import _keys

# The service worker runs on these pages (tests/browser/conftest.py).
pytestmark = pytest.mark.service_workers


def test_the_reminders_page_offers_push_and_says_when_notifications_are_blocked(
    transactional_db, live_server, phone_page, patient, settings
):
    keys = _keys()
    settings.WEBPUSH_VAPID_PUBLIC_KEY = keys["WEBPUSH_VAPID_PUBLIC_KEY"]
    settings.WEBPUSH_VAPID_PRIVATE_KEY = keys["WEBPUSH_VAPID_PRIVATE_KEY"]
    page = phone_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, patient.user.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/reminders/preferences/")
    section = page.get_by_role("region", name="Reminders on this phone")
    section.wait_for()
    assert section.get_by_text("Reminders come by email.").is_visible()
    screenshot(page, "pwa-5-reminders-on-this-phone")
    # Headless, with no permission given: notifications are not allowed.
    section.get_by_role("button", name="Turn on reminders on this phone").click()
    section.get_by_text("so reminders come by email", exact=False).wait_for()
    assert errors == []
