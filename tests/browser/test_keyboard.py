"""Three journeys with the keyboard alone (issue 7): logging an entry, logging an exercise dose
and triaging an alert. Every Tab stop on the way must show its focus, not be covered, and come
after the previous one (tests/browser/keyboard.py). No mouse, no clicks."""

from __future__ import annotations

import re

import pytest

from exercises.models import ExerciseLog
from redflags.models import Alert, TriageAction
from symptoms.models import SymptomEntry
from tests.browser.conftest import log_in, screenshot
from tests.browser.keyboard import KeyboardUser, named
from tests.browser.world import URGENT_ANSWERS, log_entry
from tests.factories import (
    TEST_PASSWORD,
    ExerciseFactory,
    PlanFactory,
    PlanItemFactory,
    PlanVersionFactory,
)

# After a triage action, its confirmation takes the focus (static/js/redflags.js).
FOCUS_ON_STATUS = "() => document.activeElement.getAttribute('role') === 'status'"


@pytest.fixture
def desk(chromium):
    """A desktop-sized window; keyboard users are mostly at a desk."""
    # Reduced motion: focus scrolling is instant, so each stop is checked where it ends up.
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _skip_to_main(kb: KeyboardUser) -> None:
    """The first Tab reaches the skip link; Enter takes focus past the menu."""
    kb.new_page()
    stop = kb.tab()
    assert stop.name == "Skip to main content", stop
    kb.press("Enter")
    assert kb.page.evaluate("document.activeElement.id") == "main"
    # Start the order check again from <main>.
    kb.page.evaluate(
        "document.querySelector('[data-kb-previous]')?.removeAttribute('data-kb-previous')"
    )


