"""The therapist's morning (issue 5): filter the caseload to "alerts only", open the patient
who needs attention, switch the chart's range and print the one-page summary."""

import re
from datetime import datetime, time, timedelta

from symptoms.services import daily_summary_refresh
from tests.browser.conftest import log_in, screenshot
from tests.factories import (
    TEST_PASSWORD,
    AlertFactory,
    PatientFactory,
    PTSessionFactory,
    SymptomEntryFactory,
)


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


def _history(patient, days: int = 40) -> None:
    today = patient.local_day()
    for back in range(days, 0, -7):
        PTSessionFactory(
            patient=patient, date=today - timedelta(days=back), interventions=["nerve_mobilisation"]
        )
    for back in range(days, -1, -1):
        day = today - timedelta(days=back)
        pain = 3 + (back % 4 == 0) * 3
        entry = SymptomEntryFactory(
            patient=patient,
            recorded_at=datetime.combine(day, time(9, 0), tzinfo=patient.zone),
            pain_now=pain,
            pain_worst=pain,
        )
        daily_summary_refresh(patient, entry.day)


def test_therapist_filters_to_alerts_opens_a_patient_switches_range_and_prints(
    transactional_db, live_server, desktop_page, clinic, therapist
):
    needs_attention = PatientFactory(
        clinic=clinic, therapists=[therapist], user__full_name="Alma Alert"
    )
    _history(needs_attention)
    AlertFactory(patient=needs_attention, rule="R7")
    quiet = PatientFactory(clinic=clinic, therapists=[therapist], user__full_name="Quinn Quiet")
    _history(quiet, days=10)

    page = desktop_page
    problems = _watch_for_problems(page)
    log_in(page, live_server, therapist.email, TEST_PASSWORD)
    # The caseload is where a therapist lands.
    page.wait_for_url(re.compile(r"/dashboard/$"))
    page.wait_for_load_state("networkidle")
    table = page.locator("#caseload-list")
    assert table.get_by_role("link", name="Alma Alert", exact=True).is_visible()
    assert table.get_by_role("link", name="Quinn Quiet", exact=True).is_visible()
    # Alma needs attention, so she comes first and says why.
    assert page.locator("tbody tr").first.get_by_text("Urgent alert").is_visible()

    # --- Alerts only, through htmx; the URL keeps the filter for a bookmark -------------------
    page.get_by_text("Alerts only", exact=True).click()
    page.wait_for_url(re.compile(r"show=alerts"))
    page.wait_for_load_state("networkidle")
    assert table.get_by_role("link", name="Quinn Quiet", exact=True).count() == 0
    assert table.get_by_role("link", name="Alma Alert", exact=True).is_visible()
    screenshot(page, "dashboard-journey-1-alerts-only")

    # --- The patient overview -------------------------------------------------------------------
    table.get_by_role("link", name="Alma Alert", exact=True).click()
    page.wait_for_url(re.compile(r"/dashboard/patients/\d+/$"))
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Alma Alert").is_visible()
    assert page.get_by_role("heading", name="Response to sessions").is_visible()
    four_weeks = page.locator(".trend-chart title").first.text_content()
    screenshot(page, "dashboard-journey-2-overview-4-weeks")

    # --- Switch the chart to 12 weeks ----------------------------------------------------------
    page.get_by_role("link", name="12 weeks").click()
    page.wait_for_url(re.compile(r"range=12w"))
    page.wait_for_load_state("networkidle")
    assert page.locator("#overview-body").get_attribute("data-range") == "12w"
    twelve_weeks = page.locator(".trend-chart title").first.text_content()
    assert twelve_weeks != four_weeks
    assert page.get_by_role("link", name="12 weeks").get_attribute("aria-current") == "true"
    screenshot(page, "dashboard-journey-3-overview-12-weeks")

    # --- The printable summary ------------------------------------------------------------------
    page.get_by_role("link", name="Printable summary").first.click()
    page.wait_for_url(re.compile(r"/summary/\?range=12w$"))
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Physiotherapy summary: Alma Alert").is_visible()
    assert page.get_by_role("button", name="Print").is_visible()  # shown by dashboard.js
    page.emulate_media(media="print")
    assert page.locator("nav.navbar").is_hidden()
    assert page.get_by_role("button", name="Print").is_hidden()
    screenshot(page, "dashboard-journey-4-summary-print")
    pdf = page.pdf(format="A4", print_background=False)
    # One sheet for the patient's file or their doctor.
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    assert problems == []
