"""Logins, logouts and failed logins go on record through Django's auth signals."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import Action, Outcome
from .services import record
from .subjects import patient_ref_for_user, remember_own_patient

# A view or middleware that ends a session sets this on the request to say why.
LOGOUT_REASON_ATTR = "audit_logout_reason"


def _own_patient_id(user, session=None) -> int | None:
    """A patient's own account events are filed under their record, so the clinic sees them."""
    ref = patient_ref_for_user(user, session)
    return ref.pk if ref else None


@receiver(user_logged_in, dispatch_uid="audit_user_logged_in")
def _logged_in(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    ref = patient_ref_for_user(user)
    remember_own_patient(session, user, ref)
    record(request, Action.LOGIN, actor=user, patient=ref.pk if ref else None)


@receiver(user_logged_out, dispatch_uid="audit_user_logged_out")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    reason = getattr(request, LOGOUT_REASON_ATTR, "") if request is not None else ""
    session = getattr(request, "session", None) if request is not None else None
    record(
        request, Action.LOGOUT, actor=user, patient=_own_patient_id(user, session), detail=reason
    )


@receiver(user_login_failed, dispatch_uid="audit_user_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password; only the email tried is kept.
    email = str(credentials.get("username") or credentials.get("email") or "")
    detail = f"email tried: {email}"
    if request is not None and getattr(request, "axes_locked_out", False):
        detail += " (locked out)"
    record(request, Action.LOGIN_FAILED, outcome=Outcome.DENIED, detail=detail)
