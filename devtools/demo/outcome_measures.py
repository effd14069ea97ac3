"""Invented outcome histories for the demo clinic (called by `seed_demo`): each demo patient's
PSFS activities, rated at intake and every 14 days since, and a weekly GROC answer, written
through the services the pages use (``outcomes.services``).

Some improve past the minimal clinically important difference (Grace, Helen, Lena, Brian:
PSFS up 2 points or more, GROC +3 or more), some do not (Owen flat, Priya slipping, Marcus
part-way), Amira has only her intake rating and Sofia stopped rating when she stopped logging.
A seeded random generator keeps it repeatable.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction

from accounts.models import Patient, User
from outcomes.measures import GROC_INTERVAL_DAYS, GROC_MAX, GROC_MIN, PSFS_REVIEW_DAYS
from outcomes.models import PSFSActivity
from outcomes.services import groc_record, psfs_rate, psfs_request, psfs_setup

from .stories import STORIES

DEMO_SEED = 2026


@dataclass(frozen=True)
class OutcomeStory:
    #: Activities with their (intake, today) ratings, 0-10.
    activities: tuple[tuple[str, int, int], ...]
    #: GROC from the first weekly answer to the latest.
    groc: tuple[int, int]
    #: Days ago the last rating or answer was given (a patient who stopped, e.g. Sofia).
    stopped_days_ago: int = 0
    #: The therapist asks for the discharge rating (a card on the patient's Today).
    discharge_requested: bool = False
    #: Only the intake rating so far.
    intake_only: bool = False


OUTCOMES: dict[str, OutcomeStory] = {
    "grace": OutcomeStory(
        (("Sitting through a film", 3, 8), ("Putting on socks", 4, 8), ("Walking 2 km", 2, 7)),
        (2, 6),
        discharge_requested=True,
    ),
    "marcus": OutcomeStory(
        (("Driving to work", 4, 5), ("Lifting my toddler", 3, 5), ("Running 5 km", 1, 2)),
        (1, 2),
    ),
    "priya": OutcomeStory(
        (("Gardening", 5, 3), ("Standing to cook", 6, 5), ("Sleeping through the night", 5, 4)),
        (0, -3),
    ),
    "owen": OutcomeStory(
        (("Sitting at my desk for an hour", 4, 4), ("Climbing the stairs", 5, 5)),
        (0, 1),
    ),
    "helen": OutcomeStory(
        (("Kneeling to garden", 2, 6), ("Carrying shopping", 3, 7), ("Walking the dog", 4, 8)),
        (1, 5),
    ),
    "david": OutcomeStory((("Bending to tie shoes", 3, 3), ("Walking to the bus", 4, 4)), (0, 0)),
    "amira": OutcomeStory(
        (("Sitting on the train", 4, 4), ("Running", 2, 2)), (0, 0), intake_only=True
    ),
    "frank": OutcomeStory((("Walking 500 m", 3, 4), ("Standing in a queue", 4, 4)), (1, 0)),
    "sofia": OutcomeStory(
        (("Lifting boxes at work", 3, 5), ("Getting out of the car", 4, 5)),
        (1, 2),
        stopped_days_ago=21,
    ),
    "brian": OutcomeStory(
        (("Walking to the shops", 2, 6), ("Standing to shave", 5, 8)),
        (0, 4),
    ),
    "lena": OutcomeStory(
        (("Typing for an hour", 3, 7), ("Reaching up to a shelf", 2, 6), ("Driving", 4, 8)),
        (2, 5),
    ),
    "marco": OutcomeStory((("Playing the guitar", 4, 6), ("Carrying bags", 5, 6)), (1, 3)),
}


def _at(patient: Patient, day, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=patient.zone)


def _between(start: float, end: float, progress: float, rng: random.Random, low, high) -> int:
    value = start + (end - start) * progress + rng.uniform(-0.6, 0.6)
    return max(low, min(high, round(value)))


def seed_outcome(patient: Patient, story: OutcomeStory, therapist: User, key: str) -> None:
    """Intake ratings on the day the patient joined, re-ratings every 14 days and a GROC a
    week, up to today (or until they stopped); nothing for a patient who has some already."""
    if PSFSActivity.objects.filter(patient=patient).exists():
        return
    rng = random.Random(f"{DEMO_SEED}:outcomes:{key}")
    today = patient.local_day()
    first = patient.local_day(patient.created_at)
    last = today - timedelta(days=story.stopped_days_ago)
    span = max((last - first).days, 1)
    with transaction.atomic():
        psfs_setup(
            patient,
            [(name, start) for name, start, _end in story.activities],
            actor=therapist,
            recorded_at=_at(patient, first, "10:30"),
        )
        if story.intake_only:
            return
        ids = list(
            PSFSActivity.objects.filter(patient=patient)
            .order_by("position")
            .values_list("pk", flat=True)
        )
        day = first + timedelta(days=PSFS_REVIEW_DAYS)
        while day <= last:
            progress = (day - first).days / span
            ratings = {
                pk: _between(start, end, progress, rng, 0, 10)
                for pk, (_name, start, end) in zip(ids, story.activities, strict=True)
            }
            psfs_rate(patient, ratings, actor=patient.user, recorded_at=_at(patient, day, "19:30"))
            day += timedelta(days=PSFS_REVIEW_DAYS)
        day = first + timedelta(days=GROC_INTERVAL_DAYS)
        while day <= last:
            progress = (day - first).days / span
            score = _between(*story.groc, progress, rng, GROC_MIN, GROC_MAX)
            groc_record(patient, score, actor=patient.user, recorded_at=_at(patient, day, "20:00"))
            day += timedelta(days=GROC_INTERVAL_DAYS)
        if story.discharge_requested:
            psfs_request(patient, "discharge", actor=therapist)


def seed_outcome_measures(patients: Mapping[str, Patient], staff: Mapping[str, User]) -> None:
    """Outcome histories for the demo patients given (by story key)."""
    therapists = {story.key: staff[story.therapists[0]] for story in STORIES}
    for key, patient in patients.items():
        story = OUTCOMES.get(key)
        if story is not None:
            seed_outcome(patient, story, therapists[key], key)
