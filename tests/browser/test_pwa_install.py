"""The installable app (issue 17, part 1): the manifest a browser installs from, and a service
worker at /sw.js that controls the whole site."""

import pytest

from tests.browser.conftest import log_in
from tests.factories import TEST_PASSWORD

# The service worker runs on these pages (tests/browser/conftest.py).
pytestmark = pytest.mark.service_workers


def test_the_manifest_meets_the_install_criteria_and_the_worker_controls_the_page(
    transactional_db, live_server, phone_page, patient
):
    page = phone_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, patient.user.email, TEST_PASSWORD)

    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.request.get(f"{live_server.url}{href}")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    data = manifest.json()
    assert data["name"] == "PT Tracker" and data["short_name"]
    assert data["start_url"] == "/" and data["scope"] == "/"
    assert data["display"] == "standalone"
    assert data["theme_color"].startswith("#")
    sizes = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in data["icons"]:
        response = page.request.get(f"{live_server.url}{icon['src']}")
        assert response.ok and response.headers["content-type"] == "image/png"

    # The worker registers with the whole site as its scope and controls the page.
    scope = page.evaluate("navigator.serviceWorker.ready.then(registration => registration.scope)")
    assert scope == f"{live_server.url}/"
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    # Within the strict CSP: no refusal, no script error.
    assert errors == []
