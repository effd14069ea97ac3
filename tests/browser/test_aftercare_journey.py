"""After a red flag (issue 11), in Chromium: the patient stays warned and the clinician sees
why and can call.

1. On a phone, a patient ticks saddle numbness, reads the emergency page and taps "I have read
   this"; the warning stays at the top of the entry page, Today (whose exercises are paused)
   and the diary. At a desk (1366x900), their therapist finds the emergency in words on the
   caseload, opens the overview (the strip of open alerts, the call links), triages and resolves
   it; the patient's banner is gone and the plan is back.
2. The banner of an urgent alert: "I have read this" keeps the patient on the page and the
   warning on it.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from accounts.phones import phone_parse
from audit.models import AuditEvent
from redflags.models import Alert, TriageAction
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_emergency_journey import _watch_for_problems
from tests.factories import (
    TEST_PASSWORD,
    AlertFactory,
    ExerciseFactory,
    PlanFactory,
    PlanItemFactory,
    PlanVersionFactory,
)

WIDE = {"width": 1366, "height": 900}


def _contacts_and_plan(patient) -> None:
    patient.phone = phone_parse("07700 900123", "GB")
    patient.emergency_contact_name = "Sam Patient"
    patient.emergency_contact_phone = phone_parse("07700 900456", "GB")
    patient.best_time_to_call = "Mornings"
    patient.save()
    version = PlanVersionFactory(plan=PlanFactory(patient=patient), number=1)
    PlanItemFactory(
        version=version, exercise=ExerciseFactory(name="Sciatic slider"), times_per_day=2
    )


def _banner(page):
    return page.locator("section.patient-warning")


def _log_saddle_numbness(page, live_server) -> None:
    page.goto(f"{live_server.url}/symptoms/log/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("group", name="How bad is your pain right now?").get_by_text(
        "2", exact=True
    ).click()
    page.get_by_role("checkbox", name="Numbness between your legs or around your bottom").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/alerts/emergency/\d+/$"))
    page.wait_for_load_state("networkidle")


def _patient_is_warned(page, live_server, alert: Alert) -> None:
    """After "I have read this": the warning starts the entry page, Today and the diary."""
    page.wait_for_url(re.compile(r"/symptoms/entries/\d+/$"))
    for path in ("", "/exercises/today/", "/symptoms/diary/"):
        if path:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
        banner = _banner(page)
        expect(banner).to_have_count(1)
        assert banner.get_by_role("heading", name="Get help now").is_visible()
        assert banner.get_by_text("You told us you have numbness between your legs.").is_visible()
        assert banner.get_by_text(re.compile(r"You told us this at \d\d:\d\d on ")).is_visible()
        call = banner.get_by_role("link", name="Call 999 now")
        assert call.get_attribute("href") == "tel:999"
        assert banner.get_by_text("You told us you have read this.", exact=False).is_visible()
        # The banner comes first in the page's main content.
        first = page.locator("main > *").first
        assert "patient-warnings" in (first.get_attribute("class") or "")
        if path == "/exercises/today/":
            assert page.locator("#plan-paused").is_visible()
            expect(page.get_by_text("I did it: log this dose")).to_have_count(0)
            screenshot(page, "aftercare-2-patient-today-paused")
        if path == "/symptoms/diary/":
            screenshot(page, "aftercare-3-patient-diary-warned")
    assert alert.actions.filter(kind="patient_confirmed", actor__pk=alert.patient.user_id)


def test_the_warning_stays_until_the_therapist_resolves_it(
    transactional_db, live_server, phone_page, chromium, patient, therapist
):
    _contacts_and_plan(patient)

    # --- The patient, on a phone --------------------------------------------------------------
    page = phone_page
    problems = _watch_for_problems(page)
    log_in(page, live_server, patient.user.email, TEST_PASSWORD)
    _log_saddle_numbness(page, live_server)
    alert = Alert.objects.get(patient=patient, rule="R1")
    # The emergency page is the warning itself: no banner repeating it.
    expect(_banner(page)).to_have_count(0)
    page.get_by_role("button", name="I have read this").click()
    screenshot(page, "aftercare-1-patient-entry-warned")
    _patient_is_warned(page, live_server, alert)
    assert problems == []
    # An urgent alert of the same patient: the emergency still comes first, in the strip too.
    urgent = AlertFactory(
        patient=patient,
        rule="R7",
        data={"pain_worst": 8, "descriptors": ["stabbing"], "rest_relief": "no"},
    )

    # --- The therapist, at a desk -------------------------------------------------------------
    context = chromium.new_context(viewport=WIDE)
    desk = context.new_page()
    desk.set_default_timeout(10_000)
    problems = _watch_for_problems(desk)
    log_in(desk, live_server, therapist.email, TEST_PASSWORD)
    desk.wait_for_url(re.compile(r"/dashboard/$"))
    row = desk.locator("table.caseload-table tbody tr", has_text=patient.user.full_name)
    assert row.get_by_role("link", name=re.compile(r"^Saddle numbness reported at")).is_visible()
    assert row.get_by_text("R1", exact=True).is_visible()
    screenshot(desk, "aftercare-4-therapist-caseload")

    row.get_by_role("link", name=patient.user.full_name, exact=True).click()
    desk.wait_for_url(re.compile(rf"/dashboard/patients/{patient.pk}/$"))
    desk.wait_for_load_state("networkidle")
    strip = desk.locator("section.alert-strip")
    items = strip.locator("li.alert-strip-item")
    expect(items).to_have_count(2)
    assert items.nth(0).get_by_text("Emergency").is_visible()
    assert items.nth(0).get_by_text(re.compile(r"^Saddle numbness reported at")).is_visible()
    assert items.nth(1).get_by_text(re.compile(r"^Severe stabbing pain")).is_visible()
    header = desk.locator("ul.patient-contact").first
    assert header.get_by_role("link", name=re.compile("Call 07700 900123")).get_attribute(
        "href"
    ) == ("tel:+447700900123")
    contact = header.get_by_role("link", name="Emergency contact: Sam Patient, 07700 900456")
    assert contact.get_attribute("href") == "tel:+447700900456"
    screenshot(desk, "aftercare-5-therapist-overview-strip")

    items.nth(0).get_by_role("link", name=re.compile("^Triage")).click()
    desk.wait_for_url(re.compile(rf"/alerts/{alert.pk}/$"))
    desk.wait_for_load_state("networkidle")
    triage = desk.locator("#triage")
    assert triage.get_by_role("link", name=re.compile("Call 07700 900123")).is_visible()
    desk.get_by_label("How was it resolved?").fill("Phoned: seen in A&E, scan clear.")
    desk.get_by_role("button", name="Resolve").click()
    triage.get_by_text("Alert resolved.").wait_for()
    screenshot(desk, "aftercare-6-therapist-resolved")
    assert problems == []
    context.close()

    # --- The patient again: the emergency's warning is gone, the plan is back -------------------
    page.goto(f"{live_server.url}/exercises/today/")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Get help now")).to_have_count(0)
    expect(page.locator("#plan-paused")).to_have_count(0)
    assert page.get_by_text("I did it: log this dose").first.is_visible()
    # The urgent alert is still open: its warning stays.
    expect(_banner(page)).to_have_count(1)
    assert _banner(page).get_by_text("Your clinic will contact you today").is_visible()
    screenshot(page, "aftercare-7-patient-today-after-resolve")
    assert urgent.state == "open"


def test_i_have_read_this_keeps_the_patient_on_the_page_and_the_warning_on_it(
    transactional_db, live_server, phone_page, patient
):
    alert = AlertFactory(
        patient=patient,
        rule="R5",
        data={"spread": [{"limb_side": "left_leg"}], "descriptors": ["tingling"]},
    )
    page = phone_page
    problems = _watch_for_problems(page)
    log_in(page, live_server, patient.user.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/symptoms/diary/")
    page.wait_for_load_state("networkidle")
    banner = _banner(page)
    assert banner.get_by_role("heading", name="Your clinic will contact you today").is_visible()
    assert banner.get_by_text(
        "You told us your tingling or numbness has spread further down your left leg."
    ).is_visible()
    assert banner.get_by_text("Until then, stop the exercises", exact=False).is_visible()
    assert banner.get_by_role("link", name="Call 999").get_attribute("href") == "tel:999"
    screenshot(page, "aftercare-8-patient-urgent-banner")

    banner.get_by_role("button", name="I have read this").click()
    page.wait_for_url(re.compile(r"/symptoms/diary/$"))
    page.wait_for_load_state("networkidle")
    banner = _banner(page)
    assert banner.get_by_role("heading", name="Your clinic will contact you today").is_visible()
    assert banner.get_by_text("You told us you have read this.", exact=False).is_visible()
    expect(banner.get_by_role("button", name="I have read this")).to_have_count(0)
    assert TriageAction.objects.filter(alert=alert, kind="patient_confirmed").count() == 1
    assert AuditEvent.objects.filter(object_id=str(alert.pk), actor=patient.user).exists()
    assert problems == []
