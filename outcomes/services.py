"""Writes for outcome measures: name the PSFS activities with their intake ratings, re-rate them,
ask for a re-rating, record a GROC answer. Each checks its input the way the database does and
writes inside one transaction, so bad input stores nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Patient, User

from .choices import AssessmentKind, RequestKind
from .measures import GROC_MAX, GROC_MIN, PSFS_MAX, PSFS_MAX_ACTIVITIES, PSFS_MIN
from .models import (
    ACTIVITY_NAME_MAX,
    GROCResponse,
    PSFSActivity,
    PSFSAssessment,
    PSFSRating,
    PSFSRequest,
)


def _check_rating(value: int) -> None:
    if not isinstance(value, int) or not PSFS_MIN <= value <= PSFS_MAX:
        raise ValidationError(
            _("Each rating is a whole number from %(low)d to %(high)d.")
            % {"low": PSFS_MIN, "high": PSFS_MAX},
            code="rating_range",
        )


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise ValidationError(_("Name the activity you rated."), code="activity_empty")
    if len(cleaned) > ACTIVITY_NAME_MAX:
        raise ValidationError(
            _("Keep each activity under %(max)d characters.") % {"max": ACTIVITY_NAME_MAX},
            code="activity_long",
        )
    return cleaned


def psfs_setup(
    patient: Patient,
    items: Sequence[tuple[str, int]],
    *,
    actor: User | None,
    recorded_at: datetime | None = None,
) -> PSFSAssessment:
    """Name up to five activities with their intake ratings (PSFS). Activities are named once:
    later ratings must rate the same ones, or the change would compare different things."""
    if not items:
        raise ValidationError(_("Name at least one activity."), code="no_activities")
    if len(items) > PSFS_MAX_ACTIVITIES:
        raise ValidationError(
            _("Name at most %(max)d activities.") % {"max": PSFS_MAX_ACTIVITIES},
            code="too_many_activities",
        )
    names = [_clean_name(name) for name, _rating in items]
    if len({name.casefold() for name in names}) != len(names):
        raise ValidationError(_("Each activity can be named only once."), code="duplicate")
    for _name, rating in items:
        _check_rating(rating)
    recorded_at = recorded_at or timezone.now()
    with transaction.atomic():
        # Lock the patient row so two set-ups at once cannot both pass the check below.
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        if PSFSActivity.objects.filter(patient=patient).exists():
            raise ValidationError(
                _("This patient's activities are already named."), code="already_named"
            )
        activities = PSFSActivity.objects.bulk_create(
            PSFSActivity(patient=patient, position=i, name=name, created_by=actor)
            for i, name in enumerate(names, start=1)
        )
        assessment = PSFSAssessment.objects.create(
            patient=patient,
            kind=AssessmentKind.INTAKE,
            day=patient.local_day(recorded_at),
            recorded_at=recorded_at,
            created_by=actor,
        )
        PSFSRating.objects.bulk_create(
            PSFSRating(assessment=assessment, activity=activity, rating=rating)
            for activity, (_name, rating) in zip(activities, items, strict=True)
        )
    return assessment


def psfs_rate(
    patient: Patient,
    ratings: Mapping[int, int],
    *,
    actor: User | None,
    recorded_at: datetime | None = None,
    kind: str | None = None,
) -> PSFSAssessment:
    """Re-rate every activity (keyed by activity id). The kind is the open request's
    (discharge) when there is one, else a review; the request is answered by it."""
    activities = list(PSFSActivity.objects.filter(patient=patient).order_by("position"))
    if not activities:
        raise ValidationError(_("No activities are named yet."), code="no_activities")
    if set(ratings) != {activity.pk for activity in activities}:
        raise ValidationError(_("Rate every activity."), code="rate_all")
    for value in ratings.values():
        _check_rating(value)
    recorded_at = recorded_at or timezone.now()
    with transaction.atomic():
        request = (
            PSFSRequest.objects.select_for_update()
            .filter(patient=patient, answered_by__isnull=True)
            .first()
        )
        if kind is None:
            kind = (
                AssessmentKind.DISCHARGE
                if request is not None and request.kind == RequestKind.DISCHARGE
                else AssessmentKind.REVIEW
            )
        if kind not in AssessmentKind.values or kind == AssessmentKind.INTAKE:
            raise ValidationError(_("Unknown kind of rating."), code="kind")
        assessment = PSFSAssessment.objects.create(
            patient=patient,
            kind=kind,
            day=patient.local_day(recorded_at),
            recorded_at=recorded_at,
            created_by=actor,
        )
        PSFSRating.objects.bulk_create(
            PSFSRating(assessment=assessment, activity=activity, rating=ratings[activity.pk])
            for activity in activities
        )
        if request is not None:
            request.answered_by = assessment
            request.save(update_fields=["answered_by"])
    return assessment


def psfs_request(patient: Patient, kind: str, *, actor: User) -> PSFSRequest:
    """Ask the patient to re-rate now (or for the discharge rating). An open request is
    replaced, so the patient sees one card."""
    if kind not in RequestKind.values:
        raise ValidationError(_("Unknown kind of request."), code="kind")
    if not PSFSActivity.objects.filter(patient=patient).exists():
        raise ValidationError(_("Name the activities first."), code="no_activities")
    with transaction.atomic():
        request, _created = PSFSRequest.objects.select_for_update().update_or_create(
            patient=patient,
            answered_by__isnull=True,
            defaults={"kind": kind, "requested_by": actor, "requested_at": timezone.now()},
        )
    return request


def groc_record(
    patient: Patient, score: int, *, actor: User | None, recorded_at: datetime | None = None
) -> GROCResponse:
    """Record the weekly GROC answer. A second answer on the same day keeps the first (a
    repeated submission)."""
    if not isinstance(score, int) or not GROC_MIN <= score <= GROC_MAX:
        raise ValidationError(
            _("Choose an answer from %(low)d to +%(high)d.") % {"low": GROC_MIN, "high": GROC_MAX},
            code="groc_range",
        )
    recorded_at = recorded_at or timezone.now()
    day = patient.local_day(recorded_at)
    with transaction.atomic():
        response, _created = GROCResponse.objects.get_or_create(
            patient=patient,
            day=day,
            defaults={"score": score, "recorded_at": recorded_at, "created_by": actor},
        )
    return response
