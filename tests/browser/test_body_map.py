"""The body map on a phone (issue 12): one large figure at a time with a front/back switch,
every region a target of at least 44 x 44 CSS px at 390 px wide (each region's box is
measured), keyboard operable, and the list of tick boxes when there is no JavaScript."""

from __future__ import annotations

import pytest

from symptoms.choices import Region
from tests.browser.conftest import ARTIFACTS, PHONE, log_in
from tests.factories import TEST_PASSWORD

MIN_TARGET = 44
REGION_BOXES = """(side) => Array.from(
  document.querySelectorAll(`[data-body-map-side=${side}] [data-region]`)
).map((el) => {
  const box = el.getBoundingClientRect();
  return {region: el.dataset.region, width: box.width, height: box.height, left: box.left,
          right: box.right};
})"""


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _open_log(page, live_server, patient) -> None:
    log_in(page, live_server, patient.user.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/symptoms/log/")
    page.wait_for_load_state("networkidle")


def test_every_region_is_at_least_44_px_on_a_phone(transactional_db, live_server, phone, patient):
    page = phone
    _open_log(page, live_server, patient)
    seen = set()
    small = []
    for side in ("front", "back"):
        page.get_by_role("button", name=side.capitalize(), exact=True).click()
        page.locator(f"[data-body-map-side={side}]").scroll_into_view_if_needed()
        assert page.locator(f"[data-body-map-side={side}]").is_visible()
        boxes = page.evaluate(REGION_BOXES, side)
        for box in boxes:
            seen.add(box["region"])
            if box["width"] < MIN_TARGET or box["height"] < MIN_TARGET:
                small.append(f"{side} {box['region']}: {box['width']:.0f}x{box['height']:.0f}")
            assert box["left"] >= 0 and box["right"] <= PHONE["width"], box
        page.locator("[data-body-map]").screenshot(
            path=str(ARTIFACTS / f"body-map-{side}-phone.png")
        )
    assert seen == set(Region.values)
    assert not small, "Regions under 44x44 px:\n" + "\n".join(small)


def test_the_map_works_with_the_keyboard(transactional_db, live_server, phone, patient):
    page = phone
    _open_log(page, live_server, patient)
    thigh = page.locator("[data-body-map-side=front] [data-region=left_thigh]")
    thigh.focus()
    page.keyboard.press("Space")
    assert thigh.get_attribute("aria-checked") == "true"
    assert page.locator("input[name=regions][value=left_thigh]").is_checked()
    # The switch is a pair of buttons: Enter on "Back" turns the figure round.
    page.get_by_role("button", name="Back", exact=True).focus()
    page.keyboard.press("Enter")
    assert page.locator("[data-body-map-side=front]").is_hidden()
    lower_back = page.get_by_role("checkbox", name="Lower back")
    lower_back.focus()
    page.keyboard.press("Enter")
    assert lower_back.get_attribute("aria-checked") == "true"
    assert page.locator("input[name=regions][value=lower_back]").is_checked()
    # The thigh chosen on the front shows as chosen on the back too.
    back_thigh = page.locator("[data-body-map-side=back] [data-region=left_thigh]")
    assert back_thigh.get_attribute("aria-checked") == "true"
    assert "Left thigh" in page.locator("[data-body-map-summary]").text_content()
    assert page.get_by_role("button", name="Back", exact=True).get_attribute("aria-pressed") == (
        "true"
    )


def test_without_javascript_the_tick_boxes_do_the_job(
    transactional_db, live_server, chromium, patient
):
    context = chromium.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    _open_log(page, live_server, patient)
    assert page.locator("[data-body-map-figure]").is_hidden()
    box = page.get_by_role("checkbox", name="Lower back")
    assert box.is_visible()
    box.check()
    assert box.is_checked()
    context.close()
