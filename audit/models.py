"""The audit log: who viewed or changed which patient's data, when, from where, and whether they
were allowed. Append-only.

Nothing cascades into it: the patient and clinic are plain integers, not foreign keys, so no
deletion elsewhere can remove or rewrite an event, and the actor is protected. The model and its
queryset refuse updates and deletes; on PostgreSQL a trigger rejects them as well (migration
0002), so even a raw SQL UPDATE or DELETE from the application's connection fails.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogImmutable(Exception):
    """Audit events are written once and never changed or deleted."""


class Action(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed login")
    OTP_SETUP = "otp_setup", _("Set up two-step verification")
    OTP_VERIFIED = "otp_verified", _("Passed two-step verification")
    OTP_FAILED = "otp_failed", _("Failed two-step verification")
    OTP_DISABLED = "otp_disabled", _("Turned off two-step verification")
    RECOVERY_CODES = "recovery_codes", _("Made new recovery codes")
    ACCOUNT_CLOSED = "account_closed", _("Closed the account")
    DEACTIVATED = "deactivated", _("Deactivated the account")


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    DENIED = "denied", _("Denied")
    ERROR = "error", _("Error")


class AuditEventQuerySet(models.QuerySet):
    """No bulk path changes or removes events."""

    def update(self, **kwargs):
        raise AuditLogImmutable("Audit events cannot be changed.")

    def delete(self):
        raise AuditLogImmutable("Audit events cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogImmutable("Audit events cannot be changed.")

    # Flags Django reads off QuerySet methods (a manager does not copy queryset_only ones; a
    # template never calls alters_data ones); the stubs know no attributes on functions.
    update.queryset_only = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]
    delete.alters_data = True  # type: ignore[attr-defined]
    update.alters_data = True  # type: ignore[attr-defined]


class AuditEvent(models.Model):
    """One access to patient data or one authentication event."""

    Action = Action
    Outcome = Outcome

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A copy of the role at the time, so a later role change does not rewrite history.
    actor_role = models.CharField(max_length=20, blank=True)
    # Plain integers, never foreign keys: nothing elsewhere can cascade into the log.
    patient_id = models.PositiveBigIntegerField(null=True, blank=True)
    clinic_id = models.PositiveBigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.ALLOWED)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=500, blank=True)
    method = models.CharField(max_length=10, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    # A short note: the email a failed login tried, why a session ended, a device used.
    detail = models.CharField(max_length=255, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["patient_id", "at"], name="audit_patient_at"),
            models.Index(fields=["clinic_id", "at"], name="audit_clinic_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=Action.values), name="audit_action_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=Outcome.values), name="audit_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        who = self.actor_id or "anonymous"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {who} {self.action} {self.outcome}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditLogImmutable("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("Audit events cannot be deleted.")


class FormSubmission(models.Model):
    """A create form's one-time token, claimed by the first POST that carries it.

    The unique key makes a double submission (twice in a row, or two requests at once) run the
    form's service once; the repeat is sent where the first one went (audit/idempotency.py).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    path = models.CharField(max_length=500)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="form_submission_token_once")
        ]

    def __str__(self) -> str:
        return f"{self.path} by {self.user_id} ({self.created_at:%Y-%m-%d %H:%M})"
