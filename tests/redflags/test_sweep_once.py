"""The daily sweep runs once per clinic and day in the whole cluster, however many nodes run it
from cron at the same moment (docs/scaling.md, "What runs once"): the database's lock decides,
on PostgreSQL, between separate sessions."""

import threading
import time
from datetime import datetime
from datetime import time as clock
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from core.locks import lock_key
from redflags import sweep as sweeps
from redflags.models import Alert, SweepRun
from tests.factories import PatientFactory
from tests.redflags.conftest import add_session, day

pytestmark = pytest.mark.django_db(transaction=True)


def lock_name(clinic, number: int) -> str:
    return f"redflags.daily_sweep:{clinic.pk}:{day(number).isoformat()}"


def test_a_sweep_another_node_is_running_is_skipped_as_busy(patient, therapist, other_session):
    add_session(patient, 0, therapist)
    other_session.execute("SELECT pg_advisory_lock(%s)", [lock_key(lock_name(patient.clinic, 2))])

    result = sweeps.daily_sweep(patient.clinic, day(2))

    assert (result.skipped, result.busy, result.patients) == (True, True, 0)
    assert not SweepRun.objects.filter(finished_at__isnull=False).exists()
    assert not Alert.objects.exists()

    other_session.close()  # that node's run died: its lock goes with its connection
    deadline = time.monotonic() + 5
    while (result := sweeps.daily_sweep(patient.clinic, day(2))).busy:
        assert time.monotonic() < deadline  # the server ends the session within moments
        time.sleep(0.05)
    assert (result.skipped, result.patients) == (False, 1)
    assert Alert.objects.get().rule == "R13"


def test_the_command_says_when_another_run_has_the_sweep(clinic, other_session, capsys):
    other_session.execute("SELECT pg_advisory_lock(%s)", [lock_key(lock_name(clinic, 3))])

    call_command("run_daily_sweep", "--day", day(3).isoformat(), "--clinic", str(clinic.pk))

    assert "being swept by another run" in capsys.readouterr().out


def test_two_runners_at_the_same_moment_sweep_a_clinic_once(clinic, therapist, other_session):
    for _ in range(4):
        add_session(PatientFactory(clinic=clinic, therapists=[therapist]), 0, therapist)
    slow = sweeps.patient_day_end

    def slow_patient(*args, **kwargs):
        time.sleep(0.1)  # long enough for the two runs to overlap
        return slow(*args, **kwargs)

    noon_after = datetime.combine(day(3), clock(12), tzinfo=ZoneInfo(clinic.time_zone))
    barrier = threading.Barrier(2)
    results: list[sweeps.SweepResult] = []

    def runner():
        try:
            barrier.wait(timeout=10)
            results.extend(sweeps.daily_sweep_all(noon_after))
        finally:
            connection.close()

    with mock.patch.object(sweeps, "patient_day_end", slow_patient):
        threads = [threading.Thread(target=runner) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    swept = [r for r in results if not r.skipped]
    assert [(r.day, r.patients) for r in swept] == [(day(2), 4)]
    assert SweepRun.objects.get().alerts_raised == 4
    assert Alert.objects.filter(rule="R13").count() == 4
