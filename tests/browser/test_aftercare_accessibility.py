"""axe-core on the pages issue 11 changed, at 390x844 and 1366x900, in English and in Spanish: no
serious or critical violation. The patient's pages carry the banner of an open emergency and an
open urgent alert (and Today its paused plan); the clinician's pages the caseload's words, the
inbox's new columns, the overview's strip and call links, the alert page's call links, the
contact fields; the closed account's quick-log link its 410 page.

The findings, minor ones included, go to test-artifacts/axe/aftercare-<language>.json and a
screenshot of each page at each size to test-artifacts/screenshots/ (both ignored by git)."""

from __future__ import annotations

import json

import pytest

from accounts.closure import patient_account_close
from accounts.phones import phone_parse
from redflags.models import Alert
from redflags.triage import alert_patient_confirm
from reminders.models import QuickLogToken, ReminderDispatch
from reminders.tokens import quick_log_token_new
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_accessibility import (
    AXE_SCRIPT,
    AXE_TAGS,
    FAILING_IMPACTS,
    OPEN_DETAILS,
    REPORTS,
    RUN_AXE,
)
from tests.factories import (
    TEST_PASSWORD,
    AlertFactory,
    ExerciseFactory,
    PatientFactory,
    PlanFactory,
    PlanItemFactory,
    PlanVersionFactory,
    SymptomEntryFactory,
)

SIZES = {"phone": {"width": 390, "height": 844}, "wide": {"width": 1366, "height": 900}}


def _closed_link(clinic, therapist) -> str:
    """A quick-log link of a patient whose account is closed since it was sent."""
    closed = PatientFactory(clinic=clinic, therapists=[therapist], user__full_name="Cleo Closed")
    now = closed.local_day()
    dispatch = ReminderDispatch.objects.create(
        patient=closed,
        kind="daily",
        local_date=now,
        due_at=closed.created_at,
        state="sent",
    )
    signed, digest = quick_log_token_new()
    QuickLogToken.objects.create(
        token_hash=digest,
        patient=closed,
        context="daily",
        dispatch=dispatch,
        expires_at=closed.created_at.replace(year=closed.created_at.year + 1),
    )
    patient_account_close(closed)
    return f"/reminders/log/?t={signed}"


@pytest.fixture
def aftercare(transactional_db, clinic, therapist, clinic_admin, patient):
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is missing: run `npm ci` (it is in package-lock.json)")
    patient.phone = phone_parse("07700 900123", "GB")
    patient.emergency_contact_name = "Sam Patient"
    patient.emergency_contact_phone = phone_parse("07700 900456", "GB")
    patient.best_time_to_call = "Weekdays after 5 pm"
    patient.save()
    version = PlanVersionFactory(plan=PlanFactory(patient=patient), number=1)
    PlanItemFactory(version=version, exercise=ExerciseFactory(name="Sciatic slider"))
    entry = SymptomEntryFactory(patient=patient, saddle_numbness=True)
    emergency = AlertFactory(
        patient=patient, rule="R1", entry=entry, data={"signs": ["saddle_numbness"]}
    )
    alert_patient_confirm(emergency, actor=patient.user)
    AlertFactory(
        patient=patient,
        rule="R7",
        data={"pain_worst": 8, "descriptors": ["stabbing"], "rest_relief": "no"},
    )
    pk = patient.pk
    return {
        "patient": [
            ("today", "/exercises/today/"),
            ("diary", "/symptoms/diary/"),
            ("log", "/symptoms/log/"),
            ("entry", f"/symptoms/entries/{entry.pk}/"),
            ("my-details", "/accounts/my-details/"),
        ],
        "therapist": [
            ("caseload", "/dashboard/"),
            ("inbox", "/alerts/"),
            ("overview", f"/dashboard/patients/{pk}/"),
            ("alert", f"/alerts/{emergency.pk}/"),
            ("intake", f"/symptoms/clinic/patients/{pk}/intake/"),
            ("patient-add", "/accounts/patients/add/"),
        ],
        "clinic_admin": [("clinic-settings", "/accounts/clinic/")],
        "anonymous": [("quick-log-closed", _closed_link(clinic, therapist))],
        "users": {"patient": patient.user, "therapist": therapist, "clinic_admin": clinic_admin},
    }


def _check(page, live_server, role, pages, language, findings) -> None:
    for name, path in pages:
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert response is not None
        expected = 410 if name == "quick-log-closed" else 200
        assert response.status == expected, f"{role} {name}: {response.status}"
        assert page.locator("html").get_attribute("lang") == language, name
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            if size == "wide":
                page.evaluate(OPEN_DETAILS)
            for violation in page.evaluate(RUN_AXE, AXE_TAGS):
                findings.append({"role": role, "page": name, "size": size, **violation})
            screenshot(page, f"a11y-aftercare-{language}-{role}-{name}-{size}")


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_pages_of_issue_11_have_no_serious_axe_violations(
    aftercare, live_server, chromium, language
):
    findings: list[dict] = []
    for role in ("anonymous", "patient", "therapist", "clinic_admin"):
        context = chromium.new_context(viewport=SIZES["phone"])
        context.add_init_script(path=str(AXE_SCRIPT))
        if role == "anonymous":
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
        page = context.new_page()
        page.set_default_timeout(10_000)
        if role != "anonymous":
            # Logged in through the English form, then reading in their own language (the
            # account's language applies to every page from the next request on).
            user = aftercare["users"][role]
            log_in(page, live_server, user.email, TEST_PASSWORD)
            user.preferred_language = language
            user.save(update_fields=["preferred_language"])
        _check(page, live_server, role, aftercare[role], language, findings)
        context.close()
    assert Alert.objects.filter(state="open").count() == 2

    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"aftercare-{language}.json").write_text(json.dumps(findings, indent=2))
    failing = [f for f in findings if f["impact"] in FAILING_IMPACTS]
    lines = [f"- {f['role']} {f['page']} ({f['size']}) {f['id']}: {f['help']}" for f in failing]
    for f in failing:
        lines.extend(f"    {node['target']}" for node in f["nodes"][:6])
    assert not failing, "\n".join(lines)
