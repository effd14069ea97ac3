"""Logging in few taps (issue 12): from Today, a full after-session entry (pain, what it feels
like and one region) takes at most 6 clicks on a 390 x 844 phone, and never more than two
screens of scrolling. Every press is counted where the browser sees it."""

from __future__ import annotations

import pytest

from symptoms.models import SymptomEntry
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.factories import TEST_PASSWORD, PTSessionFactory

MAX_CLICKS = 6
MAX_SCROLL = 2 * PHONE["height"]
#: Counts the presses the page receives (one per tap: a label's click on its input is not
#: another press).
COUNTER = """() => {
  window.__presses = 0;
  if (!window.__counting) {
    window.__counting = true;
    document.addEventListener('pointerdown', (e) => {
      if (e.isTrusted) window.__presses += 1;
    }, true);
  }
}"""
#: How far down the page one must scroll to see the whole target above the sticky Save bar.
SCROLL_NEEDED = """(el) => {
  const bar = document.querySelector('.entry-submit');
  const covered = bar && !bar.contains(el) ? bar.getBoundingClientRect().height : 0;
  const bottom = el.getBoundingClientRect().bottom + window.scrollY;
  return Math.max(0, bottom - (window.innerHeight - covered));
}"""


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_an_after_session_entry_takes_at_most_6_clicks(
    transactional_db, live_server, phone, patient
):
    page = phone
    PTSessionFactory(patient=patient, date=patient.local_day())
    log_in(page, live_server, patient.user.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/exercises/today/")
    page.wait_for_load_state("networkidle")
    clicks, deepest = 0, 0

    def click(locator) -> None:
        """One tap, as a person does it: scrolled to, then pressed once."""
        nonlocal clicks, deepest
        deepest = max(deepest, locator.evaluate(SCROLL_NEEDED))
        page.evaluate(COUNTER)
        before = page.url
        locator.click()
        clicks += 1
        if page.url == before and page.evaluate("typeof window.__presses") == "number":
            assert page.evaluate("window.__presses") == 1  # one press, nothing else tapped
        page.wait_for_load_state("networkidle")

    # 1: Today's one way in (the after-session check-in once its time has come, else the plain
    # button; the log page then suggests the moment from the session and the time of day).
    click(page.locator(".today-log-feel"))
    page.wait_for_url("**/symptoms/log/**")
    after = page.get_by_role("radio", name="After my session", exact=True)
    if not after.is_checked():
        click(page.locator("label[for=" + after.get_attribute("id") + "]"))  # 2
    now = page.get_by_role("group", name="How bad is your pain right now?")
    click(now.locator("label").get_by_text("6", exact=True))  # 3
    click(page.locator("label", has_text="Pins and needles"))  # 4
    click(page.locator("[data-body-map-side=front] [data-region=left_lower_leg]"))  # 5
    screenshot(page, "quick-entry-before-save-phone")
    click(page.get_by_role("button", name="Save"))  # 6
    page.wait_for_url("**/symptoms/entries/**")
    screenshot(page, "quick-entry-saved-phone")

    entry = SymptomEntry.objects.get(patient=patient)
    assert (entry.context, entry.pain_now, entry.pain_worst) == ("after_session", 6, 6)
    assert (entry.descriptors, entry.regions) == (["pins_and_needles"], ["left_lower_leg"])
    assert entry.session is not None
    assert clicks <= MAX_CLICKS, f"{clicks} clicks"
    assert deepest <= MAX_SCROLL, f"needs {deepest:.0f} px of scrolling, over two screens"
