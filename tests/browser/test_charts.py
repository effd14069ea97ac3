"""The charts as a person sees them (issue 12): on a 390 px phone and a 1366 px desktop, every
word of every chart (axis labels, the "Pain (0-10)" title, the key) is drawn at 11 px or more
and lies whole inside the chart's box and the screen, no two words overlap, and the plot uses
the width it is given. A session marker reached with the keyboard shows its interventions in
full, inside the screen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, screenshot
from tests.browser.world import build_world
from tests.factories import TEST_PASSWORD

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
MIN_TEXT_PX = 11

#: Every visible word of every chart on the page, with its rendered size and box, and the box
#: of its chart. SVG text is measured through its screen transform: what the eye gets.
CHART_TEXT = """() => {
  const found = [];
  for (const chart of document.querySelectorAll('.chart')) {
    const box = chart.getBoundingClientRect();
    const plot = chart.querySelector('.chart-plot').getBoundingClientRect();
    for (const el of chart.querySelectorAll('text, .chart-key-item')) {
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const r = el.getBoundingClientRect();
      if (r.width < 1) continue;
      let size = parseFloat(style.fontSize);
      if (el.getScreenCTM) {
        const m = el.getScreenCTM();
        size *= Math.hypot(m.a, m.b);
      }
      found.push({
        text: el.textContent.trim(), size, svg: Boolean(el.getScreenCTM),
        left: r.left, right: r.right, top: r.top, bottom: r.bottom,
        box: [box.left, box.right, box.top, box.bottom], plotWidth: plot.width,
        chartWidth: box.width, screen: document.documentElement.clientWidth,
      });
    }
  }
  return found;
}"""


@pytest.fixture
def world(transactional_db, clinic, therapist, clinic_admin, patient, settings):
    return build_world(clinic, therapist, clinic_admin, patient, settings)


def _overlaps(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"] - 1
        and b["left"] < a["right"] - 1
        and a["top"] < b["bottom"] - 1
        and b["top"] < a["bottom"] - 1
    )


def _problems(page, name: str) -> list[str]:
    words = page.evaluate(CHART_TEXT)
    assert words, f"{name}: no chart text found"
    problems = []
    for word in words:
        left, right, top, bottom = word["box"]
        what = f"{name}: {word['text']!r}"
        if word["size"] < MIN_TEXT_PX:
            problems.append(f"{what} is {word['size']:.1f} px")
        if (
            word["left"] < max(left, 0) - 0.5
            or word["right"] > min(right, word["screen"]) + 0.5
            or word["top"] < top - 0.5
            or word["bottom"] > bottom + 0.5
        ):
            problems.append(f"{what} is cut off ({word['left']:.0f}-{word['right']:.0f} px)")
    svg_words = [w for w in words if w["svg"]]
    for index, word in enumerate(svg_words):
        problems.extend(
            f"{name}: {word['text']!r} overlaps {other['text']!r}"
            for other in svg_words[index + 1 :]
            if _overlaps(word, other)
        )
    # The plot takes the chart's width, less the room for the axis labels.
    for word in words[:1]:
        if word["plotWidth"] < word["chartWidth"] - 70:
            problems.append(
                f"{name}: the plot is {word['plotWidth']:.0f} px of {word['chartWidth']:.0f}"
            )
    return problems


def _check_pages(page, pages: list[tuple[str, str]], base: str) -> list[str]:
    problems = []
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        for name, path in pages:
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            problems.extend(_problems(page, f"{name} ({size})"))
            screenshot(page, f"chart-{name}-{size}")
    return problems


def test_patient_diary_chart_text_is_readable_and_whole(world, live_server, chromium):
    page = chromium.new_page()
    log_in(page, live_server, world.patient.user.email, TEST_PASSWORD)
    problems = _check_pages(page, [("diary", "/symptoms/diary/")], live_server.url)
    page.close()
    assert not problems, "\n".join(problems)


def test_clinician_charts_text_is_readable_and_whole(world, live_server, chromium):
    pk = world.patient.pk
    page = chromium.new_page()
    log_in(page, live_server, world.therapist.email, TEST_PASSWORD)
    pages = [
        ("overview", f"/dashboard/patients/{pk}/"),
        ("overview-long", f"/dashboard/patients/{pk}/?range=all"),
        ("summary", f"/dashboard/patients/{pk}/summary/"),
        ("report", f"/dashboard/patients/{pk}/report/"),
    ]
    problems = _check_pages(page, pages, live_server.url)
    page.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", SIZES)
def test_a_focused_session_marker_shows_its_interventions_in_full(
    world, live_server, chromium, size
):
    page = chromium.new_page(viewport=SIZES[size])
    log_in(page, live_server, world.therapist.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/dashboard/patients/{world.patient.pk}/")
    page.wait_for_load_state("networkidle")
    markers = page.locator(".chart-trend .chart-session")
    assert markers.count() == 3
    words = markers.last.locator(".chart-session-full")
    assert not words.is_visible()
    markers.last.focus()
    assert words.is_visible()
    assert "Nerve mobilisation" in (markers.last.get_attribute("aria-label") or "")
    assert "Nerve mobilisation" in " ".join(words.locator("tspan").all_text_contents())
    box = words.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"]
    screenshot(page, f"chart-session-focus-{size}")
    page.close()
