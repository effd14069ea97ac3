"""The home exercise journey (issue 3): a therapist builds a two-exercise plan at a desk; the
patient, on a phone, logs one dose with pain 6 and sees the red light at once."""

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from exercises.models import ExerciseLog, PlanVersion
from tests.browser.conftest import log_in, screenshot
from tests.factories import TEST_PASSWORD


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


def _add(page, query: str, name: str) -> None:
    """Type in the library search (htmx, as you type) and add the exercise it finds."""
    search = page.get_by_label("Search the library")
    add = page.get_by_role("button", name=f"Add {name}")
    search.fill(query)
    try:
        add.wait_for(timeout=5_000)
    except PlaywrightTimeoutError:
        # On a heavily loaded CI machine the first keystrokes after the previous swap were
        # occasionally lost (seen once in 20 runs); a person would type again, so does the test.
        search.fill("")
        search.fill(query)
        add.wait_for()
    add.click()
    page.get_by_role("group", name=re.compile(re.escape(name))).wait_for()


def test_therapist_builds_a_plan_and_the_patient_logs_a_red_dose(
    transactional_db, live_server, desktop_page, phone_page, patient, therapist
):
    # --- The therapist, at a desk ---------------------------------------------------------------
    desk = desktop_page
    problems = _watch_for_problems(desk)
    log_in(desk, live_server, therapist.email, TEST_PASSWORD)
    desk.wait_for_url(re.compile(r"/dashboard/"))
    desk.goto(f"{live_server.url}/exercises/patients/{patient.pk}/plan/")
    assert desk.get_by_text("No plan is in force today.").is_visible()

    _add(desk, "sciatic", "Sciatic nerve slider (lying)")
    _add(desk, "bridge", "Bridge")
    desk.get_by_label("Note to the patient").fill("Start gently, little and often.")
    screenshot(desk, "exercise-journey-1-therapist-builds-plan")
    desk.get_by_role("button", name="Save plan").click()
    # htmx answers a save with a redirect: the browser loads the saved plan's page.
    desk.get_by_text("Plan saved as version 1.").wait_for()
    assert desk.get_by_text("Version 1 is in force").is_visible()
    screenshot(desk, "exercise-journey-2-therapist-saved")
    assert problems == []

    version = PlanVersion.objects.get(plan__patient=patient)
    assert [item.exercise.name for item in version.items.all()] == [
        "Sciatic nerve slider (lying)",
        "Bridge",
    ]

    # --- The patient, on a phone ----------------------------------------------------------------
    page = phone_page
    problems = _watch_for_problems(page)
    log_in(page, live_server, patient.user.email, TEST_PASSWORD)
    assert page.url.endswith("/exercises/today/")
    assert page.get_by_text("Start gently, little and often.").is_visible()
    card = page.locator("article.dose-card", has_text="Sciatic nerve slider (lying)")
    card.get_by_text("I did it: log this dose").click()
    card.get_by_role("radiogroup").get_by_text("6", exact=True).click()
    # No screenshot here: Playwright's screenshot leaves style="" on inputs, which htmx would
    # copy onto the swapped card and the CSP would (rightly) refuse.
    card.get_by_role("button", name="Save this dose").click()

    light = page.get_by_role("status").filter(has_text="Red: ease off")
    light.wait_for()
    assert light.get_by_text("Next time, try this:").is_visible()
    assert card.get_by_text("Done today: 1 of 2").is_visible()
    screenshot(page, "exercise-journey-3-patient-red-light")
    assert problems == []

    log = ExerciseLog.objects.get(patient=patient)
    assert (log.pain_during, log.plan_item.version) == (6, version)
