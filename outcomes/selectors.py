"""Reads of outcome records: a patient's PSFS and GROC history, what is due, and the first and
latest measures of many patients at once (a fixed number of queries, whatever their number)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.db.models import OuterRef, Subquery

from accounts.models import Patient

from .choices import AssessmentKind, RequestKind
from .measures import GROC_INTERVAL_DAYS, PSFS_REVIEW_DAYS, is_due, psfs_score
from .models import GROCResponse, PSFSActivity, PSFSAssessment, PSFSRating, PSFSRequest


@dataclass(frozen=True)
class AssessmentRow:
    """One PSFS assessment: its day, kind, ratings by activity id, and the mean."""

    id: int
    day: date
    kind: str
    ratings: dict[int, int]

    @property
    def score(self) -> Fraction:
        return psfs_score(self.ratings.values())

    @property
    def rating_list(self) -> list[int]:
        return list(self.ratings.values())


@dataclass
class PSFSHistory:
    activities: list[PSFSActivity]
    assessments: list[AssessmentRow] = field(default_factory=list)
    open_request: PSFSRequest | None = None

    @property
    def named(self) -> bool:
        return bool(self.activities)

    @property
    def last_day(self) -> date | None:
        return self.assessments[-1].day if self.assessments else None

    @property
    def discharged(self) -> bool:
        return bool(self.assessments) and self.assessments[-1].kind == AssessmentKind.DISCHARGE

    def due(self, today: date) -> bool:
        """Re-rating is due every 14 days after the last rating, when the therapist asks, and
        never after the discharge rating (unless the therapist asks again)."""
        if not self.named:
            return False
        if self.open_request is not None:
            return True
        return not self.discharged and is_due(self.last_day, today, PSFS_REVIEW_DAYS)

    @property
    def discharge_requested(self) -> bool:
        return self.open_request is not None and self.open_request.kind == RequestKind.DISCHARGE

    def rows(self) -> list[tuple[PSFSActivity, list[int | None]]]:
        """Each activity with its rating at each assessment (a table)."""
        return [
            (activity, [a.ratings.get(activity.pk) for a in self.assessments])
            for activity in self.activities
        ]


def psfs_history(patient: Patient) -> PSFSHistory:
    """The patient's activities, every assessment in date order and any open request: three
    queries."""
    activities = list(PSFSActivity.objects.filter(patient=patient).order_by("position"))
    if not activities:
        return PSFSHistory(activities=[])
    ratings: dict[int, dict[int, int]] = defaultdict(dict)
    heads: dict[int, tuple[date, str]] = {}
    for assessment_id, day, kind, activity_id, rating in (
        PSFSRating.objects.filter(assessment__patient=patient)
        .order_by("assessment__day", "assessment_id", "activity__position")
        .values_list(
            "assessment_id", "assessment__day", "assessment__kind", "activity_id", "rating"
        )
    ):
        heads[assessment_id] = (day, kind)
        ratings[assessment_id][activity_id] = rating
    assessments = [
        AssessmentRow(id=pk, day=day, kind=kind, ratings=ratings[pk])
        for pk, (day, kind) in heads.items()
    ]
    request = PSFSRequest.objects.filter(patient=patient, answered_by__isnull=True).first()
    return PSFSHistory(activities=activities, assessments=assessments, open_request=request)


def groc_history(patient: Patient, until: date | None = None) -> list[tuple[date, int]]:
    """(day, score) of every GROC answer, oldest first."""
    rows = GROCResponse.objects.filter(patient=patient)
    if until is not None:
        rows = rows.filter(day__lte=until)
    return list(rows.order_by("day").values_list("day", "score"))


def groc_due(patient: Patient, today: date) -> bool:
    """The check-in asks the GROC once a week: a week after the patient joined the caseload,
    then a week after each answer."""
    last = GROCResponse.objects.filter(patient=patient).order_by("-day").values("day").first()
    since = last["day"] if last else patient.local_day(patient.created_at)
    return is_due(since, today, GROC_INTERVAL_DAYS)


def first_and_last_psfs(
    patient_ids: Sequence[int], until: date | None = None
) -> dict[int, list[tuple[date, list[int]]]]:
    """Per patient, the first and the latest PSFS assessment up to ``until``, as (day, ratings):
    two queries for any number of patients."""
    if not patient_ids:
        return {}
    scope = PSFSAssessment.objects.filter(patient=OuterRef("pk"))
    if until is not None:
        scope = scope.filter(day__lte=until)
    ends = list(
        Patient.objects.filter(pk__in=patient_ids)
        .annotate(
            first_id=Subquery(scope.order_by("day", "id").values("id")[:1]),
            last_id=Subquery(scope.order_by("-day", "-id").values("id")[:1]),
        )
        .order_by()
        .values_list("pk", "first_id", "last_id")
    )
    wanted = {pk for _patient, first, last in ends for pk in (first, last) if pk is not None}
    if not wanted:
        return {}
    by_assessment: dict[int, tuple[date, list[int]]] = {}
    for assessment_id, day, rating in (
        PSFSRating.objects.filter(assessment_id__in=wanted)
        .order_by("assessment_id", "activity__position")
        .values_list("assessment_id", "assessment__day", "rating")
    ):
        by_assessment.setdefault(assessment_id, (day, []))[1].append(rating)
    result: dict[int, list[tuple[date, list[int]]]] = {}
    for patient_id, first, last in ends:
        picked = [by_assessment[pk] for pk in dict.fromkeys((first, last)) if pk in by_assessment]
        if picked:
            result[patient_id] = picked
    return result


def groc_answers(
    patient_ids: Sequence[int], until: date | None = None
) -> dict[int, list[tuple[date, int]]]:
    """Per patient, the first and the latest GROC answer up to ``until``: one query."""
    if not patient_ids:
        return {}
    scope = GROCResponse.objects.filter(patient=OuterRef("pk"))
    if until is not None:
        scope = scope.filter(day__lte=until)
    result: dict[int, list[tuple[date, int]]] = {}
    for patient_id, *values in (
        Patient.objects.filter(pk__in=patient_ids)
        .annotate(
            first_day=Subquery(scope.order_by("day").values("day")[:1]),
            first_score=Subquery(scope.order_by("day").values("score")[:1]),
            last_day=Subquery(scope.order_by("-day").values("day")[:1]),
            last_score=Subquery(scope.order_by("-day").values("score")[:1]),
        )
        .order_by()
        .values_list("pk", "first_day", "first_score", "last_day", "last_score")
    ):
        first_day, first_score, last_day, last_score = values
        if last_day is not None:
            result[patient_id] = [(first_day, first_score), (last_day, last_score)]
    return result
