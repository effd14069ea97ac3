"""Reminders are sent exactly once: one claim per due check-in, one email in the outbox,
retries until it goes or its window ends, two runs at once (issue 8)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection

from core.delivery import SENDING_LEASE
from core.models import OutboxMessage
from reminders import delivery
from reminders.choices import DispatchState
from reminders.models import QuickLogToken, ReminderDispatch
from reminders.schedule import CATCH_UP, Occurrence
from reminders.services import reminder_claim, reminders_send_due
from tests.factories import PatientFactory
from tests.reminders.conftest import (
    DAY,
    DOWN_MAIL,
    WORKING_MAIL,
    add_session,
    at,
    run_at,
)

pytestmark = pytest.mark.django_db
NEXT_DAY = DAY + timedelta(days=1)


def _rows(patient):
    return list(
        ReminderDispatch.objects.filter(patient=patient)
        .order_by("due_at")
        .values_list("kind", "local_date", "state", "error")
    )


# --- Exactly once ---------------------------------------------------------------------------------


def test_running_again_sends_nothing_more(patient, therapist, time_machine):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    for minute in ("18:00", "18:00", "18:05", "19:00", "23:55"):
        run_at(time_machine, at(DAY, minute))
    assert len(mail.outbox) == 1


def test_a_reminder_can_be_claimed_only_once_and_queues_one_email(patient, time_machine):
    time_machine.move_to(at(DAY, "18:00"), tick=False)
    occurrence = Occurrence(at(DAY, "18:00"), "after_session", DAY, None)
    first = reminder_claim(patient, occurrence)
    second = reminder_claim(patient, occurrence)
    assert first is not None and first.state == DispatchState.SENT
    assert second is None
    assert ReminderDispatch.objects.count() == 1
    [queued] = OutboxMessage.objects.all()
    assert (queued.kind, queued.dedup_key, queued.recipients, queued.clinic_id) == (
        "reminder",
        f"reminder-{first.pk}",
        ["pat@example.test"],
        patient.clinic_id,
    )
    assert queued.expires_at == at(DAY, "18:00") + CATCH_UP


def test_a_run_that_finds_the_reminder_claimed_by_another_run_leaves_it(
    patient, therapist, time_machine
):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    time_machine.move_to(at(DAY, "18:00"), tick=False)
    # Another run claimed it a moment ago; its email waits in the outbox.
    reminder_claim(patient, Occurrence(at(DAY, "18:00"), "after_session", DAY, None))
    assert reminders_send_due() == {}
    assert mail.outbox == []
    assert OutboxMessage.objects.count() == 1


class Crash(BaseException):
    """The process dies (not an error the sender could catch and record)."""


def test_a_crash_before_the_claim_commits_leaves_nothing_and_the_next_run_sends_it_once(
    patient, therapist, time_machine, monkeypatch
):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)

    def crash(*args, **kwargs):
        raise Crash

    with monkeypatch.context() as patched:
        patched.setattr(delivery, "reminder_message", crash)
        with pytest.raises(Crash):
            run_at(time_machine, at(DAY, "18:00"))
    # The claim, its link and its email are one transaction: all gone with the crash.
    assert _rows(patient) == []
    assert not QuickLogToken.objects.exists() and not OutboxMessage.objects.exists()

    assert run_at(time_machine, at(DAY, "18:05")) == {"sent": 1}
    run_at(time_machine, at(DAY, "18:25"))
    assert len(mail.outbox) == 1
    assert _rows(patient) == [("after_session", DAY, "sent", "")]


def test_a_reminder_whose_delivery_worker_died_is_delivered_once_after_the_lease(
    patient, therapist, time_machine
):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    time_machine.move_to(at(DAY, "18:00"), tick=False)
    assert reminders_send_due() == {"sent": 1}
    # A worker claimed the email and was killed before it finished.
    OutboxMessage.objects.update(
        state="sending", attempts=1, claimed_until=at(DAY, "18:00") + SENDING_LEASE
    )

    run_at(time_machine, at(DAY, "18:09"))
    assert mail.outbox == []
    run_at(time_machine, at(DAY, "18:11"))
    run_at(time_machine, at(DAY, "18:30"))
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().attempts == 2


def test_a_reminder_not_delivered_within_its_window_is_given_up_not_sent_late(
    patient, therapist, time_machine, settings
):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    settings.MAILERS = DOWN_MAIL
    assert run_at(time_machine, at(DAY, "18:00")) == {"sent": 1}
    settings.MAILERS = WORKING_MAIL
    # Nothing delivers mail until after midnight (no worker, no cron): too late for it.
    assert run_at(time_machine, at(NEXT_DAY, "00:30")) == {}
    assert mail.outbox == []
    message = OutboxMessage.objects.get()
    assert message.state == "dead" and message.last_error.startswith("Expired")
    assert _rows(patient) == [("after_session", DAY, "sent", "")]


def test_a_failed_send_is_retried_until_it_goes(patient, therapist, time_machine, settings):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    settings.MAILERS = DOWN_MAIL
    assert run_at(time_machine, at(DAY, "18:00")) == {"sent": 1}
    message = OutboxMessage.objects.get()
    assert (message.state, message.attempts) == ("pending", 1)
    assert "SMTPServerDisconnected" in message.last_error
    # Not before the backoff (a minute after the first failure).
    run_at(time_machine, at(DAY, "18:00:59"))
    assert OutboxMessage.objects.get().attempts == 1
    settings.MAILERS = WORKING_MAIL
    assert run_at(time_machine, at(DAY, "18:01")) == {}
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1
    assert ReminderDispatch.objects.get(patient=patient).state == "sent"


def test_a_send_that_keeps_failing_is_given_up_at_the_end_of_its_window(
    patient, therapist, time_machine, settings
):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    settings.MAILERS = DOWN_MAIL
    moment = at(DAY, "18:00")
    while moment <= at(NEXT_DAY, "01:00"):
        run_at(time_machine, moment)
        moment += timedelta(minutes=10)
    message = OutboxMessage.objects.get()
    # Backoff 1, 2, 4 ... 32 minutes, then hourly: a handful of attempts in six hours.
    assert message.state == "dead"
    assert 6 <= message.attempts <= 12
    assert mail.outbox == []
    assert ReminderDispatch.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_reminder_once(therapist, clinic, time_machine):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("In-memory SQLite shares one cache between threads; run on PostgreSQL.")
    patients = [PatientFactory(clinic=clinic, therapists=[therapist]) for _ in range(5)]
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    for each in patients:
        add_session(each, DAY, therapist)
    time_machine.move_to(at(DAY, "18:01"), tick=False)
    runs = 4
    barrier = threading.Barrier(runs)
    results: list[dict] = []
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(reminders_send_due())
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.user.email for p in patients)
    assert sum(result.get("sent", 0) for result in results) == len(patients)
    assert ReminderDispatch.objects.filter(state="sent").count() == len(patients)
    assert OutboxMessage.objects.filter(state="sent").count() == len(patients)
