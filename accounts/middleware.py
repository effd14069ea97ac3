"""Session limits and two-step verification, enforced on every request.

Order in settings.MIDDLEWARE: after authentication, OTP, messages and htmx (they use
request.user, request.session_verified(user), messages and request.htmx), before axes.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

from audit.signals import LOGOUT_REASON_ATTR
from core.htmx import navigate

from .otp import has_second_factor, session_verified
from .security import (
    OTP_REQUIRED_KEY,
    absolute_limit,
    idle_limit,
    session_expiry_reason,
    session_touch,
)

Handler = Callable[[HttpRequest], HttpResponse]

# Requests the page makes by itself (htmx polling) send this header, so an open but unattended
# tab does not keep its session alive past the idle limit.
BACKGROUND_HEADER = "PT-Background"

# Pages an unverified clinician may still open: logging in and out, the 2FA pages, and the
# token pages of reminder emails, which never use the session's login (reminders/views.py).
OTP_EXEMPT_NAMESPACES = frozenset({"twofactor"})
OTP_EXEMPT_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "healthz",
        "readyz",
        "metrics",
        "care:quick_log",
        "care:quick_log_done",
        "care:quick_log_emergency_confirm",
        "reminders:unsubscribe",
    }
)


def _with_next(url: str, request: HttpRequest) -> str:
    if request.method != "GET":
        return url
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


class SessionTimeoutMiddleware:
    """Log out after SESSION_IDLE_SECONDS without a request, or SESSION_ABSOLUTE_SECONDS after
    logging in; end the session of a user who has been deactivated."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            if not request.user.is_authenticated:
                # The login behind this session was deactivated: the session is useless, and
                # is removed rather than left in the table.
                session.flush()
            else:
                reason = session_expiry_reason(session)
                if reason:
                    return self._expired(request, reason)
                if request.headers.get(BACKGROUND_HEADER) != "1":
                    session_touch(session)
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest, reason: str) -> HttpResponse:
        setattr(request, LOGOUT_REASON_ATTR, f"session ended: {reason} limit")
        logout(request)
        if reason == "idle":
            text = _(
                "You were logged out because nothing happened for %(minutes)d minutes. "
                "Please log in again."
            ) % {"minutes": idle_limit() // 60}
        else:
            text = _(
                "You were logged out because you logged in %(hours)d hours ago. "
                "Please log in again."
            ) % {"hours": absolute_limit() // 3600}
        messages.info(request, text)
        return navigate(request, _with_next(resolve_url("accounts:login"), request))


class TwoFactorRequiredMiddleware:
    """Therapists and clinic admins (and patients who turned it on) must pass two-step
    verification before any page but logging in, logging out and the 2FA pages themselves."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or session_verified(user):
            return None
        if not (user.is_clinician or request.session.get(OTP_REQUIRED_KEY)):
            return None
        match = request.resolver_match
        if match is not None and (
            match.namespace in OTP_EXEMPT_NAMESPACES or match.view_name in OTP_EXEMPT_VIEWS
        ):
            return None
        if has_second_factor(user):
            return navigate(request, _with_next(resolve_url("twofactor:verify"), request))
        if not user.is_clinician:
            # A patient who turned two-step verification off in another session.
            request.session[OTP_REQUIRED_KEY] = False
            return None
        return navigate(request, _with_next(resolve_url("twofactor:setup"), request))
