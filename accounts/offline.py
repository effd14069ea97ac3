"""Whose pages a phone may keep for offline use (issue 17; docs/decisions.md, "Offline patient
pages").

The service worker (static/js/service-worker.js) keeps a page only when its response names, in
the ``PT-Offline-User`` header, the user it belongs to: ``offline_page`` adds the header to the
patient pages that open offline (log, Today, an entry's guidance, the offline emergency
advice). Nothing else is kept, so a clinician's page never is. The name is a keyed hash of the
user's id, not the id: the caches and queued entries on the phone are filed under it, and
another user's login on the same browser clears the first one's pages (assets/js/pwa.js).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate

from django.http import HttpRequest, HttpResponseBase
from django.utils.crypto import salted_hmac

OFFLINE_HEADER = "PT-Offline-User"
_SALT = "pt_tracker.offline-user"


def offline_user_key(user: Any) -> str:
    """The name under which this user's pages and queued entries are kept on a phone."""
    return salted_hmac(_SALT, str(user.pk), algorithm="sha256").hexdigest()[:32]


def offline_page[Req: HttpRequest, **P, R: HttpResponseBase](
    view: Callable[Concatenate[Req, P], R],
) -> Callable[Concatenate[Req, P], R]:
    """Mark a patient's full page (not an htmx fragment) as one their phone may keep."""

    @wraps(view)
    def wrapper(request: Req, *args: P.args, **kwargs: P.kwargs) -> R:
        response = view(request, *args, **kwargs)
        user = request.user
        if (
            response.status_code == 200
            and user.is_authenticated
            and getattr(user, "is_patient", False)
            and not request.headers.get("HX-Request")
        ):
            response[OFFLINE_HEADER] = offline_user_key(user)
        return response

    return wrapper


class NoStoreMiddleware:
    """Nothing a logged-in person is shown stays in the browser's HTTP cache (a shared phone's
    Back button, a clinician's pages): ``Cache-Control: no-store`` unless the view chose
    otherwise. The only copies kept are the service worker's, of a patient's own pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
        return response


def clears_http_cache[Req: HttpRequest, **P, R: HttpResponseBase](
    view: Callable[Concatenate[Req, P], R],
) -> Callable[Concatenate[Req, P], R]:
    """Logging out also empties the browser's HTTP cache of this site (``Clear-Site-Data``).
    The service worker's copies and queued entries of the user are deleted by the page first,
    after warning about unsent entries (assets/js/pwa.js)."""

    @wraps(view)
    def wrapper(request: Req, *args: P.args, **kwargs: P.kwargs) -> R:
        response = view(request, *args, **kwargs)
        if request.method == "POST":
            response["Clear-Site-Data"] = '"cache"'
        return response

    return wrapper
