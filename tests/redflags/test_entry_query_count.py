"""Saving an entry costs the same number of queries however long the history is: the rules read
only the windows they need (issue 4, "Engine")."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from symptoms.models import DailySummary, PTSession, SymptomEntry
from tests.redflags.conftest import day, log_entry, moment

pytestmark = pytest.mark.django_db

#: The entry's own validation and save (about 45, symptoms.services), the windows (about 8), and
#: five alerts with their evidence and emails (7 each): what matters is that it does not grow.
MAX_QUERIES = 100


def _history(patient, therapist, size: int) -> None:
    """``size`` earlier entries at the patient's usual pain, a few a day, ending yesterday, with
    a weekly session, written directly so that building the history is quick."""
    per_day = max(1, size // 250)
    days = size // per_day
    PTSession.objects.bulk_create(
        PTSession(patient=patient, date=day(-offset), created_by=therapist)
        for offset in range(days, 0, -1)
        if offset % 7 == 1
    )
    entries = []
    for offset in range(days, 0, -1):
        for slot in range(per_day):
            recorded_at = moment(patient, -offset, f"{8 + slot * 3:02d}:00")
            entries.append(
                SymptomEntry(
                    patient=patient,
                    recorded_at=recorded_at,
                    day=day(-offset),
                    context="daily",
                    pain_now=3,
                    pain_worst=3,
                    descriptors=["aching"],
                    regions=["lower_back"],
                    weakness="noticeable",
                )
            )
    SymptomEntry.objects.bulk_create(entries)
    DailySummary.objects.bulk_create(
        DailySummary(patient=patient, day=day(-offset), daily_pain=3, entry_count=per_day)
        for offset in range(days, 0, -1)
    )
    assert SymptomEntry.objects.filter(patient=patient).count() == size


def _queries_to_save(patient, therapist, context: str) -> int:
    # Sessions yesterday and today in both histories, so every window has something in it.
    PTSession.objects.get_or_create(
        patient=patient, date=day(-1), defaults={"created_by": therapist}
    )
    PTSession.objects.create(patient=patient, date=day(0), created_by=therapist)
    log_entry(patient, 0, "07:00", context="before_session", pain_now=3)
    with CaptureQueriesContext(connection) as captured:
        saved = log_entry(
            patient,
            0,
            "18:00",
            context=context,
            pain_now=6,
            pain_worst=7,
            descriptors=["burning", "tingling", "numbness", "stabbing"],
            regions=["lower_back", "left_thigh", "left_foot"],
            rest_relief="no",
            weakness="limits_activities",
            nerve_symptoms_limit_activities=True,
            saddle_numbness=True,
        )
    # The save really ran every rule that can fire on it.
    assert {"R1", "R4", "R7", "R12"} <= {alert.rule for alert in saved.alerts}
    return len(captured.captured_queries)


@pytest.mark.parametrize("context", ["daily", "after_session", "next_morning"])
def test_saving_an_entry_costs_the_same_with_10_and_1000_earlier_entries(
    patient, other_patient, therapist, context
):
    _history(patient, therapist, 10)
    _history(other_patient, therapist, 1000)

    small = _queries_to_save(patient, therapist, context)
    large = _queries_to_save(other_patient, therapist, context)

    assert small == large
    assert large <= MAX_QUERIES


def test_the_windows_still_reach_back_fourteen_days_in_a_long_history(patient, therapist):
    _history(patient, therapist, 1000)
    # Both legs fifteen days ago do not count; both legs fourteen days ago do (R2).
    SymptomEntry.objects.filter(patient=patient, day=day(-15)).update(
        regions=["left_thigh", "right_thigh"]
    )
    first = log_entry(patient, 0, regions=["left_foot", "right_foot"])
    assert "R2" in {alert.rule for alert in first.alerts}

    SymptomEntry.objects.filter(patient=patient, day=day(-13)).update(
        regions=["left_thigh", "right_thigh"]
    )
    for alert in first.alerts:
        alert.state = "resolved"
        alert.save(update_fields=["state"])
    second = log_entry(patient, 1, regions=["left_foot", "right_foot"])
    assert "R2" not in {alert.rule for alert in second.alerts}
    assert second.entry.day - timedelta(days=14) == day(-13)
