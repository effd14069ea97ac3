"""Fixtures for the exercise tests: a fixed clock, two exercises, a two-item plan."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from exercises.services import plan_version_save
from tests.factories import ExerciseFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Thursday 12 November 2026, midday in London (the clinic fixture's zone).
NOW = dt.datetime(2026, 11, 12, 12, 0, tzinfo=LONDON)
TODAY = NOW.date()


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def glide(db):
    return ExerciseFactory(name="Sciatic glide", slug="test-sciatic-glide", default_times_per_day=2)


@pytest.fixture
def bridge(db):
    return ExerciseFactory(name="Bridge", slug="test-bridge", body_area="hip")


def item(exercise, **dosage):
    return {
        "exercise": exercise,
        "sets": 2,
        "reps": 10,
        "times_per_day": 1,
        "days_per_week": 7,
        **dosage,
    }


@pytest.fixture
def plan_version(patient, therapist, glide, bridge):
    """Version 1 of the patient's plan, in force since 10 days ago."""
    return plan_version_save(
        patient,
        [item(glide, times_per_day=2), item(bridge)],
        start_date=days_ago(10),
        end_date=None,
        note="Little and often.",
        actor=therapist,
    )
