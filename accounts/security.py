"""Session lifetime and ending sessions: idle and absolute limits, deactivation.

Limits (settings): SESSION_IDLE_SECONDS (30 minutes without a request) and
SESSION_ABSOLUTE_SECONDS (12 hours after logging in, however active). Both are checked on every
request by accounts.middleware.SessionTimeoutMiddleware against two timestamps kept in the
session; the login signal (accounts/signals.py) sets them.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record
from audit.subjects import patient_ref_for_user

from .models import User

# Session keys (seconds since the epoch).
AUTH_AT_KEY = "pt_auth_at"
LAST_ACTIVITY_KEY = "pt_last_activity"
# Set at login: this session must pass two-step verification before anything else.
OTP_REQUIRED_KEY = "pt_otp_required"

# The last-activity stamp is rewritten at most this often, so most requests do not write the
# session. The idle limit is therefore exact to within this many seconds.
ACTIVITY_WRITE_INTERVAL = 60


def idle_limit() -> int:
    return int(getattr(settings, "SESSION_IDLE_SECONDS", 30 * 60))


def absolute_limit() -> int:
    return int(getattr(settings, "SESSION_ABSOLUTE_SECONDS", settings.SESSION_COOKIE_AGE))


def now_seconds() -> float:
    # time.time() rather than a monotonic clock: the stamps outlive the process.
    return time.time()


def session_start(session, *, otp_required: bool) -> None:
    """Stamp a freshly logged-in session."""
    now = now_seconds()
    session[AUTH_AT_KEY] = now
    session[LAST_ACTIVITY_KEY] = now
    session[OTP_REQUIRED_KEY] = otp_required


def session_expiry_reason(session, now: float | None = None) -> str:
    """ "idle", "absolute", or "" while the session is still good."""
    now = now_seconds() if now is None else now
    auth_at = session.get(AUTH_AT_KEY)
    last = session.get(LAST_ACTIVITY_KEY)
    if auth_at is None or last is None:
        return ""
    if now - auth_at > absolute_limit():
        return "absolute"
    if now - last > idle_limit():
        return "idle"
    return ""


def session_touch(session, now: float | None = None) -> None:
    now = now_seconds() if now is None else now
    if AUTH_AT_KEY not in session:
        # A session from before these stamps existed starts its clocks now.
        session[AUTH_AT_KEY] = now
        session[LAST_ACTIVITY_KEY] = now
    elif now - session.get(LAST_ACTIVITY_KEY, 0) >= ACTIVITY_WRITE_INTERVAL:
        session[LAST_ACTIVITY_KEY] = now


def sessions_end_for_user(user: User) -> int:
    """Delete every stored session of `user`; returns how many.

    The database session store keeps no index by user, so this decodes the unexpired sessions:
    fine at a clinic's scale (a few thousand rows), and rare (deactivation, closing an account).
    """
    ended = 0
    user_pk = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == user_pk:
            session.delete()
            ended += 1
    return ended


def user_deactivate(user: User, *, actor: User | None = None, request=None) -> User:
    """Turn a login off and end its sessions. Nothing clinical is removed.

    Even a session this misses (another session store, a race) cannot be used: the session
    middleware logs out any session whose user is inactive.
    """
    ref = patient_ref_for_user(user)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        record(
            request,
            Action.DEACTIVATED,
            actor=actor,
            obj=user,
            patient=ref.pk if ref else None,
            clinic_id=ref.clinic_id if ref else user.clinic_id,
            detail=f"sessions ended: {sessions_end_for_user(user)}",
        )
    return user
