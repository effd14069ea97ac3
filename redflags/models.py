"""Rule-set versions, alerts with their evidence and triage history, flare-up episodes, and who
was told about each alert (spec.md sections 6 and 8).

Nothing here is ever deleted by the application: alerts are resolved, not removed; triage
actions are append-only; evidence rows protect the entries and logs they point at.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Clinic, Patient
from core.model_fields import bounded_text
from core.models import OutboxMessage
from exercises.models import ExerciseLog
from symptoms.models import PTSession, SymptomEntry

from .engine.domain import RULE_CODES
from .engine.params import RuleParams


class Severity(models.TextChoices):
    # Declared from least to most serious; `rank` orders them.
    LOW = "low", _("Low")
    REVIEW = "review", _("Review")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")

    @classmethod
    def rank(cls, value: str) -> int:
        return cls.values.index(value)


RULE_CHOICES = [(rule, f"{rule} {code.replace('_', ' ')}") for rule, code in RULE_CODES.items()]


RULE_SET_NOTE_MAX_LENGTH = 500


class RuleSetVersion(models.Model):
    """One saved state of a clinic's rule set. Every change makes a new version."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="rule_set_versions")
    number = models.PositiveIntegerField()
    # RuleParams.to_dict(): thresholds and the enabled rules (R1-R7 always on).
    params = models.JSONField()
    note = models.CharField(max_length=RULE_SET_NOTE_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["clinic", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "number"], name="rule_set_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.clinic} rule set v{self.number}"

    def rule_params(self) -> RuleParams:
        return RuleParams.from_dict(self.params)


class AlertState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class Alert(models.Model):
    """A red-flag finding for one patient. One open alert per rule per patient."""

    State = AlertState

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="alerts")
    rule = models.CharField(max_length=4, choices=RULE_CHOICES)
    # The highest severity the alert has had (R11 escalates from review to urgent).
    severity = models.CharField(max_length=10, choices=Severity.choices)
    initial_severity = models.CharField(max_length=10, choices=Severity.choices)
    state = models.CharField(max_length=12, choices=AlertState.choices, default=AlertState.OPEN)
    rule_set_version = models.ForeignKey(
        RuleSetVersion, on_delete=models.PROTECT, related_name="alerts"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    # The patient's local day of the event that opened it (the replay reports this day).
    opened_day = models.DateField()
    reason = models.TextField(help_text=_("Why the rule fired, for the clinician."))
    patient_message = models.TextField(blank=True, help_text=_("What the patient was shown."))
    data = models.JSONField(default=dict, help_text=_("The values that triggered the rule."))
    escalated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "state"]),
            models.Index(fields=["state", "severity", "opened_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "rule"],
                condition=~models.Q(state="resolved"),
                name="one_unresolved_alert_per_rule_per_patient",
            ),
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values)
                & models.Q(initial_severity__in=Severity.values),
                name="alert_severity_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=AlertState.values), name="alert_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(rule__in=list(RULE_CODES)), name="alert_rule_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.get_severity_display()} for {self.patient}"

    @property
    def code(self) -> str:
        return RULE_CODES[self.rule]

    @property
    def is_unresolved(self) -> bool:
        return self.state != self.State.RESOLVED


class AlertEvidence(models.Model):
    """A record behind an alert. A repeat of the rule adds evidence instead of a new alert."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="evidence")
    entry = models.ForeignKey(
        SymptomEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="alert_evidence"
    )
    exercise_log = models.ForeignKey(
        ExerciseLog, on_delete=models.PROTECT, null=True, blank=True, related_name="alert_evidence"
    )
    session = models.ForeignKey(
        PTSession, on_delete=models.PROTECT, null=True, blank=True, related_name="alert_evidence"
    )
    day = models.DateField()
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"Evidence for {self.alert} on {self.day}"


class TriageKind(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledged")
    CONTACT = "contact", _("Contact logged")
    RESOLVE = "resolve", _("Resolved")
    ESCALATE = "escalate", _("Escalated")
    AUTO_ESCALATE = "auto_escalate", _("Escalated by the daily check")
    PATIENT_CONFIRMED = "patient_confirmed", _("Patient confirmed reading the advice")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone")
    MESSAGE = "message", _("Message")
    IN_PERSON = "in_person", _("In person")


class TriageAction(models.Model):
    """Who did what to an alert, and when. Append-only."""

    Kind = TriageKind
    ContactMethod = ContactMethod

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=20, choices=TriageKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact_method = models.CharField(max_length=12, choices=ContactMethod.choices, blank=True)
    note = bounded_text(blank=True, max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=TriageKind.values), name="triage_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(contact_method="")
                | models.Q(contact_method__in=ContactMethod.values),
                name="triage_contact_method_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.alert}"


class FlareEpisode(models.Model):
    """A flare-up (spec.md section 6), kept in step with the patient's entries."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="flares")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    # The median of whole numbers is a whole or a half.
    baseline_at_start = models.DecimalField(max_digits=4, decimal_places=1)
    peak = models.PositiveSmallIntegerField()
    self_reported = models.BooleanField(default=False)
    # The session it followed (start within 2 days after the session), if any.
    session = models.ForeignKey(
        PTSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="flares"
    )
    triggers = models.JSONField(default=list, blank=True)
    # The day the flare became detectable (R11 opens then): the start day when self-reported,
    # else the second elevated day.
    detected_on = models.DateField(null=True, blank=True)
    # The local day at whose end the daily sweep escalated R11 (section 5); once per flare.
    escalated_on = models.DateField(null=True, blank=True)
    alert = models.ForeignKey(
        Alert, on_delete=models.SET_NULL, null=True, blank=True, related_name="flares"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "start"], name="one_flare_per_start_day"),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gt=models.F("start")),
                name="flare_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Flare of {self.patient} from {self.start}"

    @property
    def is_open(self) -> bool:
        return self.end is None


class Notification(models.Model):
    """Who was told about an alert, and by which email. The email is a row of the mail outbox
    (core), written in the alert's transaction and delivered with retries; its row says how the
    delivery is going, and the alert page shows it."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="notifications")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.OneToOneField(OutboxMessage, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Alert {self.alert_id} to user {self.recipient_id}"


class SweepRun(models.Model):
    """The daily sweep of one clinic for one local day; the unique key makes re-runs no-ops."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="sweep_runs")
    day = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    alerts_raised = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "day"], name="one_sweep_per_clinic_day")
        ]

    def __str__(self) -> str:
        return f"Sweep of {self.clinic} for {self.day}"
