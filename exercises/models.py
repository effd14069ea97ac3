"""Exercise library, versioned home exercise plans and exercise logs (spec.md sections 2, 7)."""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Clinic, Patient
from core.model_fields import bounded_text

from .field_lists import DOSAGE_FIELDS


def between(low: int, high: int) -> list:
    """Field validators for a range that a check constraint also enforces: forms and
    ``full_clean`` report it per field, without a query per row."""
    return [MinValueValidator(low), MaxValueValidator(high)]


class BodyArea(models.TextChoices):
    NECK = "neck", _("Neck")
    UPPER_BACK = "upper_back", _("Upper back")
    LOWER_BACK = "lower_back", _("Lower back")
    SHOULDER = "shoulder", _("Shoulder")
    ARM_HAND = "arm_hand", _("Arm and hand")
    HIP = "hip", _("Hip and buttock")
    LEG = "leg", _("Leg")
    FOOT_ANKLE = "foot_ankle", _("Foot and ankle")
    GENERAL = "general", _("Whole body")


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    OK = "ok", _("OK")
    HARD = "hard", _("Hard")


class Exercise(models.Model):
    """An exercise in the library: shared (clinic empty) or a clinic's own."""

    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, null=True, blank=True, related_name="exercises"
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140)
    body_area = models.CharField(max_length=20, choices=BodyArea.choices)
    starting_position = models.TextField(blank=True)
    movement = models.TextField(blank=True)
    should_feel = models.TextField(_("what you should feel"), blank=True)
    should_not_feel = models.TextField(_("what you should not feel"), blank=True)
    when_to_stop = models.TextField(blank=True)
    precautions = models.TextField(blank=True)
    illustration = models.CharField(max_length=120, blank=True, help_text=_("Static file path"))
    video_url = models.URLField(blank=True)
    default_sets = models.PositiveSmallIntegerField(default=2, validators=between(1, 20))
    default_reps = models.PositiveSmallIntegerField(default=10, validators=between(0, 200))
    default_hold_seconds = models.PositiveSmallIntegerField(default=0, validators=between(0, 600))
    default_times_per_day = models.PositiveSmallIntegerField(default=1, validators=between(1, 10))
    default_days_per_week = models.PositiveSmallIntegerField(default=7, validators=between(1, 7))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "slug"], name="exercise_slug_unique_per_clinic"
            ),
            # NULLs are distinct in the constraint above, so the shared library needs its own.
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(clinic__isnull=True),
                name="exercise_library_slug_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(body_area__in=BodyArea.values), name="exercise_body_area_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(default_times_per_day__gte=1, default_days_per_week__gte=1)
                & models.Q(default_days_per_week__lte=7),
                name="exercise_default_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def default_dosage(self) -> dict[str, Any]:
        """The usual dosage as a new plan item's field values (no extra instructions)."""
        return {
            **{name: getattr(self, f"default_{name}") for name in DOSAGE_FIELDS},
            "instructions": "",
        }

    def default_dosage_text(self) -> str:
        return dosage_text(**{name: getattr(self, f"default_{name}") for name in DOSAGE_FIELDS})

    @property
    def is_library(self) -> bool:
        """Shared library exercises are read-only; clinics edit only their own."""
        return self.clinic_id is None


