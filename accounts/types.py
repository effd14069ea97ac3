"""Request types for views, for the type checker: the login decorators guarantee the user.

    def today(request: AuthenticatedRequest) -> HttpResponse: ...

At run time these are plain HttpRequest objects; the classes only tell mypy what the
middleware and the decorators (login_required, clinician_required) have already made true.
"""

from __future__ import annotations

from core.htmx import HtmxRequest

from .models import User


class AuthenticatedRequest(HtmxRequest):
    """A request of a logged-in user (behind login_required or a role decorator)."""

    user: User  # type: ignore[assignment]
