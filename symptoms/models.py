"""Intake, PT sessions, symptom entries and per-day summaries (spec.md sections 2-4)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Patient
from core.model_fields import bounded_text

from .choices import (
    NOTES_MAX_LENGTH,
    PAIN_MAX,
    PAIN_MIN,
    SCREENING_QUESTIONS,
    Context,
    Descriptor,
    Helped,
    Intervention,
    IsFlare,
    Region,
    RestRelief,
    SessionKind,
    Trigger,
    Weakness,
)
from .fields import ChoiceSetField, choice_set_check

PAIN_VALIDATORS = [MinValueValidator(PAIN_MIN), MaxValueValidator(PAIN_MAX)]


def pain_between(field: str) -> models.Q:
    return models.Q(**{f"{field}__gte": PAIN_MIN, f"{field}__lte": PAIN_MAX})


def value_in(field: str, choices: type[models.TextChoices]) -> models.Q:
    return models.Q(**{f"{field}__in": choices.values})


class Intake(models.Model):
    """What the therapist knows at the start (one per patient, editable by the therapist)."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="intake")
    conditions = bounded_text(_("working diagnosis"), blank=True, max_length=2000)
    baseline_pain = models.PositiveSmallIntegerField(
        _("usual pain before treatment (0-10)"), default=0, validators=PAIN_VALIDATORS
    )
    baseline_regions = ChoiceSetField(_("where symptoms already were"), choice_set=Region)
    cancer_history = models.BooleanField(_("history of cancer"), default=False)
    diabetes = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=pain_between("baseline_pain"), name="intake_baseline_pain_0_10"
            ),
            models.CheckConstraint(
                condition=choice_set_check("baseline_regions", Region.values),
                name="intake_baseline_regions_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Intake of {self.patient}"


class PTSession(models.Model):
    """A physical-therapy session, recorded by the therapist or scheduled ahead."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField()
    kind = models.CharField(
        max_length=20, choices=SessionKind.choices, default=SessionKind.TREATMENT
    )
    interventions = ChoiceSetField(choice_set=Intervention)
    notes = bounded_text(blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["patient", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=value_in("kind", SessionKind), name="session_kind_valid"
            ),
            models.CheckConstraint(
                condition=choice_set_check("interventions", Intervention.values),
                name="session_interventions_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date:%d %b %Y}"

    @property
    def intervention_labels(self) -> list[str]:
        return [str(Intervention(value).label) for value in sorted(self.interventions)]


class SymptomEntry(models.Model):
    """One entry of the patient's log; many per day are allowed (spec.md section 2)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="entries")
    recorded_at = models.DateTimeField(default=timezone.now)
    # The patient's local day of recorded_at, fixed at save: the day every rule uses.
    day = models.DateField(editable=False)
    context = models.CharField(max_length=20, choices=Context.choices, default=Context.DAILY)
    session = models.ForeignKey(
        PTSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="entries"
    )
    pain_now = models.PositiveSmallIntegerField(validators=PAIN_VALIDATORS)
    pain_worst = models.PositiveSmallIntegerField(validators=PAIN_VALIDATORS)
    descriptors = ChoiceSetField(choice_set=Descriptor)
    regions = ChoiceSetField(choice_set=Region)
    rest_relief = models.CharField(
        max_length=12, choices=RestRelief.choices, default=RestRelief.NOT_TRIED
    )
    weakness = models.CharField(max_length=20, choices=Weakness.choices, default=Weakness.NONE)
    foot_drop = models.BooleanField(default=False)
    nerve_symptoms_limit_activities = models.BooleanField(default=False)
    bladder_bowel_change = models.BooleanField(default=False)
    saddle_numbness = models.BooleanField(default=False)
    sexual_dysfunction_new = models.BooleanField(default=False)
    fever_or_unwell = models.BooleanField(default=False)
    unexplained_weight_loss = models.BooleanField(default=False)
    night_pain_unrelieved = models.BooleanField(default=False)
    is_flare = models.CharField(max_length=8, choices=IsFlare.choices, default=IsFlare.NO)
    triggers = ChoiceSetField(choice_set=Trigger)
    helped = ChoiceSetField(choice_set=Helped)
    sleep_disturbed = models.BooleanField(default=False)
    notes = bounded_text(blank=True, max_length=NOTES_MAX_LENGTH)

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when the patient corrects the entry within the correction window.
    corrected_at = models.DateTimeField(null=True, blank=True)
    # True when saved through a one-tap reminder link rather than a logged-in session.
    via_link = models.BooleanField(default=False)
    # One per submitted form, so a double submission stores one row.
    idempotency_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name_plural = "symptom entries"
        indexes = [
            models.Index(fields=["patient", "day"]),
            models.Index(fields=["patient", "recorded_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=pain_between("pain_now"), name="entry_pain_now_0_10"),
            models.CheckConstraint(
                condition=pain_between("pain_worst"), name="entry_pain_worst_0_10"
            ),
            models.CheckConstraint(
                condition=models.Q(pain_worst__gte=models.F("pain_now")),
                name="entry_pain_worst_at_least_now",
            ),
            models.CheckConstraint(
                condition=value_in("context", Context), name="entry_context_valid"
            ),
            models.CheckConstraint(
                condition=value_in("rest_relief", RestRelief), name="entry_rest_relief_valid"
            ),
            models.CheckConstraint(
                condition=value_in("weakness", Weakness), name="entry_weakness_valid"
            ),
            models.CheckConstraint(
                condition=value_in("is_flare", IsFlare), name="entry_is_flare_valid"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("notes"), NOTES_MAX_LENGTH),
                name="entry_notes_max_2000",
            ),
            models.CheckConstraint(
                condition=choice_set_check("descriptors", Descriptor.values),
                name="entry_descriptors_valid",
            ),
            models.CheckConstraint(
                condition=choice_set_check("regions", Region.values), name="entry_regions_valid"
            ),
            models.CheckConstraint(
                condition=choice_set_check("triggers", Trigger.values), name="entry_triggers_valid"
            ),
            models.CheckConstraint(
                condition=choice_set_check("helped", Helped.values), name="entry_helped_valid"
            ),
            models.UniqueConstraint(
                fields=["patient", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="entry_idempotency_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_context_display()} {self.day} pain {self.pain_now}/{self.pain_worst}"

    def clean(self) -> None:
        # The same rule as the entry_pain_worst_at_least_now constraint, as a form-ready error.
        if (
            self.pain_now is not None
            and self.pain_worst is not None
            and self.pain_worst < self.pain_now
        ):
            raise ValidationError(
                {"pain_worst": _("Your worst pain can't be lower than your pain right now.")}
            )

    @property
    def screening_answers(self) -> list[str]:
        return [name for name in SCREENING_QUESTIONS if getattr(self, name)]


class DailySummary(models.Model):
    """Per-day figures kept up to date on every save, so charts and rules read one row a day.

    daily_pain is spec.md's "daily pain": the highest pain_worst of the day's entries.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="daily_summaries")
    day = models.DateField()
    daily_pain = models.PositiveSmallIntegerField()
    flare_yes = models.BooleanField(default=False)
    entry_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "day"], name="daily_summary_one_per_day"),
            models.CheckConstraint(condition=pain_between("daily_pain"), name="daily_pain_0_10"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.day}: {self.daily_pain}"
