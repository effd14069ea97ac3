"""Stamp each new login's session: when it started and whether it needs two-step verification."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .otp import must_verify
from .security import session_start


@receiver(user_logged_in, dispatch_uid="accounts_session_start")
def _session_start(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session_start(session, otp_required=must_verify(user))
