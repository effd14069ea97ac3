"""Helpers for the engine's database tests: records go through the real services."""

from datetime import date, datetime, time, timedelta

import pytest

from care import services as care_services
from symptoms import services as symptom_services

#: A Monday in winter, well in the past, away from daylight-saving changes.
BASE_DAY = date(2026, 2, 2)

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
DUMMY_TASKS = {
    "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
}


def day(number: int) -> date:
    return BASE_DAY + timedelta(days=number)


def moment(patient, number: int, clock: str = "12:00") -> datetime:
    return datetime.combine(day(number), time.fromisoformat(clock), tzinfo=patient.zone)


def log_entry(patient, number: int, clock: str = "12:00", **fields):
    """Save an entry on day ``number`` through symptoms.services (screened like a form save)."""
    data = {
        "recorded_at": moment(patient, number, clock),
        "context": "daily",
        "pain_now": 2,
        "pain_worst": 2,
    }
    data.update(fields)
    data["pain_worst"] = max(data["pain_worst"], data["pain_now"])
    return care_services.entry_record(patient, data, actor=patient.user)


def add_session(patient, number: int, actor, **fields):
    data = {"date": day(number), "kind": "treatment", "interventions": ["nerve_mobilisation"]}
    data.update(fields)
    return symptom_services.pt_session_create(patient, data, actor=actor)


def log_exercise(patient, exercise, number: int, pain_during: int, clock: str = "12:00"):
    return care_services.dose_record(
        patient,
        exercise=exercise,
        logged_at=moment(patient, number, clock),
        sets_done=2,
        pain_during=pain_during,
        actor=patient.user,
    )


@pytest.fixture(autouse=True)
def _tasks_do_not_touch_the_queue(settings):
    # The database backend would write task rows; tests choose immediate or dummy explicitly.
    settings.TASKS = DUMMY_TASKS
