"""Outcome measures in the browser (issue 16): the patient rates their activities from the card
on Today, reads their progress in plain words and answers the weekly GROC in the check-in;
each page is checked with axe at phone and desktop sizes and photographed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from outcomes.models import GROCResponse, PSFSAssessment
from outcomes.services import psfs_rate, psfs_setup
from redflags.models import FlareEpisode
from symptoms.services import daily_summary_refresh
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_accessibility import (
    AXE_SCRIPT,
    AXE_TAGS,
    FAILING_IMPACTS,
    OPEN_DETAILS,
    RUN_AXE,
)
from tests.factories import TEST_PASSWORD, PatientFactory, PTSessionFactory, SymptomEntryFactory

PHONE = {"width": 390, "height": 844}
#: The brief's desktop size for the pages of this issue.
WIDE = {"width": 1366, "height": 900}


@pytest.fixture
def axe_phone(chromium):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.add_init_script(path=str(AXE_SCRIPT))
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error"
            and not message.location.get("url", "").endswith("favicon.ico")
            # The form shown again with its errors answers 400 on purpose.
            and "status of 400" not in message.text
            else None
        ),
    )
    page.problems = problems
    yield page
    context.close()


def patient_in_treatment(patient, therapist):
    """Six weeks in: intake pain 6, lately about 3; activities rated at intake and 2 weeks
    later, so the next rating is due; no GROC answer yet."""
    now = timezone.now()
    patient.created_at = now - timedelta(days=42)
    patient.save(update_fields=["created_at"])
    patient.intake.baseline_pain = 6
    patient.intake.save()
    for back in range(0, 42, 7):
        PTSessionFactory(patient=patient, date=patient.local_day() - timedelta(days=back + 1))
    for back in range(1, 40):
        pain = 3 if back < 14 else 5
        entry = SymptomEntryFactory(
            patient=patient, recorded_at=now - timedelta(days=back), pain_now=pain
        )
        daily_summary_refresh(patient, entry.day)
    psfs_setup(
        patient,
        [("Putting on my socks", 2), ("Walking to the shop", 3)],
        actor=therapist,
        recorded_at=now - timedelta(days=42),
    )
    ids = list(patient.psfs_activities.values_list("pk", flat=True))
    earlier = now - timedelta(days=28)
    psfs_rate(patient, dict.fromkeys(ids, 4), actor=patient.user, recorded_at=earlier)


def _clinic_sessions(clinic):
    """Past patients of the clinic: 14 sessions with dry needling (4 followed by a flare-up the
    next day) and 11 with manual therapy (1 followed), so the analysis shows rates."""
    today = timezone.localdate()
    for number in range(25):
        past = PatientFactory(clinic=clinic)
        day = today - timedelta(days=10 + number)
        needling = number < 14
        PTSessionFactory(
            patient=past,
            date=day,
            interventions=["dry_needling"] if needling else ["manual_therapy", "education"],
        )
        if number in (0, 3, 6, 9, 20):
            FlareEpisode.objects.create(
                patient=past, start=day + timedelta(days=1), baseline_at_start=3, peak=7
            )


def _axe(page, name, findings, role="patient"):
    """axe at 390x844 and 1366x900 on the page already loaded, a screenshot of each; back to
    the phone size afterwards."""
    for size, viewport in (("phone", PHONE), ("wide", WIDE)):
        page.set_viewport_size(viewport)
        if size == "wide":
            page.evaluate(OPEN_DETAILS)
        for violation in page.evaluate(RUN_AXE, AXE_TAGS):
            findings.append({"role": role, "page": name, "size": size, **violation})
        screenshot(page, f"outcomes-{role}-{name}-{size}")
    page.set_viewport_size(PHONE)


def _assert_clean(findings):
    failing = [f for f in findings if f["impact"] in FAILING_IMPACTS]
    assert not failing, [
        (
            f["page"],
            f["size"],
            f["id"],
            f["help"],
            [(n["target"], n["summary"]) for n in f["nodes"]],
        )
        for f in failing
    ]


def test_patient_rates_activities_sees_progress_and_answers_the_groc(
    transactional_db, live_server, axe_phone, patient, therapist
):
    page = axe_phone
    patient_in_treatment(patient, therapist)
    findings: list[dict] = []
    log_in(page, live_server, patient.user.email, TEST_PASSWORD)

    page.goto(f"{live_server.url}/exercises/today/")
    card = page.get_by_role("region", name="Time to rate your activities again")
    assert card.is_visible()
    _axe(page, "today-card", findings)
    card.get_by_role("link", name="Rate my activities").click()
    page.wait_for_url(re.compile(r"/outcomes/psfs/rate/$"))

    # Nothing chosen: a clear message, nothing stored.
    page.get_by_role("button", name="Save my ratings").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Please check your answers").is_visible()
    assert PSFSAssessment.objects.filter(patient=patient).count() == 2
    _axe(page, "psfs-rate-errors", findings)

    page.get_by_role("group", name="Putting on my socks").get_by_text("7", exact=True).click()
    page.get_by_role("group", name="Walking to the shop").get_by_text("6", exact=True).click()
    page.get_by_role("button", name="Save my ratings").click()
    page.wait_for_url(re.compile(r"/progress/$"))
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("That is 4 points better: a change big enough to matter.").is_visible()
    assert page.get_by_text("When you started, your usual pain was 6 out of 10.").is_visible()
    _axe(page, "progress", findings)

    page.goto(f"{live_server.url}/symptoms/log/")
    groc = page.get_by_role("group", name=re.compile("Since you started treatment here"))
    assert groc.is_visible()
    _axe(page, "checkin-groc", findings)
    page.get_by_role("group", name="How bad is your pain right now?").get_by_text(
        "3", exact=True
    ).click()
    groc.get_by_label("+4 Moderately better").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/symptoms/entries/\d+/$"))
    assert GROCResponse.objects.get(patient=patient).score == 4

    page.goto(f"{live_server.url}/progress/")
    assert page.get_by_text("Moderately better").is_visible()
    screenshot(page, "outcomes-progress-after-groc-phone")
    _assert_clean(findings)
    assert not page.problems, page.problems


def test_therapist_sees_outcomes_on_the_overview_caseload_report_and_clinic_flares(
    transactional_db, live_server, axe_phone, patient, therapist, clinic
):
    page = axe_phone
    patient_in_treatment(patient, therapist)
    newcomer = PatientFactory(clinic=clinic, therapists=[therapist], user__full_name="Nia New")
    _clinic_sessions(clinic)
    findings: list[dict] = []
    log_in(page, live_server, therapist.email, TEST_PASSWORD)

    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("columnheader", name="Outcome").is_visible()
    _axe(page, "caseload", findings, "therapist")
    page.get_by_label("Outcome").select_option("improved")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"outcome=improved"))
    page.wait_for_load_state("networkidle")
    rows = page.locator("#caseload-list tbody tr")
    assert rows.count() == 1 and "Pat Patient" in rows.first.inner_text()
    _axe(page, "caseload-improved", findings, "therapist")

    page.goto(f"{live_server.url}/dashboard/patients/{patient.pk}/")
    page.wait_for_load_state("networkidle")
    panel = page.get_by_role("region", name="Outcome measures")
    assert panel.get_by_text("2 points on the mean (Stratford 1995; Horn 2012)").is_visible()
    _axe(page, "overview-panel", findings, "therapist")
    panel.get_by_role("button", name="Ask for the discharge rating").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Asked for: discharge rating.").is_visible()

    panel = page.get_by_role("region", name="Outcome measures")
    panel.get_by_role("link", name="Progress report (print or PDF)").click()
    page.wait_for_url(re.compile(r"/report/$"))
    assert page.get_by_role(
        "heading", name="Physiotherapy progress report: Pat Patient"
    ).is_visible()
    _axe(page, "report", findings, "therapist")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    path = download.value.path()
    assert path.read_bytes()[:5] == b"%PDF-"

    page.goto(f"{live_server.url}/dashboard/patients/{patient.pk}/report/?start=2020-99-99")
    _axe(page, "report-bad-range", findings, "therapist")
    assert page.get_by_text("Enter a date such as 2026-03-31.").is_visible()

    page.goto(f"{live_server.url}/outcomes/patients/{newcomer.pk}/psfs/")
    page.get_by_label("What is the activity?").first.fill("Climbing the stairs")
    page.get_by_role("button", name="Save activities and ratings").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Rate this activity from 0 to 10.").is_visible()
    _axe(page, "psfs-setup-errors", findings, "therapist")

    page.goto(f"{live_server.url}/dashboard/flare-ups/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Flare-ups after sessions").is_visible()
    needling = page.get_by_role("row", name=re.compile("^Dry needling"))
    assert "4 of 14 sessions" in needling.inner_text()
    _axe(page, "clinic-flares", findings, "therapist")
    _assert_clean(findings)
    assert not page.problems, page.problems
