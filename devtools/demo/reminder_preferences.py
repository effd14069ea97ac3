"""Reminder preferences for the invented demo clinic (called by `seed_demo`).

Every demo patient gets a preferences row (the defaults: after-session at 18:00, next-morning
at 08:00), and a few get changes that show the other options. Existing rows are left as they
are, so a patient's own changes survive a second `seed_demo`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Any

from accounts.models import Patient
from reminders.models import ReminderPreference

#: accounts.demo.PatientStory.key -> changes from the defaults.
CHANGES: Mapping[str, Mapping[str, Any]] = {
    "grace": {"daily_enabled": True, "daily_time": time(19, 0)},
    "helen": {"after_session_time": time(19, 30)},
    # Inside quiet hours (until 07:30), so it is sent at 07:30.
    "lena": {"next_morning_time": time(7, 0)},
    "marco": {"exercise_enabled": True, "exercise_time": time(17, 0)},
    "sofia": {"daily_enabled": True, "daily_time": time(20, 0)},
}


def seed_reminder_preferences(patients: Mapping[str, Patient]) -> int:
    """Create the demo patients' preferences where missing; returns how many were created."""
    created = 0
    for key, patient in patients.items():
        _row, was_created = ReminderPreference.objects.get_or_create(
            patient=patient, defaults=dict(CHANGES.get(key, {}))
        )
        created += was_created
    return created
