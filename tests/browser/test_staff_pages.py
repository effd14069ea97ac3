"""Staff pages a new clinician meets (issue 12): recovery codes to download and print, the rule
set from the clinic admin's menu in the clinic's words, the therapists' invitations and
two-step login. Screenshots of each at phone and desktop size."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import give_authenticator, log_in, screenshot
from tests.factories import TEST_PASSWORD

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


def test_recovery_codes_download_as_text_and_print(
    transactional_db, live_server, chromium, therapist, tmp_path
):
    context = chromium.new_context(viewport=SIZES["phone"], accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server, therapist.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/accounts/2fa/")
    page.get_by_role("button", name="Make new recovery codes").click()
    page.wait_for_url("**/recovery-codes/")
    codes = page.locator("#recovery-codes code").all_text_contents()
    assert len(codes) == 10
    assert page.get_by_role("button", name="Print the codes").is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as a text file").click()
    download = download_info.value
    assert download.suggested_filename == "pt-tracker-recovery-codes.txt"
    saved = Path(tmp_path) / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert therapist.email in text
    assert all(code in text for code in codes)
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"staff-recovery-codes-{size}")
    context.close()


def test_the_clinic_admin_reaches_the_rule_set_and_sees_the_therapists(
    transactional_db, live_server, chromium, clinic_admin, therapist
):
    page = chromium.new_page(viewport=SIZES["desktop"])
    log_in(page, live_server, clinic_admin.email, TEST_PASSWORD)
    menu = page.get_by_role("navigation", name="Main")
    assert not menu.get_by_role("link", name="Alert rules").is_visible()
    menu.get_by_text("Clinic", exact=True).click()  # the clinic admin's menu opens
    screenshot(page, "staff-clinic-menu-desktop")
    menu.get_by_role("link", name="Alert rules").click()
    page.wait_for_url("**/alerts/rule-set/")
    assert page.get_by_role("heading", name="Red-flag rule set").is_visible()
    body = page.locator("main").inner_text()
    assert "CLINICAL" + ".md" not in body and "spec.md" not in body and "fraction" not in body
    assert page.get_by_label("Meaningful rise: percentage of baseline").input_value() == "30"
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"staff-rule-set-{size}")
    give_authenticator(therapist)
    page.goto(f"{live_server.url}/accounts/therapists/")
    row = page.get_by_role("row", name="Tess Therapist")
    assert "Set up" in row.inner_text() and "Account active" in row.inner_text()
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"staff-therapists-{size}")
    page.close()
