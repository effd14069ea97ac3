"""The emergency journey (issue 4): a patient ticks saddle numbness and sees the emergency page
first; their therapist finds the emergency at the top of the inbox and resolves it with a note."""

import re

from redflags.models import Alert
from tests.browser.conftest import log_in, screenshot
from tests.factories import TEST_PASSWORD, AlertFactory, PatientFactory


def _watch_for_problems(page) -> list[str]:
    # Script errors and CSP refusals (no inline scripts or styles) would show up here.
    problems: list[str] = []
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
    return problems


def test_saddle_numbness_reaches_the_patient_first_and_the_therapist_resolves_it(
    transactional_db, live_server, phone_page, desktop_page, patient, therapist
):
    # A newer urgent alert of another patient: the emergency must still come first.
    other = PatientFactory(clinic=patient.clinic, therapists=[therapist])

    # --- The patient, on a phone --------------------------------------------------------------
    page = phone_page
    problems = _watch_for_problems(page)
    log_in(page, live_server, patient.user.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/symptoms/log/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("group", name="How bad is your pain right now?").get_by_text(
        "3", exact=True
    ).click()
    page.get_by_role("checkbox", name="Numbness between your legs or around your bottom").check()
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(re.compile(r"/alerts/emergency/\d+/$"))
    page.wait_for_load_state("networkidle")
    call = page.get_by_role("link", name="Call 999 now")
    assert call.is_visible()
    assert call.get_attribute("href") == "tel:999"
    assert page.get_by_role("heading", name="Get help now").is_visible()
    assert page.get_by_text("You told us you have numbness between your legs.").is_visible()
    # Nothing else on the page: no menu to wander off to.
    assert page.get_by_role("link", name="My diary").count() == 0
    screenshot(page, "emergency-journey-1-patient-emergency-page")

    page.get_by_role("button", name="I have read this").click()
    page.wait_for_url(re.compile(r"/symptoms/entries/\d+/$"))
    assert page.get_by_role("heading", name="What you logged").is_visible()
    screenshot(page, "emergency-journey-2-patient-entry")
    assert problems == []

    alert = Alert.objects.get(patient=patient, rule="R1")
    assert alert.actions.filter(kind="patient_confirmed", actor=patient.user).exists()
    AlertFactory(patient=other, rule="R7")

    # --- The therapist, at a desk ---------------------------------------------------------------
    desk = desktop_page
    problems = _watch_for_problems(desk)
    log_in(desk, live_server, therapist.email, TEST_PASSWORD)
    desk.get_by_role("link", name="Alerts").click()
    desk.wait_for_url(re.compile(r"/alerts/$"))
    desk.wait_for_load_state("networkidle")
    rows = desk.locator("table.inbox-table tbody tr")
    assert rows.count() == 2
    first = rows.first
    assert first.get_by_text("Emergency").is_visible()
    assert first.get_by_role("link", name=patient.user.full_name).is_visible()
    screenshot(desk, "emergency-journey-3-therapist-inbox")

    # The inbox says why in words, the rule second (issue 11).
    assert first.get_by_text("R1 Cauda equina signs").is_visible()
    first.get_by_role("link", name=re.compile(r"^Saddle numbness reported at")).click()
    desk.wait_for_url(re.compile(rf"/alerts/{alert.pk}/$"))
    desk.wait_for_load_state("networkidle")
    assert desk.get_by_text("Patient confirmed reading the advice").is_visible()
    desk.get_by_label("How was it resolved?").fill("Phoned: at A&E now, scan booked.")
    desk.get_by_role("button", name="Resolve").click()
    triage = desk.locator("#triage")
    triage.get_by_text("Alert resolved.").wait_for()
    assert triage.get_by_text("Resolved on").is_visible()
    resolved = triage.locator(".triage-resolve")
    assert resolved.get_by_text(therapist.full_name).is_visible()
    assert resolved.get_by_text("Phoned: at A&E now, scan booked.").is_visible()
    screenshot(desk, "emergency-journey-4-therapist-resolved")

    alert.refresh_from_db()
    assert alert.state == "resolved"
    assert alert.actions.get(kind="resolve").actor == therapist
    assert problems == []
