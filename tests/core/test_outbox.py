"""The mail outbox: queued in the caller's transaction, delivered once it commits, one row per
dedup key, retried with backoff, dead after the last attempt, taken over after a crashed
worker's lease, never sent by two workers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.tasks import default_task_backend

from core import delivery
from core.models import OutboxMessage
from core.outbox import (
    mail_deliver,
    mail_deliver_due,
    mail_discard,
    mail_due,
    mail_queue,
    mail_retry_due,
    mail_retry_now,
    retry_delay,
    undelivered_mail,
)
from core.tasks import deliver_mail
from tests.core.conftest import DOWN, DUMMY_TASKS, REFUSING, WORKING, an_email

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)


def queue(**options) -> OutboxMessage:
    options.setdefault("kind", "invitation")
    message, _created = mail_queue(an_email(), **options)
    return message


# --- Queued in the caller's transaction ----------------------------------------------------------


def test_a_queued_email_is_stored_whole_and_delivered_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        message = queue(clinic_id=7)
        assert mail.outbox == []
        assert (message.state, message.kind, message.clinic_id) == ("pending", "invitation", 7)
        assert message.recipients == ["tess@example.test"]
        assert message.body_html == "<p>Open the link</p>"

    assert len(callbacks) == 1
    [sent] = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (
        ["tess@example.test"],
        "Hello",
        "Open https://example.test/link?t=secret",
    )
    assert sent.alternatives == [("<p>Open the link</p>", "text/html")]
    assert sent.extra_headers["List-Unsubscribe"] == "<https://example.test/unsubscribe/x/>"
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 1)


def test_queueing_inside_a_transaction_that_rolls_back_sends_nothing_and_keeps_nothing(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the request failed after queueing")

    assert callbacks == []
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_the_same_dedup_key_stores_one_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first, created = mail_queue(an_email(), kind="alert", dedup_key="alert-1-raised-7")
        again, created_again = mail_queue(
            an_email(subject="Other"), kind="alert", dedup_key="alert-1-raised-7"
        )

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.subject == "Hello"
    assert OutboxMessage.objects.count() == 1
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1


def test_the_database_refuses_a_second_row_with_the_same_key():
    queue(dedup_key="reminder-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(kind="reminder", subject="x", dedup_key="reminder-1")


def test_without_a_key_every_email_is_its_own():
    queue(kind="password_reset")
    queue(kind="password_reset")
    assert OutboxMessage.objects.count() == 2


def test_an_email_with_an_attachment_is_refused_rather_than_sent_without_it():
    email = an_email()
    email.attach("notes.txt", "private", "text/plain")
    with pytest.raises(ValueError, match="attachments"):
        mail_queue(email, kind="invitation")
    assert not OutboxMessage.objects.exists()


# --- Delivery ------------------------------------------------------------------------------------


def test_a_sent_email_keeps_no_body_and_is_never_sent_again(time_machine):
    time_machine.move_to(T0, tick=False)
    message = queue()

    assert mail_deliver(message.pk) == "sent"
    assert mail_deliver(message.pk) == "sent"
    assert mail_deliver_due() == {}

    message.refresh_from_db()
    assert (message.state, message.sent_at, message.body_text, message.body_html) == (
        "sent",
        T0,
        "",
        "",
    )
    assert message.subject == "Hello" and message.recipients == ["tess@example.test"]
    assert len(mail.outbox) == 1


def test_every_attempt_carries_the_same_message_id(settings, time_machine):
    time_machine.move_to(T0, tick=False)
    settings.MAILERS = DOWN
    message = queue()
    first = delivery.email_for(message).extra_headers["Message-ID"]

    mail_deliver(message.pk)
    settings.MAILERS = WORKING
    time_machine.move_to(T0 + timedelta(minutes=1), tick=False)
    mail_deliver(message.pk)

    assert mail.outbox[0].extra_headers["Message-ID"] == first
    assert first.startswith(f"<outbox-{message.pk}-")


def test_a_caller_s_own_message_id_is_kept():
    email = an_email()
    email.extra_headers["Message-ID"] = "<reminder-1-daily-20260210@example.test>"
    message, _created = mail_queue(email, kind="reminder")
    mail_deliver(message.pk)
    assert mail.outbox[0].extra_headers["Message-ID"] == "<reminder-1-daily-20260210@example.test>"


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [(1, 1), (2, 2), (3, 4), (4, 8), (6, 32), (7, 60), (20, 60)],
)
def test_the_backoff_doubles_up_to_an_hour(attempts, delay):
    assert retry_delay(attempts) == timedelta(minutes=delay)


def test_a_failing_backend_is_retried_with_backoff_and_dead_after_the_last_attempt(
    settings, time_machine
):
    settings.MAIL_OUTBOX_MAX_ATTEMPTS = 3
    settings.MAILERS = DOWN
    time_machine.move_to(T0, tick=False)
    message = queue()

    assert mail_deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert (message.state, message.attempts, message.next_attempt_at) == (
        "pending",
        1,
        T0 + timedelta(minutes=1),
    )
    assert message.last_error.startswith("SMTPServerDisconnected")
    # Not before its time: the attempt does not happen and is not counted.
    assert mail_deliver(message.pk) == "pending"
    assert mail_due() == []

    time_machine.move_to(T0 + timedelta(minutes=1), tick=False)
    assert mail_deliver_due() == {"failed": 1}
    message.refresh_from_db()
    assert (message.attempts, message.next_attempt_at) == (2, T0 + timedelta(minutes=3))

    time_machine.move_to(T0 + timedelta(minutes=3), tick=False)
    assert mail_deliver_due() == {"dead": 1}
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("dead", 3)
    assert message.body_text  # kept, so that an admin can retry it

    time_machine.move_to(T0 + timedelta(days=1), tick=False)
    assert mail_due() == []
    assert mail.outbox == []


def test_the_default_is_48_attempts():
    assert django_settings.MAIL_OUTBOX_MAX_ATTEMPTS == 48


def test_a_refused_address_is_given_up_at_once(settings):
    settings.MAILERS = REFUSING
    message = queue()

    assert mail_deliver(message.pk) == "dead"
    message.refresh_from_db()
    assert "SMTPRecipientsRefused" in message.last_error


def test_an_email_not_sent_before_it_expires_is_given_up_unsent(settings, time_machine):
    time_machine.move_to(T0, tick=False)
    settings.MAILERS = DOWN
    message = queue(kind="reminder", expires_at=T0 + timedelta(minutes=30))
    mail_deliver(message.pk)
    settings.MAILERS = WORKING

    time_machine.move_to(T0 + timedelta(minutes=30), tick=False)
    assert mail_deliver(message.pk) == "dead"
    message.refresh_from_db()
    assert message.last_error.startswith("Expired")
    assert mail.outbox == []


def test_a_failure_whose_next_attempt_would_be_too_late_gives_up_at_once(settings, time_machine):
    time_machine.move_to(T0, tick=False)
    settings.MAILERS = DOWN
    message = queue(kind="reminder", expires_at=T0 + timedelta(seconds=30))

    assert mail_deliver(message.pk) == "dead"


def test_a_message_claimed_by_a_crashed_worker_is_retried_after_its_lease(time_machine):
    time_machine.move_to(T0, tick=False)
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        state="sending", attempts=1, claimed_until=T0 + delivery.SENDING_LEASE
    )

    assert mail_deliver(message.pk) == "sending"  # another worker holds it
    assert mail_due() == []
    assert mail.outbox == []

    time_machine.move_to(T0 + delivery.SENDING_LEASE, tick=False)
    assert mail_due() == [message.pk]
    assert mail_deliver(message.pk) == "sent"
    message.refresh_from_db()
    assert (message.state, message.attempts, message.claimed_until) == ("sent", 2, None)
    assert len(mail.outbox) == 1


def test_a_failed_delivery_task_queues_its_retry_for_when_it_is_due(settings, time_machine):
    time_machine.move_to(T0, tick=False)
    settings.TASKS = DUMMY_TASKS
    settings.MAILERS = DOWN
    message = queue()
    default_task_backend.clear()

    assert deliver_mail.call(message.pk) == "failed"

    [queued] = default_task_backend.results
    assert queued.task.func is deliver_mail.func
    assert list(queued.args) == [message.pk]
    assert queued.task.run_after == T0 + timedelta(minutes=1)


def test_retry_due_queues_a_task_per_due_email(settings):
    settings.TASKS = DUMMY_TASKS
    first, second = queue(), queue()
    OutboxMessage.objects.filter(pk=second.pk).update(state="sent")
    default_task_backend.clear()

    assert mail_retry_due() == 1
    assert [list(result.args) for result in default_task_backend.results] == [[first.pk]]


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_email(settings):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("In-memory SQLite shares one cache between threads; run on PostgreSQL.")
    settings.TASKS = DUMMY_TASKS  # committed, waiting for the workers
    messages = [queue(dedup_key=f"race-{n}") for n in range(10)]
    assert mail.outbox == []
    workers = 4
    barrier = threading.Barrier(workers)
    outcomes: list[dict] = []
    errors: list[BaseException] = []

    def work():
        try:
            barrier.wait(timeout=10)
            outcomes.append(mail_deliver_due())
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(outcome.get("sent", 0) for outcome in outcomes) == len(messages)
    assert len(mail.outbox) == len(messages)
    assert OutboxMessage.objects.filter(state="sent", attempts=1).count() == len(messages)


# --- The command ---------------------------------------------------------------------------------


def test_the_command_delivers_what_is_due():
    queue()
    out = StringIO()

    call_command("deliver_mail", stdout=out)
    call_command("deliver_mail", stdout=out)

    assert out.getvalue().splitlines() == ["sent: 1", "Nothing due."]
    assert len(mail.outbox) == 1


def test_the_command_can_hand_the_work_to_the_worker(settings):
    settings.TASKS = DUMMY_TASKS
    queue()
    out = StringIO()

    call_command("deliver_mail", "--enqueue", stdout=out)

    assert out.getvalue() == "Queued 1 deliveries.\n"
    assert mail.outbox == []


# --- What a clinic admin does with mail that could not be delivered ------------------------------


def _dead(**options) -> OutboxMessage:
    message = queue(**options)
    OutboxMessage.objects.filter(pk=message.pk).update(
        state="dead", attempts=48, last_error="SMTPServerDisconnected: down"
    )
    message.refresh_from_db()
    return message


def test_retry_now_sends_a_dead_email_once(django_capture_on_commit_callbacks):
    message = _dead()

    with django_capture_on_commit_callbacks(execute=True):
        assert mail_retry_now(message) is True
    assert mail_retry_now(message) is False  # sent: nothing to retry

    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 49)
    assert len(mail.outbox) == 1


def test_retry_now_twice_before_the_worker_runs_queues_it_once(django_capture_on_commit_callbacks):
    message = _dead()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert mail_retry_now(message) is True
        assert mail_retry_now(message) is False
    assert len(callbacks) == 1


def test_retry_now_does_not_revive_an_expired_email(time_machine):
    time_machine.move_to(T0, tick=False)
    message = _dead(kind="reminder", expires_at=T0 - timedelta(minutes=1))
    assert mail_retry_now(message) is False
    message.refresh_from_db()
    assert message.state == "dead"


def test_discard_drops_the_body_and_is_idempotent():
    message = _dead()

    assert mail_discard(message) is True
    assert mail_discard(message) is False
    assert mail_retry_now(message) is False

    message.refresh_from_db()
    assert (message.state, message.body_text, message.body_html) == ("discarded", "", "")
    assert mail_due() == []


def test_a_sent_email_cannot_be_discarded():
    message = queue()
    mail_deliver(message.pk)
    assert mail_discard(message) is False
    message.refresh_from_db()
    assert message.state == "sent"


def test_the_undelivered_list_holds_the_clinic_s_dead_and_failing_mail_only(settings, time_machine):
    time_machine.move_to(T0, tick=False)
    dead = _dead(clinic_id=1)
    waiting = queue(clinic_id=1)
    settings.MAILERS = DOWN
    mail_deliver(waiting.pk)
    queue(clinic_id=1)  # new: not failing (yet)
    _dead(clinic_id=2)  # another clinic's
    stuck = queue(clinic_id=1)
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        state="sending", attempts=1, claimed_until=T0 - timedelta(minutes=1)
    )
    busy = queue(clinic_id=1)
    OutboxMessage.objects.filter(pk=busy.pk).update(
        state="sending", attempts=1, claimed_until=T0 + timedelta(minutes=5)
    )

    assert {m.pk for m in undelivered_mail(1)} == {dead.pk, waiting.pk, stuck.pk}
