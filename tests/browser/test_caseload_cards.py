"""The caseload on a phone (issue 12): below 768 px each patient is a card with every figure
named, and nothing scrolls sideways; on a desktop it stays a table."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, screenshot
from tests.browser.world import build_world
from tests.factories import TEST_PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
CARDS = """() => Array.from(document.querySelectorAll('.caseload-table tbody tr')).map((tr) => {
  const box = tr.getBoundingClientRect();
  return {
    display: getComputedStyle(tr).display, left: box.left, right: box.right,
    labels: Array.from(tr.querySelectorAll('td')).map(
      (td) => getComputedStyle(td, '::before').content.replace(/^"|"$/g, '')),
    header: getComputedStyle(document.querySelector('.caseload-table thead')).position,
  };
})"""
SIDEWAYS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"


@pytest.fixture
def world(transactional_db, clinic, therapist, clinic_admin, patient, settings):
    return build_world(clinic, therapist, clinic_admin, patient, settings)


def test_the_caseload_is_cards_on_a_phone_and_a_table_on_a_desktop(world, live_server, chromium):
    page = chromium.new_page(viewport=PHONE)
    log_in(page, live_server, world.therapist.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_load_state("networkidle")
    cards = page.evaluate(CARDS)
    assert len(cards) >= 2
    for card in cards:
        assert card["display"] == "block"
        assert card["left"] >= 0 and card["right"] <= PHONE["width"]
        assert "Flare-up" in card["labels"] and "Next session" in card["labels"]
        assert card["header"] == "absolute"  # the header row is there for screen readers only
    assert not page.evaluate(SIDEWAYS)
    assert page.locator(".caseload-table .sparkline-cell svg").first.is_visible()
    screenshot(page, "caseload-cards-phone")

    page.set_viewport_size(DESKTOP)
    cards = page.evaluate(CARDS)
    assert {card["display"] for card in cards} == {"table-row"}
    assert not page.evaluate(SIDEWAYS)
    screenshot(page, "caseload-table-desktop")
    page.close()
