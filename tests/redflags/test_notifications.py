"""The notification outbox: queued with the alert, delivered by a task, retried with backoff while
the mail server is down, never sent twice, never sent for a rolled-back alert or a replay."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.tasks import default_task_backend

from redflags import notifications, sweep
from redflags.models import Alert, Notification
from redflags.notifications import deliver_notification
from tests.factories import ClinicAdminFactory, PatientFactory, TherapistFactory
from tests.redflags.conftest import IMMEDIATE_TASKS, VIGNETTES_DIR, log_entry

pytestmark = pytest.mark.django_db

DOWN = {"default": {"BACKEND": "tests.redflags.mail_backends.DownEmailBackend"}}
REFUSING = {"default": {"BACKEND": "tests.redflags.mail_backends.RefusingEmailBackend"}}
WORKING = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
T0 = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)


def urgent_alert(patient) -> Alert:
    log_entry(patient, 0, nerve_symptoms_limit_activities=True)
    return Alert.objects.get(patient=patient, rule="R4")


# --- Queued in the alert's transaction -----------------------------------------------------------


def test_an_urgent_alert_queues_one_email_per_therapist_of_the_patient(patient, therapist):
    second = TherapistFactory(clinic=patient.clinic, email="sam@example.test")
    patient.therapists.add(second)
    TherapistFactory(clinic=patient.clinic, email="not-theirs@example.test")

    alert = urgent_alert(patient)

    rows = Notification.objects.filter(alert=alert)
    assert sorted(rows.values_list("to_email", flat=True)) == ["sam@example.test", therapist.email]
    assert {row.state for row in rows} == {"pending"}


def test_a_review_alert_emails_nobody(patient):
    log_entry(patient, 0, descriptors=["burning", "tingling", "numbness"])

    assert Alert.objects.get(rule="R12").severity == "review"
    assert not Notification.objects.exists()


def test_a_patient_without_a_therapist_alerts_the_clinic_admins(clinic):
    admin = ClinicAdminFactory(clinic=clinic, email="lead@example.test")
    patient = PatientFactory(clinic=clinic)

    alert = urgent_alert(patient)

    assert list(Notification.objects.filter(alert=alert).values_list("recipient", flat=True)) == [
        admin.pk
    ]


def test_a_manual_escalation_emails_the_admins_but_not_the_clinician_who_escalated(
    patient, therapist, clinic_admin
):
    log_entry(patient, 0, descriptors=["burning", "tingling", "numbness"])
    alert = Alert.objects.get(rule="R12")
    other_admin = ClinicAdminFactory(clinic=patient.clinic)

    rows = notifications.notification_queue(alert, reason="escalated", actor=clinic_admin)

    assert [row.recipient for row in rows] == [other_admin]
    assert rows[0].subject.startswith("[PT Tracker] ESCALATED: R12 neuropathic pattern")


def test_the_email_names_the_rule_and_patient_and_links_to_the_alert_page(patient, settings):
    settings.ROOT_URLCONF = "tests.redflags.urls_alert_page"
    settings.SITE_URL = "https://clinic.example.test"

    alert = urgent_alert(patient)

    row = Notification.objects.get(alert=alert)
    assert row.subject == "[PT Tracker] URGENT: R4 function limiting nerve – Pat Patient"
    assert f"https://clinic.example.test/clinic/alerts/{alert.pk}/" in row.body_text
    assert alert.reason in row.body_text
    # Only what the therapist needs: not the patient's other answers or notes.
    assert "pain" not in row.body_text.lower()


def test_delivery_starts_when_the_transaction_commits(
    patient, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alert = urgent_alert(patient)
        assert mail.outbox == []

    assert len(callbacks) == 1
    callbacks[0]()

    row = Notification.objects.get(alert=alert)
    assert (row.state, row.attempts) == ("sent", 1)
    assert row.sent_at is not None
    assert [message.to for message in mail.outbox] == [[row.to_email]]


def test_a_rolled_back_save_sends_nothing(patient, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE_TASKS
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        urgent_alert(patient)
        raise RuntimeError("the request failed after the save")

    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


# --- Delivery, retries and backoff ---------------------------------------------------------------


def test_a_failing_mail_server_is_retried_with_backoff_and_delivered_exactly_once_when_back(
    patient, settings, time_machine
):
    time_machine.move_to(T0, tick=False)
    settings.TASKS = IMMEDIATE_TASKS
    settings.MAILERS = DOWN
    row = Notification.objects.get(alert=urgent_alert(patient))

    assert notifications.notification_deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 1)
    assert row.last_error.startswith("SMTPServerDisconnected")
    assert row.next_attempt_at == T0 + timedelta(minutes=1)
    assert notifications.notifications_retry_due() == 0  # not due yet

    time_machine.move_to(T0 + timedelta(minutes=1), tick=False)
    assert notifications.notifications_retry_due() == 1  # the task runs at once and fails again
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 2)
    assert row.next_attempt_at == T0 + timedelta(minutes=3)

    settings.MAILERS = WORKING
    time_machine.move_to(T0 + timedelta(minutes=3), tick=False)
    assert notifications.notifications_retry_due() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("sent", 3, "")
    assert len(mail.outbox) == 1

    time_machine.move_to(T0 + timedelta(hours=2), tick=False)
    assert notifications.notifications_retry_due() == 0
    assert notifications.notification_deliver(row.pk) == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [(1, 1), (2, 2), (3, 4), (4, 8), (6, 32), (7, 60), (20, 60)],
)
def test_the_backoff_doubles_up_to_an_hour(attempts, delay):
    assert notifications.retry_delay(attempts) == timedelta(minutes=delay)


def test_a_failed_delivery_task_queues_its_retry_for_when_it_is_due(
    patient, settings, time_machine
):
    time_machine.move_to(T0, tick=False)
    settings.MAILERS = DOWN
    row = Notification.objects.get(alert=urgent_alert(patient))
    default_task_backend.clear()

    assert deliver_notification.call(row.pk) == "failed"

    [queued] = default_task_backend.results
    assert queued.task.func is deliver_notification.func
    assert list(queued.args) == [row.pk]
    assert queued.task.run_after == T0 + timedelta(minutes=1)


def test_the_outbox_gives_up_after_the_last_attempt(patient, settings, time_machine, monkeypatch):
    monkeypatch.setattr(notifications, "MAX_ATTEMPTS", 2)
    time_machine.move_to(T0, tick=False)
    settings.MAILERS = DOWN
    row = Notification.objects.get(alert=urgent_alert(patient))

    assert notifications.notification_deliver(row.pk) == "failed"
    time_machine.move_to(T0 + timedelta(minutes=5), tick=False)
    assert notifications.notification_deliver(row.pk) == "gave_up"
    time_machine.move_to(T0 + timedelta(days=1), tick=False)
    assert notifications.notifications_due() == []


def test_a_refused_address_is_given_up_at_once(patient, settings):
    settings.MAILERS = REFUSING
    row = Notification.objects.get(alert=urgent_alert(patient))

    assert notifications.notification_deliver(row.pk) == "gave_up"
    row.refresh_from_db()
    assert "SMTPRecipientsRefused" in row.last_error


def test_a_claim_left_by_a_killed_worker_is_retried_after_its_lease(patient, time_machine):
    time_machine.move_to(T0, tick=False)
    row = Notification.objects.get(alert=urgent_alert(patient))
    Notification.objects.filter(pk=row.pk).update(
        state="sending", attempts=1, next_attempt_at=T0 + notifications.SENDING_LEASE
    )

    assert notifications.notification_deliver(row.pk) == "sending"  # another worker holds it
    assert mail.outbox == []
    time_machine.move_to(T0 + notifications.SENDING_LEASE, tick=False)
    assert notifications.notification_deliver(row.pk) == "sent"
    assert len(mail.outbox) == 1


def test_the_command_delivers_what_is_due(patient, capsys):
    alert = urgent_alert(patient)

    call_command("deliver_notifications")

    assert Notification.objects.get(alert=alert).state == "sent"
    assert "sent: 1" in capsys.readouterr().out
    call_command("deliver_notifications")
    assert "Nothing due." in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_the_daily_sweep_requeues_due_notifications(patient, settings, time_machine):
    time_machine.move_to(T0, tick=False)
    settings.TASKS = IMMEDIATE_TASKS
    row = Notification.objects.get(alert=urgent_alert(patient))

    sweep.daily_sweep_all(now=T0)

    row.refresh_from_db()
    assert row.state == "sent"


# --- A replay never emails anyone ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_replaying_a_case_with_an_emergency_sends_no_email_and_leaves_nothing(settings):
    settings.TASKS = IMMEDIATE_TASKS
    from django_tasks_db.models import DBTaskResult

    from accounts.models import Clinic

    call_command("replay_case", "--check", str(VIGNETTES_DIR / "V06-cauda-equina-low-pain.json"))

    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert not Alert.objects.exists()
    assert not Clinic.objects.exists()
    assert not DBTaskResult.objects.exists()
