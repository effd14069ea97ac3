"""Alert emails: who is told, queued in the mail outbox with the alert, delivered by a task,
retried with backoff while the mail server is down, never sent twice, never sent for a
rolled-back alert or a replay. (The outbox itself: tests/core/test_outbox.py.)"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from core.models import OutboxMessage
from core.outbox import mail_deliver, mail_retry_due
from core.tasks import deliver_mail_enqueue
from redflags import notifications, sweep
from redflags.models import Alert, Notification
from redflags.triage import alert_escalate
from tests.clinical_docs import CASES_DIR
from tests.factories import ClinicAdminFactory, PatientFactory, TherapistFactory
from tests.redflags.conftest import IMMEDIATE_TASKS, log_entry

pytestmark = pytest.mark.django_db

DOWN = {"default": {"BACKEND": "tests.redflags.mail_backends.DownEmailBackend"}}
WORKING = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
T0 = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)


def urgent_alert(patient) -> Alert:
    log_entry(patient, 0, nerve_symptoms_limit_activities=True)
    return Alert.objects.get(patient=patient, rule="R4")


def email_of(alert: Alert) -> OutboxMessage:
    return Notification.objects.select_related("message").get(alert=alert).message


# --- Queued in the alert's transaction -----------------------------------------------------------


def test_an_urgent_alert_queues_one_email_per_therapist_of_the_patient(patient, therapist):
    second = TherapistFactory(clinic=patient.clinic, email="sam@example.test")
    patient.therapists.add(second)
    TherapistFactory(clinic=patient.clinic, email="not-theirs@example.test")

    alert = urgent_alert(patient)

    rows = Notification.objects.filter(alert=alert).select_related("message")
    assert sorted(row.message.recipients[0] for row in rows) == [
        "sam@example.test",
        therapist.email,
    ]
    assert {row.message.state for row in rows} == {"pending"}
    assert {(row.message.kind, row.message.clinic_id) for row in rows} == {
        ("alert", patient.clinic_id)
    }
    assert OutboxMessage.objects.count() == 2


def test_a_review_alert_emails_nobody(patient):
    log_entry(patient, 0, descriptors=["burning", "tingling", "numbness"])

    assert Alert.objects.get(rule="R12").severity == "review"
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_patient_without_a_therapist_alerts_the_clinic_admins(clinic):
    admin = ClinicAdminFactory(clinic=clinic, email="lead@example.test")
    patient = PatientFactory(clinic=clinic)

    alert = urgent_alert(patient)

    assert list(Notification.objects.filter(alert=alert).values_list("recipient", flat=True)) == [
        admin.pk
    ]
    assert email_of(alert).recipients == ["lead@example.test"]


def test_a_manual_escalation_emails_the_admins_but_not_the_clinician_who_escalated(
    patient, therapist, clinic_admin
):
    log_entry(patient, 0, descriptors=["burning", "tingling", "numbness"])
    alert = Alert.objects.get(rule="R12")
    other_admin = ClinicAdminFactory(clinic=patient.clinic)

    rows = notifications.notification_queue(alert, reason="escalated", actor=clinic_admin)

    assert [row.recipient for row in rows] == [other_admin]
    assert rows[0].message.recipients == [other_admin.email]
    assert rows[0].message.subject == "PT Tracker: an escalated alert needs your review"


def test_queueing_the_same_episode_again_stores_one_email_per_recipient(patient, therapist):
    alert = urgent_alert(patient)

    assert notifications.notification_queue(alert) == []

    assert Notification.objects.filter(alert=alert).count() == 1
    assert OutboxMessage.objects.count() == 1


def test_each_manual_escalation_is_an_episode_of_its_own(
    patient, therapist, clinic_admin, time_machine
):
    # Both at the same instant: the escalation itself, not the clock, tells them apart.
    time_machine.move_to(T0, tick=False)
    log_entry(patient, 0, descriptors=["burning", "tingling", "numbness"])
    alert = Alert.objects.get(rule="R12")

    alert_escalate(alert, actor=therapist, note="Worse on the phone")
    alert_escalate(alert, actor=therapist, note="Still worse")

    assert list(Notification.objects.values_list("recipient", flat=True)) == [
        clinic_admin.pk,
        clinic_admin.pk,
    ]
    assert OutboxMessage.objects.count() == 2


def test_the_email_says_only_the_severity_the_clinic_and_where_to_sign_in(patient, settings):
    """Minimum necessary (issue 11): an email may be read by someone else, so neither the
    patient, nor what was found, nor the rule is in its subject or body."""
    settings.ROOT_URLCONF = "tests.redflags.urls_alert_page"
    settings.SITE_URL = "https://clinic.example.test"

    alert = urgent_alert(patient)

    email = email_of(alert)
    assert email.subject == "PT Tracker: an urgent alert needs your review"
    assert "An urgent alert at Riverside Physio needs your review." in email.body_text
    assert f"https://clinic.example.test/clinic/alerts/{alert.pk}/" in email.body_text
    _assert_nothing_about_the_patient(email, alert)


def _assert_nothing_about_the_patient(email, alert) -> None:
    text = f"{email.subject}\n{email.body_text}\n{email.body_html}".lower()
    patient = alert.patient
    for secret in (
        patient.user.full_name,
        patient.user.get_short_name(),
        patient.user.email,
        alert.reason,
        alert.rule,
        alert.get_rule_display(),
        alert.code.replace("_", " "),
        "pain",
        "numb",
        "cauda",
        "bladder",
    ):
        assert not re.search(rf"\b{re.escape(secret.lower())}\b", text), secret


@pytest.mark.parametrize(
    ("answers", "subject", "opening"),
    [
        (
            {"saddle_numbness": True},
            "PT Tracker: an emergency alert needs your review",
            "An emergency alert at Riverside Physio needs your review.",
        ),
        (
            {"bladder_bowel_change": True},
            "PT Tracker: an emergency alert needs your review",
            "An emergency alert at Riverside Physio needs your review.",
        ),
        (
            {"pain_now": 7, "pain_worst": 8, "descriptors": ["stabbing"], "rest_relief": "no"},
            "PT Tracker: an urgent alert needs your review",
            "An urgent alert at Riverside Physio needs your review.",
        ),
    ],
)
def test_emergency_and_urgent_emails_name_no_patient_and_no_condition(
    patient, answers, subject, opening
):
    log_entry(patient, 0, **answers)
    alert = Alert.objects.get(patient=patient)
    email = email_of(alert)
    assert email.subject == subject
    assert opening in email.body_text
    assert "A emergency" not in email.body_text and "a emergency" not in email.subject
    _assert_nothing_about_the_patient(email, alert)


def test_an_escalation_email_names_no_patient_either(patient, therapist, clinic_admin):
    log_entry(patient, 0, descriptors=["burning", "tingling", "numbness"])
    alert = Alert.objects.get(rule="R12")
    alert_escalate(alert, actor=therapist, note="Worse on the phone")
    email = Notification.objects.get(alert=alert).message
    assert email.subject == "PT Tracker: an escalated alert needs your review"
    assert "was escalated and needs your review" in email.body_text
    assert "You get this email as an admin of Riverside Physio." in email.body_text
    _assert_nothing_about_the_patient(email, alert)


def test_the_email_is_in_the_clinician_s_language(patient, therapist):
    therapist.preferred_language = "es"
    therapist.save(update_fields=["preferred_language"])
    log_entry(patient, 0, saddle_numbness=True)
    email = email_of(Alert.objects.get(patient=patient))
    assert email.subject == "PT Tracker: una alerta de emergencia necesita tu revisión"
    assert "Una alerta de emergencia en Riverside Physio necesita tu revisión." in email.body_text
    _assert_nothing_about_the_patient(email, Alert.objects.get(patient=patient))


def test_delivery_starts_when_the_transaction_commits(
    patient, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alert = urgent_alert(patient)
        assert mail.outbox == []

    # One delivery is queued on commit (ops counts the entry and the alert then too).
    deliveries = [c for c in callbacks if getattr(c, "func", None) is deliver_mail_enqueue]
    assert len(deliveries) == 1
    deliveries[0]()

    email = email_of(alert)
    assert (email.state, email.attempts) == ("sent", 1)
    assert email.sent_at is not None
    assert [message.to for message in mail.outbox] == [email.recipients]


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
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


# --- Delivery, retries and backoff ---------------------------------------------------------------


def test_a_failing_mail_server_is_retried_with_backoff_and_delivered_exactly_once_when_back(
    patient, settings, time_machine
):
    time_machine.move_to(T0, tick=False)
    settings.TASKS = IMMEDIATE_TASKS
    settings.MAILERS = DOWN
    email = email_of(urgent_alert(patient))

    assert mail_deliver(email.pk) == "failed"
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("pending", 1)
    assert email.last_error.startswith("SMTPServerDisconnected")
    assert email.next_attempt_at == T0 + timedelta(minutes=1)
    assert mail_retry_due() == 0  # not due yet

    time_machine.move_to(T0 + timedelta(minutes=1), tick=False)
    assert mail_retry_due() == 1  # the task runs at once and fails again
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("pending", 2)
    assert email.next_attempt_at == T0 + timedelta(minutes=3)

    settings.MAILERS = WORKING
    time_machine.move_to(T0 + timedelta(minutes=3), tick=False)
    assert mail_retry_due() == 1
    email.refresh_from_db()
    assert (email.state, email.attempts, email.last_error) == ("sent", 3, "")
    assert len(mail.outbox) == 1

    time_machine.move_to(T0 + timedelta(hours=2), tick=False)
    assert mail_retry_due() == 0
    assert mail_deliver(email.pk) == "sent"
    assert len(mail.outbox) == 1


def test_the_command_delivers_what_is_due(patient, capsys):
    alert = urgent_alert(patient)

    call_command("deliver_mail")

    assert email_of(alert).state == "sent"
    assert "sent: 1" in capsys.readouterr().out
    call_command("deliver_mail")
    assert "Nothing due." in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_the_daily_sweep_requeues_due_emails(patient, settings, time_machine):
    time_machine.move_to(T0, tick=False)
    settings.TASKS = IMMEDIATE_TASKS
    email = email_of(urgent_alert(patient))

    sweep.daily_sweep_all(now=T0)

    email.refresh_from_db()
    assert email.state == "sent"


# --- A replay never emails anyone ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_replaying_a_case_with_an_emergency_sends_no_email_and_leaves_nothing(settings):
    settings.TASKS = IMMEDIATE_TASKS
    from django_tasks_db.models import DBTaskResult

    from accounts.models import Clinic

    call_command("replay_case", "--check", str(CASES_DIR / "V06-cauda-equina-low-pain.json"))

    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not Alert.objects.exists()
    assert not Clinic.objects.exists()
    assert not DBTaskResult.objects.exists()
