"""axe-core on every page of every role, at phone (390x844) and desktop (1280x900) sizes
(issue 7, WCAG 2.2 AA): no serious or critical violation anywhere.

axe comes from the npm lock file (node_modules/axe-core). The app's CSP allows no inline script,
so axe is added as an init script (DevTools injects it, outside the page's CSP) instead of a
<script> tag: the pages are checked with their real CSP, styles and scripts.

One test per role visits all the role's pages (tests/browser/world.py lists them): at phone size
as the page loads, then at desktop size with every <details> opened, so folded content is
checked too. Each page's screenshot at both sizes goes to test-artifacts/screenshots/ (ignored by
git) and the full axe findings, minor ones included, to test-artifacts/axe/<role>.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.browser.world import CLIENT_ERROR_PAGES, add_emergency, build_world, pages_for
from tests.factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = ROOT / "test-artifacts" / "axe"
#: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""
OPEN_DETAILS = "() => document.querySelectorAll('details').forEach((d) => { d.open = true; })"


@pytest.fixture
def world(transactional_db, clinic, therapist, clinic_admin, patient, settings):
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is missing: run `npm ci` (it is in package-lock.json)")
    return build_world(clinic, therapist, clinic_admin, patient, settings)


@pytest.fixture
def axe_page(chromium):
    context = chromium.new_context(viewport=PHONE)
    context.add_init_script(path=str(AXE_SCRIPT))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _check(page, role: str, name: str, findings: list[dict]) -> None:
    """axe at both sizes on the page already loaded; a screenshot of each."""
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        if size == "desktop":
            page.evaluate(OPEN_DETAILS)
        for violation in page.evaluate(RUN_AXE, AXE_TAGS):
            findings.append(
                {"role": role, "page": name, "size": size, "url": page.url, **violation}
            )
        screenshot(page, f"a11y-{role}-{name}-{size}")


def _console_errors(page) -> list[str]:
    """What the browser's console says went wrong on the page (a missing file, a script error,
    a blocked resource), kept from the moment the page is watched."""
    if not hasattr(page, "console_errors"):
        page.console_errors = []
        page.on(
            "console",
            lambda message: (
                page.console_errors.append(f"{message.text} ({page.url})")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: page.console_errors.append(f"{error} ({page.url})"))
    return page.console_errors


def _visit(page, live_server, role: str, pages, findings: list[dict]) -> None:
    errors = _console_errors(page)
    for name, path in pages:
        errors.clear()
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert response is not None
        expected_error = name in CLIENT_ERROR_PAGES
        assert (400 <= response.status < 500) if expected_error else response.status < 400, (
            f"{role} {name}: {path} answered {response.status}"
        )
        # A page that sent us elsewhere (login, emergency first) would be checked in its stead.
        assert page.url.split("?")[0].endswith(path.split("?")[0]), (
            f"{role} {name}: {path} led to {page.url}"
        )
        _check(page, role, name, findings)
        # No console error on any page (issue 12: /favicon.ico was missing everywhere); a page
        # that answers with a client error on purpose logs its own status.
        if not expected_error:
            assert not errors, f"{role} {name}: console errors: {errors}"


def _report(role: str, findings: list[dict], pages: int) -> str:
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{role}.json").write_text(json.dumps(findings, indent=2))
    failing = [f for f in findings if f["impact"] in FAILING_IMPACTS]
    lines = [f"{len(failing)} serious/critical axe violations on {role} pages ({pages} pages x 2):"]
    for f in failing:
        lines.append(f"- {f['page']} ({f['size']}) {f['id']} [{f['impact']}]: {f['help']}")
        lines.extend(f"    {node['target']}" for node in f["nodes"][:8])
    return "\n".join(lines)


def _assert_clean(role: str, findings: list[dict], pages: int) -> None:
    message = _report(role, findings, pages)
    assert not any(f["impact"] in FAILING_IMPACTS for f in findings), message


def test_anonymous_pages_have_no_serious_axe_violations(world, live_server, axe_page):
    findings: list[dict] = []
    pages = pages_for(world, "anonymous")
    _visit(axe_page, live_server, "anonymous", pages, findings)
    _assert_clean("anonymous", findings, len(pages))


def test_patient_pages_have_no_serious_axe_violations(world, live_server, axe_page):
    findings: list[dict] = []
    pages = pages_for(world, "patient")
    log_in(axe_page, live_server, world.patient.user.email, TEST_PASSWORD)
    _visit(axe_page, live_server, "patient", pages, findings)

    # Last: an emergency they have not confirmed yet, then the page after confirming.
    alert = add_emergency(world)
    emergency = [("emergency", f"/alerts/emergency/{alert.pk}/")]
    _visit(axe_page, live_server, "patient", emergency, findings)
    axe_page.get_by_role("button", name="I have read this").click()
    axe_page.wait_for_load_state("networkidle")
    _visit(axe_page, live_server, "patient", [("emergency-confirmed", emergency[0][1])], findings)
    _assert_clean("patient", findings, len(pages) + 2)


def test_therapist_pages_have_no_serious_axe_violations(world, live_server, axe_page):
    findings: list[dict] = []
    pages = pages_for(world, "therapist")
    log_in(axe_page, live_server, world.therapist.email, TEST_PASSWORD)
    _visit(axe_page, live_server, "therapist", pages, findings)
    _assert_clean("therapist", findings, len(pages))


def test_clinic_admin_pages_have_no_serious_axe_violations(world, live_server, axe_page):
    findings: list[dict] = []
    pages = pages_for(world, "clinic_admin")
    log_in(axe_page, live_server, world.clinic_admin.email, TEST_PASSWORD)
    _visit(axe_page, live_server, "clinic_admin", pages, findings)
    _assert_clean("clinic_admin", findings, len(pages))


# --- Touch targets and text size on the patient's phone -------------------------------------------

#: Interactive elements (the visible part of a visually hidden radio or checkbox is its label).
TARGETS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=checkbox], [role=button], [role=radio], [tabindex]:not([tabindex="-1"])';
  const describe = (el) => (el.getAttribute('aria-label') || el.textContent || el.name || el.id
    || '').replace(/\\s+/g, ' ').trim().slice(0, 60);
  const results = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled) continue;
    let boxes = [el.getBoundingClientRect()];
    const labels = el.labels ? Array.from(el.labels) : [];
    if (el.classList.contains('btn-check')) {
      boxes = labels.map((label) => label.getBoundingClientRect());
    } else if (el.matches('.form-check-input') && labels.length) {
      // A tick box and its label form one target: tapping either ticks it.
      boxes.push(...labels.map((label) => label.getBoundingClientRect()));
    }
    boxes = boxes.filter((b) => b.width > 1 && b.height > 1);
    if (!boxes.length) continue;  // not shown (folded, hidden, visually hidden until focused)
    const left = Math.min(...boxes.map((b) => b.left));
    const right = Math.max(...boxes.map((b) => b.right));
    const top = Math.min(...boxes.map((b) => b.top));
    const bottom = Math.max(...boxes.map((b) => b.bottom));
    // A link inside a sentence: its parent has words of its own besides its links.
    const parent = el.parentElement;
    let words = parent ? parent.textContent : '';
    if (parent) {
      parent.querySelectorAll('a, button').forEach((c) => {
        words = words.replace(c.textContent, '');
      });
    }
    const inline = el.tagName === 'A' && getComputedStyle(el).display === 'inline'
      && /[A-Za-z\u00c0-\u024f]{2,}/.test(words);
    const role = el.getAttribute('role');
    results.push({
      what: `${el.tagName.toLowerCase()}${role ? '[' + role + ']' : ''} "${describe(el)}"`,
      width: Math.round(right - left), height: Math.round(bottom - top),
      inline: Boolean(inline),
      region: el.hasAttribute('data-region'),
    });
  }
  return results;
}"""
MIN_TARGET = 44
NO_SIDEWAYS_SCROLL = (
    "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
)
DOUBLE_TEXT = "() => { document.documentElement.style.fontSize = '200%'; }"
#: The innermost elements that stick out on the right, to say what needs fixing.
STICKING_OUT = """() => {
  const limit = document.documentElement.clientWidth + 1;
  const out = Array.from(document.querySelectorAll('body *')).filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > limit
      && !Array.from(el.children).some((c) => c.getBoundingClientRect().right > limit);
  });
  return out.slice(0, 4).map((el) => {
    const plain = typeof el.className === 'string' && el.className.trim();
    const cls = plain ? '.' + plain.replace(/\\s+/g, '.') : '';
    const right = Math.round(el.getBoundingClientRect().right);
    return `${el.tagName.toLowerCase()}${cls} (right edge ${right}px)`;
  });
}"""


