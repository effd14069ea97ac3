"""The patient's local day (spec.md section 3) across daylight-saving changes."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from care.services import entry_record
from symptoms.models import SymptomEntry
from tests.factories import PTSessionFactory
from tests.symptoms.conftest import entry_post

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.mark.parametrize(
    ("moment_utc", "local_day"),
    [
        # 25 Oct 2026: clocks go back at 02:00 BST. 00:30 BST is still the 24th in UTC.
        (dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC), dt.date(2026, 10, 25)),
        # 01:30 happens twice that night; both are the 25th.
        (dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC), dt.date(2026, 10, 25)),
        (dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC), dt.date(2026, 10, 25)),
        # 23:30 GMT on the 25th, the first evening after the change.
        (dt.datetime(2026, 10, 25, 23, 30, tzinfo=UTC), dt.date(2026, 10, 25)),
        # 29 Mar 2026: clocks go forward at 01:00 GMT. 00:30 GMT is the 29th in both.
        (dt.datetime(2026, 3, 29, 0, 30, tzinfo=UTC), dt.date(2026, 3, 29)),
        # 00:30 BST on the 30th is 23:30 UTC on the 29th.
        (dt.datetime(2026, 3, 29, 23, 30, tzinfo=UTC), dt.date(2026, 3, 30)),
    ],
)
def test_entry_saved_around_a_clock_change_gets_the_london_day(patient, moment_utc, local_day):
    with time_machine.travel(moment_utc, tick=False):
        entry = entry_record(
            patient, {"context": "daily", "pain_now": 2, "pain_worst": 2}, actor=patient.user
        ).entry
    assert entry.day == local_day


def test_logging_page_at_half_past_midnight_on_the_clock_change_night(patient_client, patient):
    # A session on Saturday 24 Oct; at 00:30 BST on Sunday 25 Oct (23:30 UTC on the 24th) the
    # patient logs "the morning after": the entry is Sunday's and links to Saturday's session.
    session = PTSessionFactory(patient=patient, date=dt.date(2026, 10, 24))
    with time_machine.travel(dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC), tick=False):
        patient_client.post(reverse("care:entry_create"), entry_post(context="next_morning"))
    entry = SymptomEntry.objects.get()
    assert entry.day == dt.date(2026, 10, 25)
    assert entry.session == session


def test_the_patients_own_time_zone_comes_before_the_clinics(patient):
    patient.time_zone = "America/New_York"
    patient.save()
    # 03:00 UTC is 22:00 the day before in New York, but 03:00 the same day in London.
    moment = dt.datetime(2026, 11, 10, 3, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        entry = entry_record(
            patient, {"context": "daily", "pain_now": 1, "pain_worst": 1}, actor=None
        ).entry
    assert entry.day == dt.date(2026, 11, 9)
    assert patient.clinic.time_zone == "Europe/London"
    assert patient.zone == zoneinfo.ZoneInfo("America/New_York")
