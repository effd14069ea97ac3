"""Logins, logouts and failed logins go on record through Django's auth signals."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import Action, Outcome
from .services import record

# A view or middleware that ends a session sets this on the request to say why.
LOGOUT_REASON_ATTR = "audit_logout_reason"


def _own_patient_id(user) -> int | None:
    """A patient's own account events are filed under their record, so the clinic sees them."""
    if not getattr(user, "is_patient", False):
        return None
    from accounts.models import Patient

    return Patient.objects.filter(user=user).values_list("pk", flat=True).first()


@receiver(user_logged_in, dispatch_uid="audit_user_logged_in")
def _logged_in(sender, request, user, **kwargs) -> None:
    record(request, Action.LOGIN, actor=user, patient=_own_patient_id(user))


@receiver(user_logged_out, dispatch_uid="audit_user_logged_out")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    reason = getattr(request, LOGOUT_REASON_ATTR, "") if request is not None else ""
    record(request, Action.LOGOUT, actor=user, patient=_own_patient_id(user), detail=reason)


@receiver(user_login_failed, dispatch_uid="audit_user_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password; only the email tried is kept.
    email = str(credentials.get("username") or credentials.get("email") or "")
    detail = f"email tried: {email}"
    if request is not None and getattr(request, "axes_locked_out", False):
        detail += " (locked out)"
    record(request, Action.LOGIN_FAILED, outcome=Outcome.DENIED, detail=detail)
