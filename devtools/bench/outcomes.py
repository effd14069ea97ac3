"""The benchmark's outcome measures (issue 16): three PSFS activities per patient rated at the
start and every 14 days since, and a GROC answer every week, so the caseload's Outcome column,
the overview's panel and the report read a year of them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from outcomes.measures import GROC_INTERVAL_DAYS, PSFS_REVIEW_DAYS
from outcomes.models import GROCResponse, PSFSActivity, PSFSAssessment, PSFSRating

ACTIVITIES = ("Sitting for an hour", "Walking 1 km", "Putting on socks")


def build_outcomes(chunk, rng, zone, first: date, today: date, therapist) -> None:
    activities = PSFSActivity.objects.bulk_create(
        PSFSActivity(patient=p, position=n, name=name, created_by=therapist)
        for p in chunk
        for n, name in enumerate(ACTIVITIES, start=1)
    )
    by_patient: dict[int, list[PSFSActivity]] = {}
    for activity in activities:
        by_patient.setdefault(activity.patient_id, []).append(activity)
    assessments, plans = [], []
    grocs = []
    for patient in chunk:
        start = [rng.randint(1, 4) for _ in ACTIVITIES]
        gain = rng.choice([0, 1, 3, 5])
        span = max((today - first).days, 1)
        day = first
        while day <= today:
            progress = (day - first).days / span
            kind = "intake" if day == first else "review"
            moment = datetime.combine(day, time(19, 30), tzinfo=zone)
            assessments.append(
                PSFSAssessment(patient=patient, kind=kind, day=day, recorded_at=moment)
            )
            plans.append([min(10, s + round(gain * progress)) for s in start])
            day += timedelta(days=PSFS_REVIEW_DAYS)
        day = first + timedelta(days=GROC_INTERVAL_DAYS)
        while day <= today:
            progress = (day - first).days / span
            moment = datetime.combine(day, time(20, 0), tzinfo=zone)
            score = max(-7, min(7, round(gain * progress) - rng.randint(0, 1)))
            grocs.append(GROCResponse(patient=patient, day=day, score=score, recorded_at=moment))
            day += timedelta(days=GROC_INTERVAL_DAYS)
    assessments = PSFSAssessment.objects.bulk_create(assessments)
    PSFSRating.objects.bulk_create(
        PSFSRating(assessment=assessment, activity=activity, rating=rating)
        for assessment, ratings in zip(assessments, plans, strict=True)
        for activity, rating in zip(by_patient[assessment.patient_id], ratings, strict=True)
    )
    GROCResponse.objects.bulk_create(grocs)
