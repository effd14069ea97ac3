"""Outcome measures: the Patient-Specific Functional Scale (PSFS) and the Global Rating of
Change (GROC) (issue 16; definitions in outcomes.measures).

A patient's PSFS activities are named once, at intake, and rated again every 14 days and at
discharge; each rating occasion is an assessment with one rating per activity. The database
holds the ranges and the five-activity limit itself (a position 1-5, unique per patient), so no
path round the forms can store a sixth activity or a rating of 11.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Patient

from .choices import AssessmentKind, RequestKind
from .measures import GROC_MAX, GROC_MIN, PSFS_MAX, PSFS_MAX_ACTIVITIES, PSFS_MIN

ACTIVITY_NAME_MAX = 200


class PSFSActivity(models.Model):
    """An activity the patient finds hard, in their words ("Putting on my socks")."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="psfs_activities")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("activity"), max_length=ACTIVITY_NAME_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["patient", "position"]
        verbose_name_plural = "PSFS activities"
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "position"], name="psfs_activity_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1, position__lte=PSFS_MAX_ACTIVITIES),
                name="psfs_activity_at_most_five",
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="psfs_activity_name_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PSFSAssessment(models.Model):
    """One occasion on which the patient rated their activities."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="psfs_assessments")
    kind = models.CharField(max_length=12, choices=AssessmentKind.choices)
    # The patient's local day of recorded_at: what the 14-day schedule counts.
    day = models.DateField()
    recorded_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["patient", "day", "id"]
        indexes = [models.Index(fields=["patient", "day"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AssessmentKind.values), name="psfs_assessment_kind"
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(kind="intake"),
                name="psfs_one_intake_assessment",
            ),
        ]

    def __str__(self) -> str:
        return f"PSFS of {self.patient} on {self.day}"


class PSFSRating(models.Model):
    """One activity's rating within an assessment: 0 (unable) to 10 (as before)."""

    assessment = models.ForeignKey(PSFSAssessment, on_delete=models.CASCADE, related_name="ratings")
    activity = models.ForeignKey(PSFSActivity, on_delete=models.CASCADE, related_name="ratings")
    rating = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["activity__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "activity"], name="psfs_rating_once_per_activity"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=PSFS_MIN, rating__lte=PSFS_MAX),
                name="psfs_rating_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.rating}"


class PSFSRequest(models.Model):
    """The therapist asks for a re-rating before the 14 days are up, or for the discharge
    rating. Answered by the next assessment; at most one open request per patient."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="psfs_requests")
    kind = models.CharField(max_length=12, choices=RequestKind.choices)
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_by = models.OneToOneField(
        PSFSAssessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answers_request",
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(answered_by__isnull=True),
                name="psfs_one_open_request",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=RequestKind.values), name="psfs_request_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"PSFS {self.kind} request for {self.patient}"


class GROCResponse(models.Model):
    """The weekly Global Rating of Change: -7 to +7, one a day at most."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="groc_responses")
    day = models.DateField()
    score = models.SmallIntegerField()
    recorded_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["patient", "day"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "day"], name="groc_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(score__gte=GROC_MIN, score__lte=GROC_MAX),
                name="groc_score_minus7_plus7",
            ),
        ]

    def __str__(self) -> str:
        return f"GROC of {self.patient} on {self.day}: {self.score:+d}"
