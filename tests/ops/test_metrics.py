"""/metrics: Prometheus text for a caller with the token (or on loopback when there is none);
requests, latency, entries, alerts, failed deliveries and sweep time counted where they happen,
the outbox and the background work read from the database when scraped."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from prometheus_client import REGISTRY

from accounts.models import Patient
from care.services import entry_record
from core.delivery import mail_deliver
from core.models import OutboxMessage
from core.outbox import mail_queue
from ops.heartbeats import heartbeat_beat
from ops.models import Component
from redflags.sweep import daily_sweep

pytestmark = pytest.mark.django_db

URL = reverse("metrics")


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_loopback_without_a_token_gets_the_metrics(client):
    client.get(reverse("healthz"))
    response = client.get(URL)  # the test client comes from 127.0.0.1
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.text
    for name in (
        "pt_http_requests_total",
        "pt_http_request_duration_seconds_bucket",
        "pt_outbox_messages",
        "pt_outbox_oldest_due_seconds",
        "pt_mail_failed_last_7_days",
        "pt_background_ok",
        "pt_sweep_duration_seconds",
        "pt_entries_saved_total",
    ):
        assert name in text


@pytest.mark.parametrize(
    "extra",
    [
        {"REMOTE_ADDR": "10.0.0.7"},
        {"HTTP_X_FORWARDED_FOR": "203.0.113.9"},
        {"HTTP_FORWARDED": "for=203.0.113.9"},
    ],
    ids=["another-machine", "through-a-proxy", "forwarded"],
)
def test_anyone_else_gets_404_without_a_token(client, extra):
    assert client.get(URL, **extra).status_code == 404


def test_with_a_token_only_the_token_opens_it(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get(URL).status_code == 404  # loopback is not enough any more
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    response = client.get(
        URL, HTTP_AUTHORIZATION="Bearer s3cret-scrape-token", REMOTE_ADDR="10.0.0.7"
    )
    assert response.status_code == 200


def test_requests_are_counted_by_view_and_status_and_timed(therapist_client, client):
    inbox = {"view": "redflags:inbox", "method": "GET", "status": "200"}
    before = value("pt_http_requests_total", **inbox)
    timed = value("pt_http_request_duration_seconds_count", view="redflags:inbox")
    therapist_client.get(reverse("redflags:inbox"))
    assert value("pt_http_requests_total", **inbox) == before + 1
    assert value("pt_http_request_duration_seconds_count", view="redflags:inbox") == timed + 1
    missing = {"view": "<unmatched>", "method": "GET", "status": "404"}
    before = value("pt_http_requests_total", **missing)
    client.get("/no-such-page/4242/")
    assert value("pt_http_requests_total", **missing) == before + 1
    assert 'view="redflags:inbox"' in client.get(URL).text


def test_entries_and_alerts_are_counted_once_committed(patient, django_capture_on_commit_callbacks):
    entries = value("pt_entries_saved_total")
    emergencies = value("pt_alerts_raised_total", severity="emergency")
    patient = Patient.objects.select_related("user", "clinic").get(pk=patient.pk)
    data = {"context": "daily", "pain_now": 2, "pain_worst": 2, "saddle_numbness": True}
    with django_capture_on_commit_callbacks(execute=True):
        result = entry_record(patient, data, actor=patient.user)
    assert [alert.severity for alert in result.alerts] == ["emergency"]
    assert value("pt_entries_saved_total") == entries + 1
    assert value("pt_alerts_raised_total", severity="emergency") == emergencies + 1


def test_a_save_that_rolls_back_counts_nothing(patient):
    entries = value("pt_entries_saved_total")
    patient = Patient.objects.select_related("user", "clinic").get(pk=patient.pk)
    entry_record(patient, {"context": "daily", "pain_now": 2, "pain_worst": 2}, actor=patient.user)
    # The test's transaction never commits: nothing was saved for good, nothing counted.
    assert value("pt_entries_saved_total") == entries


class Refusing:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_failed_deliveries_are_counted(settings, db):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.Refusing"}}
    retry = value("pt_mail_deliveries_failed_total", outcome="retry")
    dead = value("pt_mail_deliveries_failed_total", outcome="dead")
    message, _ = mail_queue(EmailMessage("Hi", "Body", to=["a@example.test"]), kind="alert")
    assert mail_deliver(message.pk) == "failed"
    assert value("pt_mail_deliveries_failed_total", outcome="retry") == retry + 1
    settings.MAIL_OUTBOX_MAX_ATTEMPTS = 1
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    assert mail_deliver(message.pk) == "dead"
    assert value("pt_mail_deliveries_failed_total", outcome="dead") == dead + 1


def test_the_sweep_is_timed(clinic, patient):
    count = value("pt_sweep_duration_seconds_count")
    daily_sweep(clinic, dt.date(2026, 3, 9))
    assert value("pt_sweep_duration_seconds_count") == count + 1
    daily_sweep(clinic, dt.date(2026, 3, 9))  # already swept: skipped, not timed
    assert value("pt_sweep_duration_seconds_count") == count + 1


def test_the_database_gauges(client, clinic):
    for n, state in enumerate(["dead", "dead", "pending", "sent"]):
        OutboxMessage.objects.create(
            kind="reminder",
            recipients=["x@example.test"],
            subject="s",
            dedup_key=f"g{n}",
            state=state,
            attempts=2,
        )
    heartbeat_beat(Component.SCHEDULER)
    text = client.get(URL).text
    assert 'pt_outbox_messages{state="dead"} 2.0' in text
    assert 'pt_outbox_messages{state="sent"} 1.0' in text
    assert 'pt_mail_failed_last_7_days{kind="reminder"} 4.0' in text
    assert 'pt_background_ok{check="scheduler"} 1.0' in text
    assert 'pt_background_ok{check="worker"} 0.0' in text
    assert 'pt_heartbeat_age_seconds{component="scheduler"}' in text
    assert 'pt_heartbeat_age_seconds{component="worker"}' not in text  # it never beat
    for forbidden in ("x@example.test", "Riverside"):
        assert forbidden not in text


def test_multiprocess_mode_adds_up_what_other_processes_counted(client, settings, tmp_path):
    """The worker and cron commands count in their own processes; with a shared directory
    /metrics shows their counts too."""
    settings.PROMETHEUS_MULTIPROC_DIR = str(tmp_path)
    script = (
        "from core.metrics import DELIVERIES_FAILED, SWEEP_DURATION\n"
        "DELIVERIES_FAILED.labels(outcome='dead').inc(3)\n"
        "SWEEP_DURATION.observe(4.2)\n"
    )
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-c", script], check=True, env=environment, cwd=settings.BASE_DIR
    )
    text = client.get(URL).text
    assert 'pt_mail_deliveries_failed_total{outcome="dead"} 3.0' in text
    assert "pt_sweep_duration_seconds_sum 4.2" in text
    assert 'pt_background_ok{check="outbox"}' in text  # the database's gauges as well