@pytest.fixture
def patient_phone(chromium):
    # Reduced motion: the menu opens at once, so its links are measured at full size.
    context = chromium.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, reduced_motion="reduce"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_touch_targets_on_patient_pages_are_at_least_44_px(world, live_server, patient_phone):
    """WCAG 2.5.5 (44 x 44 px) on every patient page at phone size, with the exemption WCAG
    2.5.8 allows for links inside a sentence (their size is set by the line of text). The body
    map's regions count like any target (issue 12)."""
    page = patient_phone
    too_small = []

    def measure(name: str) -> None:
        page.evaluate(OPEN_DETAILS)
        for target in page.evaluate(TARGETS):
            if target["inline"]:
                continue
            if target["width"] < MIN_TARGET or target["height"] < MIN_TARGET:
                too_small.append(
                    f"{name}: {target['what']} is {target['width']}x{target['height']}"
                )

    for name, path in [("login", "/accounts/login/"), ("quick-log", world.paths["quick_log"])]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        measure(name)
    log_in(page, live_server, world.patient.user.email, TEST_PASSWORD)
    for name, path in pages_for(world, "patient"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        menu = page.get_by_role("button", name="Menu")
        if menu.count():  # the pages kept for offline use have no menu
            menu.click()  # the menu's links count too
        measure(name)
        if name == "log-symptoms":
            assert page.get_by_role("button", name="Choose from a list instead").is_visible()
    alert = add_emergency(world)
    page.goto(f"{live_server.url}/alerts/emergency/{alert.pk}/")
    page.wait_for_load_state("networkidle")
    measure("emergency")
    assert not too_small, "Touch targets under 44x44 px:\n" + "\n".join(too_small)


def test_patient_pages_work_with_text_at_200_percent(world, live_server, chromium):
    """WCAG 1.4.4: text doubled (the root font size, which Bootstrap's rem sizes follow) on a
    390 px wide phone screen; nothing may need sideways scrolling."""
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sideways = []

    def measure(name: str) -> None:
        page.evaluate(DOUBLE_TEXT)
        page.evaluate(OPEN_DETAILS)
        if not page.evaluate(NO_SIDEWAYS_SCROLL):
            width = page.evaluate("() => document.documentElement.scrollWidth")
            culprits = ", ".join(page.evaluate(STICKING_OUT))
            sideways.append(f"{name}: {width}px wide; sticking out: {culprits}")
        screenshot(page, f"a11y-text-200-{name}")

    for name, path in [("login", "/accounts/login/"), ("quick-log", world.paths["quick_log"])]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        measure(name)
    log_in(page, live_server, world.patient.user.email, TEST_PASSWORD)
    for name, path in pages_for(world, "patient"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        measure(name)
    context.close()
    assert not sideways, "Sideways scrolling with text at 200%:\n" + "\n".join(sideways)
