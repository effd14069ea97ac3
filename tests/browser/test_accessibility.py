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
            findings.append({"role": role, "page": name, "size": size, "url": page.url, **violation})
        screenshot(page, f"a11y-{role}-{name}-{size}")


def _visit(page, live_server, role: str, pages, findings: list[dict]) -> None:
    for name, path in pages:
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
