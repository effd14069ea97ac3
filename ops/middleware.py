"""Every request gets an id, one access log line and its metrics (settings.MIDDLEWARE, first).

- The id: the proxy's ``X-Request-ID`` when it looks like one, otherwise a new one; every log
  line written while answering carries it (ops.logs), and the response returns it.
- The access line (logger ``ops.access``, INFO): method, view name, status, duration, user id.
  Never the path or the query string: paths carry tokens (invitations, password resets) and
  query strings carry searches.
- Metrics (core.metrics): requests by view, method and status; latency by view.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.metrics import HTTP_LATENCY, HTTP_REQUESTS

from .logs import request_id

logger = logging.getLogger("ops.access")

INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
HEADER = "X-Request-ID"
#: The label of a request that matched no URL pattern.
UNMATCHED = "<unmatched>"


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match is not None else "") or UNMATCHED


class RequestObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        rid = incoming if INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            view = _view_name(request)
            HTTP_REQUESTS.labels(view, request.method, str(response.status_code)).inc()
            HTTP_LATENCY.labels(view).observe(elapsed)
            user = getattr(request, "user", None)
            logger.info(
                "%s %s %s %.1f ms",
                request.method,
                view,
                response.status_code,
                elapsed * 1000,
                extra={
                    "method": request.method,
                    "view": view,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                    "user_id": getattr(user, "pk", None),
                },
            )
            response[HEADER] = rid
            return response
        finally:
            request_id.reset(token)
