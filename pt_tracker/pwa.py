"""The installable app (issue 17): the web app manifest, the service worker at /sw.js with the
whole site as its scope, and the page shown offline when nothing is kept for an address.

The service worker's code is static (static/js/service-worker.js, with Workbox from the npm lock
file); /sw.js only loads it with the addresses it needs, so static file hashing keeps working
and a new deployment is a new worker. See docs/decisions.md, "Installable app and offline
logging".
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

THEME_COLOUR = "#1a5fb4"
BACKGROUND_COLOUR = "#ffffff"
ICONS = (
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/icon-maskable-512.png", "512x512", "maskable"),
)


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "id": "/",
        "name": "PT Tracker",
        "short_name": "PT Tracker",
        "description": _("Log how you feel after physical therapy, and see your exercises."),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


def worker_config() -> dict[str, str]:
    """The addresses the service worker needs, from the URLconf (no copy in JavaScript)."""
    return {
        "offlinePage": reverse("offline"),
        "today": reverse("care:today"),
        "session": reverse("care:offline_session"),
        "sync": reverse("care:offline_sync"),
        "staticPrefix": settings.STATIC_URL,
        "icon": static("icons/icon-192.png"),
    }


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    scripts = [static(f"vendor/workbox/{module}.prod.js") for module in settings.WORKBOX_MODULES]
    scripts += [static("js/offline-store.js"), static("js/service-worker.js")]
    body = (
        f"self.PT_CONFIG = {json.dumps(worker_config())};\n"
        f"importScripts({', '.join(json.dumps(script) for script in scripts)});\n"
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # The browser checks for a new worker on each visit; never an old copy from a cache.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What a page that is not kept on this phone shows offline. It names nobody: the service
    worker keeps it for every user of the browser."""
    response = render(request, "pwa/offline.html")
    response["Cache-Control"] = "no-cache"
    return response
