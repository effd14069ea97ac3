"""Writes of symptom entries: session link, local day, idempotency, the correction window."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from care.services import entry_correct, entry_record, entry_remove
from symptoms.models import DailySummary, SymptomEntry
from symptoms.services import EntryLocked, entry_is_editable, pt_session_create, session_for_entry
from tests.factories import PTSessionFactory
from tests.symptoms.conftest import LONDON, NOW, make_alert

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


def data(**overrides):
    values = {"context": "daily", "pain_now": 3, "pain_worst": 4}
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    ("context", "session_offset", "linked"),
    [
        ("before_session", 0, True),
        ("after_session", 0, True),
        ("next_morning", -1, True),
        ("next_morning", 0, False),
        ("after_session", -1, False),
        ("daily", 0, False),
        ("flare", 0, False),
    ],
)
def test_the_session_link_follows_the_context(patient, context, session_offset, linked):
    session = PTSessionFactory(patient=patient, date=TODAY + dt.timedelta(days=session_offset))
    expected = session if linked else None
    assert session_for_entry(patient, context, TODAY) == expected


def test_with_two_sessions_on_a_day_the_latest_recorded_is_linked(patient):
    PTSessionFactory(patient=patient, date=TODAY)
    later = PTSessionFactory(patient=patient, date=TODAY)
    assert session_for_entry(patient, "after_session", TODAY) == later


def test_another_patients_session_is_never_linked(patient, other_patient):
    PTSessionFactory(patient=other_patient, date=TODAY)
    assert session_for_entry(patient, "after_session", TODAY) is None


def test_create_sets_the_local_day_the_session_and_the_days_pain(patient, frozen_now):
    session = PTSessionFactory(patient=patient, date=TODAY)
    result = entry_record(patient, data(context="after_session", pain_worst=7), actor=patient.user)
    assert result.entry.day == TODAY
    assert result.entry.session == session
    assert result.duplicate is False
    assert DailySummary.objects.get(patient=patient, day=TODAY).daily_pain == 7


def test_create_does_not_change_the_callers_data(patient, frozen_now):
    values = data(recorded_at=NOW)
    entry_record(patient, values, actor=patient.user)
    assert "recorded_at" in values


def test_create_refuses_invalid_data_and_stores_nothing(patient, frozen_now):
    with pytest.raises(ValidationError) as error:
        entry_record(patient, data(pain_now=5, pain_worst=2, regions=["elbow"]), actor=patient.user)
    assert "regions" in error.value.message_dict
    assert not SymptomEntry.objects.exists()
    assert not DailySummary.objects.exists()


def test_the_same_idempotency_key_returns_the_first_entry(patient, frozen_now):
    first = entry_record(patient, data(), actor=patient.user, idempotency_key="k-1")
    again = entry_record(
        patient, data(pain_now=9, pain_worst=9), actor=patient.user, idempotency_key="k-1"
    )
    assert again.duplicate is True
    assert again.entry.pk == first.entry.pk
    assert SymptomEntry.objects.get().pain_now == 3


def test_two_patients_may_use_the_same_key(patient, other_patient, frozen_now):
    entry_record(patient, data(), actor=patient.user, idempotency_key="k-1")
    entry_record(other_patient, data(), actor=other_patient.user, idempotency_key="k-1")
    assert SymptomEntry.objects.count() == 2


def test_a_session_recorded_later_picks_up_the_days_entries(patient, therapist, frozen_now):
    after = entry_record(patient, data(context="after_session"), actor=patient.user).entry
    session = pt_session_create(
        patient, {"date": TODAY, "kind": "treatment", "interventions": []}, actor=therapist
    )
    after.refresh_from_db()
    assert after.session == session


def test_the_correction_window_is_30_minutes(patient, frozen_now):
    entry = entry_record(patient, data(), actor=patient.user).entry
    assert entry_is_editable(entry, NOW + dt.timedelta(minutes=30))
    assert not entry_is_editable(entry, NOW + dt.timedelta(minutes=30, seconds=1))


def test_update_corrects_the_entry_and_its_days_pain(patient, frozen_now):
    session = PTSessionFactory(patient=patient, date=TODAY)
    entry = entry_record(patient, data(pain_worst=8), actor=patient.user).entry
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        entry_correct(entry, data(context="after_session", pain_worst=5), actor=patient.user)
    entry.refresh_from_db()
    assert entry.session == session
    assert entry.corrected_at == NOW + dt.timedelta(minutes=10)
    assert entry.day == TODAY
    assert DailySummary.objects.get(day=TODAY).daily_pain == 5


def test_update_after_the_window_is_refused(patient, frozen_now):
    entry = entry_record(patient, data(), actor=patient.user).entry
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False), pytest.raises(EntryLocked):
        entry_correct(entry, data(pain_now=0, pain_worst=0), actor=patient.user)
    entry.refresh_from_db()
    assert entry.pain_now == 3


def test_delete_removes_the_entry_and_refreshes_the_day(patient, frozen_now):
    keep = entry_record(patient, data(pain_worst=4), actor=patient.user).entry
    gone = entry_record(patient, data(pain_worst=9), actor=patient.user).entry
    entry_remove(gone, actor=patient.user)
    assert list(SymptomEntry.objects.all()) == [keep]
    assert DailySummary.objects.get(day=TODAY).daily_pain == 4


def test_delete_after_the_window_is_refused(patient, frozen_now):
    entry = entry_record(patient, data(), actor=patient.user).entry
    with (
        time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False),
        pytest.raises(EntryLocked),
    ):
        entry_remove(entry, actor=patient.user)
    assert SymptomEntry.objects.filter(pk=entry.pk).exists()


def test_an_entry_behind_an_alert_cannot_be_deleted(patient, frozen_now):
    entry = entry_record(patient, data(), actor=patient.user).entry
    make_alert(entry)
    with pytest.raises(EntryLocked):
        entry_remove(entry, actor=patient.user)
    assert SymptomEntry.objects.filter(pk=entry.pk).exists()
    assert DailySummary.objects.filter(day=TODAY).exists()


def test_recorded_at_decides_the_day_not_the_server_clock(patient, frozen_now):
    late = dt.datetime(2026, 11, 20, 23, 45, tzinfo=LONDON)
    entry = entry_record(patient, data(recorded_at=late), actor=None).entry
    assert entry.day == dt.date(2026, 11, 20)