def test_a_patient_logs_an_entry_with_the_keyboard_alone(
    transactional_db, live_server, desk, patient
):
    page = desk
    log_in(page, live_server, patient.user.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/exercises/today/")
    kb = KeyboardUser(page)
    _skip_to_main(kb)

    kb.tab_to(named("Log how you feel", role="a"))
    kb.press("Enter", check=False)
    page.wait_for_url(re.compile(r"/symptoms/log/$"))
    kb.new_page()

    # The context group: its chosen radio takes the focus; the arrow picks "My symptoms got worse".
    kb.tab_to(lambda s: s.type == "radio" and "Everyday check-in" in s.name)
    kb.press("ArrowRight")
    assert page.get_by_role("radio", name="My symptoms got worse").is_checked()

    # Pain now 4: into the group, Space chooses 0, arrows move up.
    kb.tab_to(lambda s: s.type == "radio" and s.name == "0")
    kb.press("Space")
    for _ in range(4):
        kb.press("ArrowRight")
    assert (
        page.get_by_role("group", name="How bad is your pain right now?")
        .get_by_role("radio", name="4", exact=True)
        .is_checked()
    )

    # Worst pain 6.
    kb.tab()
    kb.press("Space")
    while (
        not page.get_by_role("group", name="What was your worst pain since you last logged?")
        .get_by_role("radio", name="6", exact=True)
        .is_checked()
    ):
        kb.press("ArrowRight")

    kb.tab_to(named("Burning", exact=True))
    kb.press("Space")
    # The body map: each region is a checkbox of its own in the drawing (front view first).
    kb.tab_to(named("Left thigh", role="checkbox", exact=True))
    kb.press("Space")
    assert (
        page.locator("[data-body-map-side=front] [data-region=left_thigh]").get_attribute(
            "aria-checked"
        )
        == "true"
    )
    assert page.get_by_text("You chose: Left thigh").is_visible()
    screenshot(page, "keyboard-entry-1-form")

    # The folded extra detail opens with Enter on its summary.
    kb.tab_to(named("Add more detail (optional)"))
    kb.press("Enter")
    kb.tab_to(lambda s: s.tag == "textarea")
    kb.type("Worse after the drive home.")
    kb.tab_to(named("Save", role="button", exact=True))
    kb.press("Enter", check=False)
    page.wait_for_url(re.compile(r"/symptoms/entries/\d+/$"))
    page.wait_for_load_state("networkidle")

    entry = SymptomEntry.objects.get(patient=patient)
    assert entry.context == "flare"
    assert (entry.pain_now, entry.pain_worst) == (4, 6)
    assert entry.descriptors == ["burning"]
    assert entry.regions == ["left_thigh"]
    assert entry.notes == "Worse after the drive home."
    assert page.get_by_role("heading", name="What you logged").is_visible()
    screenshot(page, "keyboard-entry-2-saved")

    # And onwards, still by keyboard, to the diary.
    kb.new_page()
    kb.tab_to(named("Go to my diary", role="a"))
    kb.press("Enter", check=False)
    page.wait_for_url(re.compile(r"/symptoms/diary/$"))


def test_a_patient_logs_an_exercise_dose_with_the_keyboard_alone(
    transactional_db, live_server, desk, patient
):
    version = PlanVersionFactory(plan=PlanFactory(patient=patient), number=1)
    item = PlanItemFactory(
        version=version, exercise=ExerciseFactory(name="Sciatic nerve slider"), times_per_day=2
    )
    page = desk
    log_in(page, live_server, patient.user.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/exercises/today/")
    kb = KeyboardUser(page)
    _skip_to_main(kb)

    kb.tab_to(named("I did it: log this dose"))
    kb.press("Enter")
    kb.tab_to(lambda s: s.type == "radio" and s.name == "0")
    kb.press("Space")
    for _ in range(3):
        kb.press("ArrowRight")
    # How hard: "OK" is chosen already; the arrow moves on to "Hard".
    kb.tab_to(lambda s: s.type == "radio" and s.name == "OK")
    kb.press("ArrowRight")
    kb.tab_to(named("Save this dose", role="button"))
    screenshot(page, "keyboard-dose-1-form")
    kb.press("Enter", check=False)

    # The traffic light replaces the form and takes the focus, so it is seen and read out.
    light = page.locator(f"#dose-{item.pk} .traffic-light")
    light.wait_for()
    page.wait_for_function("() => document.activeElement.classList.contains('traffic-light')")
    kb.check_focus(order=False)
    assert "You said your pain was 3 out of 10." in light.inner_text()
    screenshot(page, "keyboard-dose-2-light")

    log = ExerciseLog.objects.get(patient=patient)
    assert (log.plan_item, log.pain_during, log.difficulty) == (item, 3, "hard")
    # Tabbing on continues from the card, not from the top of the page.
    stop = kb.tab()
    assert stop.name != "Skip to main content"


def test_a_therapist_acknowledges_and_resolves_an_alert_with_the_keyboard_alone(
    transactional_db, live_server, desk, patient, therapist
):
    log_entry(patient, 5, **URGENT_ANSWERS)
    alert = Alert.objects.get(patient=patient, rule="R7")
    page = desk
    log_in(page, live_server, therapist.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/alerts/")
    kb = KeyboardUser(page)
    _skip_to_main(kb)

    # The inbox names the finding in words, the rule second (issue 11).
    kb.tab_to(lambda s: s.tag == "a" and s.name.startswith("Severe stabbing pain"))
    kb.press("Enter", check=False)
    page.wait_for_url(re.compile(rf"/alerts/{alert.pk}/$"))
    kb.new_page()

    # Acknowledge: the confirmation takes the focus (redflags.js).
    kb.tab_to(named("Acknowledge", role="button", exact=True))
    kb.press("Enter", check=False)
    page.get_by_role("status").filter(has_text="Alert acknowledged.").wait_for()
    page.wait_for_function(FOCUS_ON_STATUS)
    kb.check_focus(order=False)
    screenshot(page, "keyboard-triage-1-acknowledged")

    # Resolve with a note, typed into the resolve form.
    kb.tab_to(lambda s: s.tag == "textarea" and "How was it resolved?" in s.name)
    kb.type("Phoned the patient; pain settling with rest. Reviewed at Tuesday's session.")
    kb.tab_to(named("Resolve", role="button", exact=True))
    kb.press("Enter", check=False)
    page.get_by_text("Resolved alerts stay on record.").wait_for()
    page.wait_for_function(FOCUS_ON_STATUS)
    assert page.evaluate("() => document.activeElement.textContent") == "Alert resolved."
    kb.check_focus(order=False)
    screenshot(page, "keyboard-triage-2-resolved")

    alert.refresh_from_db()
    assert alert.state == "resolved"
    kinds = list(TriageAction.objects.filter(alert=alert).values_list("kind", "note"))
    assert ("acknowledge", "") in kinds
    assert (
        "resolve",
        "Phoned the patient; pain settling with rest. Reviewed at Tuesday's session.",
    ) in kinds
