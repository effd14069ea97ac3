"""The endpoints that machines call: /readyz for monitoring, /metrics for Prometheus. Neither
shows anything about a patient. (/healthz, the liveness check the load balancer asks, stays in
pt_tracker.)"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from .checks import background_checks
from .metrics import metrics_allowed, metrics_page


def _database_error() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return f"the database does not answer: {type(error).__name__}"
    return ""


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and the background work keeps up; 503 with the reasons
    otherwise (ops.checks)."""
    problem = _database_error()
    if problem:
        body = {"ok": False, "checks": {"database": "down"}, "reasons": [f"database: {problem}"]}
        return _answer(body, 503)
    now = timezone.now()
    checks = background_checks(now)
    ok = all(check.ok for check in checks)
    body = {
        "ok": ok,
        "checks": {"database": "ok"} | {c.name: "ok" if c.ok else "stale" for c in checks},
        "reasons": [f"{c.name}: {c.reason}" for c in checks if not c.ok],
    }
    return _answer(body, 200 if ok else 503)


def _answer(body: dict, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    # A 503 here is an answer, not a server error: Django would log one ERROR line per probe
    # (every few seconds) while something is stale. /metrics and the staff banner say it.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format; 404 for a caller without the token (or not on loopback)."""
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(metrics_page(), content_type=CONTENT_TYPE_LATEST)