class Plan(models.Model):
    """A patient's home exercise plan. What is prescribed lives in its versions."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="plans")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patient"], name="one_plan_per_patient")]

    def __str__(self) -> str:
        return f"Plan of {self.patient}"


class PlanVersion(models.Model):
    """One saved state of a plan; every change the therapist saves makes a new version."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    note_to_patient = bounded_text(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="plan_version_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class PlanItem(models.Model):
    """One prescribed exercise with its dosage, within one plan version."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    sets = models.PositiveSmallIntegerField(default=2, validators=between(1, 20))
    reps = models.PositiveSmallIntegerField(default=10, validators=between(0, 200))
    hold_seconds = models.PositiveSmallIntegerField(default=0, validators=between(0, 600))
    times_per_day = models.PositiveSmallIntegerField(default=1, validators=between(1, 10))
    days_per_week = models.PositiveSmallIntegerField(default=7, validators=between(1, 7))
    instructions = bounded_text(blank=True, max_length=2000)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sets__gte=1, sets__lte=20, reps__lte=200, hold_seconds__lte=600),
                name="plan_item_dosage_range",
            ),
            models.CheckConstraint(
                condition=models.Q(times_per_day__gte=1, times_per_day__lte=10)
                & models.Q(days_per_week__gte=1, days_per_week__lte=7),
                name="plan_item_frequency_range",
            ),
            # One row per exercise in a version, so a log maps to one item and adherence is per
            # exercise.
            models.UniqueConstraint(fields=["version", "exercise"], name="plan_item_exercise_once"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} ({self.version})"

    @property
    def tick_boxes(self) -> range:
        """One box per daily dose on the printed tick sheet."""
        return range(self.times_per_day)

    def dosage_text(self) -> str:
        """The dosage in plain words, e.g. 2 sets of 10, hold 5 seconds. 2 times a day, 5 days
        a week."""
        return dosage_text(**{name: getattr(self, name) for name in DOSAGE_FIELDS})


def dosage_text(
    sets: int, reps: int, hold_seconds: int, times_per_day: int, days_per_week: int
) -> str:
    parts = []
    if reps:
        parts.append(
            ngettext("%(sets)d set of %(reps)d", "%(sets)d sets of %(reps)d", sets)
            % {"sets": sets, "reps": reps}
        )
    else:
        parts.append(ngettext("%(sets)d set", "%(sets)d sets", sets) % {"sets": sets})
    if hold_seconds:
        parts.append(
            ngettext("hold %(seconds)d second", "hold %(seconds)d seconds", hold_seconds)
            % {"seconds": hold_seconds}
        )
    how_often = ngettext("%(n)d time a day", "%(n)d times a day", times_per_day) % {
        "n": times_per_day
    }
    if days_per_week == 7:
        days = gettext("every day")
    else:
        days = ngettext("%(n)d day a week", "%(n)d days a week", days_per_week) % {
            "n": days_per_week
        }
    frequency = gettext("%(how_often)s, %(days)s.") % {
        "how_often": how_often.capitalize(),
        "days": days,
    }
    if sets == 1 and reps <= 1 and not hold_seconds:
        # An activity such as the walking programme: "1 set of 1" says nothing useful.
        return frequency
    return gettext("%(dose)s. %(frequency)s") % {
        "dose": ", ".join(parts).capitalize(),
        "frequency": frequency,
    }


# A form's key for one dose log (the idempotency key), as long as the service accepts.
IDEMPOTENCY_KEY_MAX_LENGTH = 64


class ExerciseLog(models.Model):
    """One dose of one exercise on one day, with the pain felt during it."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="exercise_logs")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="logs")
    # The plan item (and so the version) in force when it was logged; empty if unplanned.
    # RESTRICT: a plan item with logs cannot be deleted on its own (the history would lose what
    # was prescribed), but deleting the patient removes both.
    plan_item = models.ForeignKey(
        PlanItem, on_delete=models.RESTRICT, null=True, blank=True, related_name="logs"
    )
    logged_at = models.DateTimeField(default=timezone.now)
    day = models.DateField()
    sets_done = models.PositiveSmallIntegerField(default=0, validators=between(0, 50))
    pain_during = models.PositiveSmallIntegerField(validators=between(0, 10))
    difficulty = models.CharField(max_length=8, choices=Difficulty.choices, default=Difficulty.OK)
    note = bounded_text(blank=True, max_length=1000)
    idempotency_key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-logged_at", "-id"]
        indexes = [models.Index(fields=["patient", "day"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pain_during__gte=0, pain_during__lte=10),
                name="exercise_log_pain_0_10",
            ),
            models.CheckConstraint(
                condition=models.Q(sets_done__lte=50), name="exercise_log_sets_max"
            ),
            models.CheckConstraint(
                condition=models.Q(difficulty__in=Difficulty.values),
                name="exercise_log_difficulty_valid",
            ),
            models.UniqueConstraint(
                fields=["patient", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="exercise_log_idempotency_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} on {self.day}: pain {self.pain_during}"
