"""Two entries of one patient saved at the same moment on two app nodes (a phone and a
laptop): the day's summary counts both, and both are screened with the other in view
(docs/scaling.md). Decided by PostgreSQL between separate sessions."""

import threading
import time
from unittest import mock

import pytest
from django.db import connection

from care import services
from symptoms import services as symptom_services
from symptoms.models import DailySummary, SymptomEntry

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(*saves) -> list[BaseException]:
    """Run each save in a thread of its own (its own database session), all starting together,
    each taking a moment between storing its record and summarising the day."""
    barrier = threading.Barrier(len(saves))
    refresh = symptom_services.daily_summary_refresh
    errors: list[BaseException] = []

    def slow_refresh(*args, **kwargs):
        time.sleep(0.3)  # both records are in (uncommitted) before either summarises the day
        return refresh(*args, **kwargs)

    def run(save) -> None:
        try:
            barrier.wait(timeout=10)
            save()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    with mock.patch.object(symptom_services, "daily_summary_refresh", slow_refresh):
        threads = [threading.Thread(target=run, args=(save,)) for save in saves]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return errors


def test_two_entries_saved_at_once_both_count_in_the_day(patient, other_session):
    def save(pain: int):
        data = {"context": "daily", "pain_now": pain, "pain_worst": pain}
        return lambda: services.entry_record(patient, data, actor=patient.user)

    assert _at_once(save(3), save(7)) == []

    assert SymptomEntry.objects.filter(patient=patient).count() == 2
    summary = DailySummary.objects.get(patient=patient)
    assert (summary.entry_count, summary.daily_pain) == (2, 7)


def test_a_double_submit_at_once_is_still_stored_once(patient, other_session):
    data = {"context": "daily", "pain_now": 4, "pain_worst": 5}
    results = []

    def save():
        results.append(
            services.entry_record(patient, data, actor=patient.user, idempotency_key="k1")
        )

    assert _at_once(save, save) == []

    [entry] = SymptomEntry.objects.filter(patient=patient)
    assert sorted(r.duplicate for r in results) == [False, True]
    assert {r.entry.pk for r in results} == {entry.pk}
    assert DailySummary.objects.get(patient=patient).entry_count == 1


def test_another_patient_is_not_held_up(patient, other_patient, other_session):
    other_session.execute("BEGIN")
    other_session.execute("SELECT id FROM accounts_patient WHERE id = %s FOR UPDATE", [patient.pk])

    began = time.monotonic()
    services.entry_record(
        other_patient,
        {"context": "daily", "pain_now": 2, "pain_worst": 2},
        actor=other_patient.user,
    )

    assert time.monotonic() - began < 2
    other_session.execute("ROLLBACK")
