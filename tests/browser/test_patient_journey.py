"""The patient's logging journey on a phone: log in, log an after-session entry, see it in the
diary (issue 2)."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine

from symptoms.models import SymptomEntry
from tests.browser.conftest import log_in, screenshot
from tests.factories import TEST_PASSWORD, PTSessionFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
# A session afternoon: "After my session" is what the logging page should offer first.
AFTERNOON = dt.datetime(2026, 11, 26, 16, 15, tzinfo=LONDON)


@pytest.fixture
def session_afternoon():
    with time_machine.travel(AFTERNOON, tick=True):
        yield AFTERNOON


def test_patient_logs_an_after_session_entry_on_a_phone(
    transactional_db, live_server, phone_page, patient, session_afternoon
):
    page = phone_page
    session = PTSessionFactory(
        patient=patient, date=AFTERNOON.date(), interventions=["nerve_mobilisation"]
    )
    # Script errors and CSP refusals (no inline scripts or styles) would show up here.
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error"
            and not message.location.get("url", "").endswith("favicon.ico")
            else None
        ),
    )

    log_in(page, live_server, patient.user.email, TEST_PASSWORD)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Log symptoms").click()
    page.wait_for_url(re.compile(r"/symptoms/log/$"))
    page.wait_for_load_state("networkidle")

    # Preselected from the session and the time of day.
    assert page.get_by_role("radio", name="After my session", exact=True).is_checked()

    page.get_by_role("group", name="How bad is your pain right now?").get_by_text(
        "4", exact=True
    ).click()
    page.get_by_role("group", name="What was your worst pain since you last logged?").get_by_text(
        "5", exact=True
    ).click()
    page.get_by_text("Burning", exact=True).click()
    page.get_by_text("Aching", exact=True).click()

    # Regions are picked on the drawing of the body, not in a list.
    body_map = page.locator("svg.body-map-svg")
    assert page.locator("[data-body-map-list]").is_hidden()
    body_map.get_by_role("checkbox", name="Left thigh").click()
    body_map.get_by_role("checkbox", name="Left foot").click()
    assert (
        body_map.get_by_role("checkbox", name="Left thigh").get_attribute("aria-checked") == "true"
    )
    assert page.get_by_text("You chose: Left thigh, Left foot").is_visible()
    assert page.get_by_role("checkbox", name="None of these").is_checked()
    screenshot(page, "patient-journey-1-form")

    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/symptoms/entries/\d+/$"))
    page.wait_for_load_state("networkidle")

    entry = SymptomEntry.objects.get(patient=patient)
    assert entry.context == "after_session"
    assert entry.session == session
    assert (entry.pain_now, entry.pain_worst) == (4, 5)
    assert entry.descriptors == ["aching", "burning"]
    assert entry.regions == ["left_foot", "left_thigh"]
    assert page.get_by_role("heading", name="What you logged").is_visible()
    assert page.get_by_text("Burning, Aching").is_visible()
    assert page.get_by_text("Left thigh, Left foot").is_visible()
    screenshot(page, "patient-journey-2-saved")

    page.get_by_role("link", name="Go to my diary").click()
    page.wait_for_load_state("networkidle")
    day = page.locator(
        "section.diary-day", has=page.get_by_role("heading", name="Thursday 26 November")
    )
    session_block = day.locator(".diary-session")
    assert session_block.get_by_text("Session: Treatment").is_visible()
    assert session_block.get_by_text("Pain 4, worst 5").is_visible()
    assert session_block.get_by_text("After my session").is_visible()
    assert page.get_by_role("group", name=re.compile("Daily pain")).is_visible()
    screenshot(page, "patient-journey-3-diary")

    assert problems == []
