"""The installable app (issue 17): the manifest, the service worker's script and the page shown
offline, within the strict Content Security Policy."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_manifest_has_what_a_browser_installs_from(client):
    response = client.get(reverse("manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "PT Tracker"
    assert data["short_name"] == "PT Tracker"
    assert data["start_url"] == reverse("home")
    assert data["scope"] == "/"
    assert data["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", data["theme_color"])
    icons = {(icon["sizes"], icon["purpose"]): icon["src"] for icon in data["icons"]}
    assert set(icons) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (sizes, _purpose), src in icons.items():
        path = finders.find(src.removeprefix("/static/"))
        assert path, src
        with open(path, "rb") as png:
            header = png.read(24)
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(header[16:20]), int.from_bytes(header[20:24])
        assert f"{width}x{height}" == sizes


def test_the_service_worker_covers_the_whole_site_and_loads_workbox_from_the_lock_file(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    config = json.loads(re.search(r"self\.PT_CONFIG = (\{.*\});", body).group(1))
    assert config["offlinePage"] == reverse("offline")
    assert config["sync"] == reverse("care:offline_sync")
    scripts = re.findall(r'"(/static/[^"]+)"', body.split("importScripts(", 1)[1])
    assert scripts[0].endswith("workbox-core.prod.js")
    assert scripts[-1].endswith("js/service-worker.js")
    for script in scripts:
        assert finders.find(script.removeprefix("/static/")), script


def test_every_page_links_the_manifest_and_the_worker(client, patient_client):
    for response in (client.get(reverse("accounts:login")), patient_client.get("/symptoms/log/")):
        html = response.content.decode()
        assert f'<link rel="manifest" href="{reverse("manifest")}">' in html
        assert 'data-service-worker="/sw.js"' in html
        assert '<meta name="theme-color"' in html


def test_the_content_security_policy_allows_the_worker_and_the_manifest_from_the_site(client):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_offline_page_names_nobody(patient_client, patient):
    response = patient_client.get(reverse("offline"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "You are offline" in html
    assert patient.user.full_name not in html
    assert patient.user.email not in html
