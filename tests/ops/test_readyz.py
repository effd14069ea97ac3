"""/readyz: 200 while the database answers and the background work keeps up, 503 with a JSON
reason for each stale condition (ops.checks), each tested here at its threshold."""

import datetime as dt

import pytest
import time_machine
from django.db import OperationalError
from django.urls import reverse

from core.models import OutboxMessage
from ops import views as ops_views
from ops.models import Component, Heartbeat
from tests.factories import ClinicFactory, PatientFactory

from .conftest import LONDON, NOW, beat, swept

pytestmark = pytest.mark.django_db

URL = reverse("readyz")


def _ready(client, at=NOW):
    with time_machine.travel(at, tick=False):
        response = client.get(URL)
    return response.status_code, response.json()


def _mail(next_attempt_at, state="pending", **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(
        kind="alert",
        recipients=["tess@example.test"],
        subject="Alert",
        dedup_key=f"k-{OutboxMessage.objects.count()}",
        state=state,
        next_attempt_at=next_attempt_at,
        created_at=next_attempt_at,
        **fields,
    )


def test_all_is_well(client, healthy):
    status, body = _ready(client)
    assert status == 200
    assert body == {
        "ok": True,
        "checks": {
            "database": "ok",
            "outbox": "ok",
            "sweep": "ok",
            "scheduler": "ok",
            "worker": "ok",
        },
        "reasons": [],
    }


def test_healthz_stays_a_liveness_check_whatever_the_background_work(client, clinic):
    # Nothing has ever beaten, nothing is swept: not ready, but alive.
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(URL).status_code == 503


def test_a_database_that_does_not_answer_is_503(client, healthy, monkeypatch):
    class Down:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(ops_views, "connection", Down())
    status, body = _ready(client)
    assert status == 503
    assert body["ok"] is False
    assert body["checks"] == {"database": "down"}
    assert body["reasons"] == ["database: the database does not answer: OperationalError"]


# --- outbox --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("waited", "ready"), [(9, True), (10, True), (11, False)])
def test_the_oldest_due_email_may_wait_ten_minutes(client, healthy, waited, ready):
    _mail(NOW - dt.timedelta(minutes=waited))
    status, body = _ready(client)
    assert (status, body["checks"]["outbox"]) == ((200, "ok") if ready else (503, "stale"))
    if not ready:
        assert body["reasons"] == [
            "outbox: the oldest due email has waited 11 min (limit 10 min): is the task worker "
            "running?"
        ]


def test_a_claim_left_by_a_killed_worker_counts_as_due(client, healthy):
    _mail(NOW - dt.timedelta(minutes=30), state="sending", claimed_until=NOW - dt.timedelta(1))
    assert _ready(client)[1]["checks"]["outbox"] == "stale"


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "pending", "attempts": 3, "next_attempt_at": NOW + dt.timedelta(minutes=30)},
        {"state": "dead", "attempts": 48},
        {"state": "sent", "attempts": 1},
        {"state": "discarded", "attempts": 2},
        {"state": "sending", "claimed_until": NOW + dt.timedelta(minutes=5)},
    ],
    ids=["waiting-to-retry", "dead", "sent", "discarded", "being-sent"],
)
def test_mail_that_is_not_due_is_not_a_backlog(client, healthy, fields):
    fields = {"next_attempt_at": NOW - dt.timedelta(hours=5), **fields}
    _mail(**fields)
    assert _ready(client)[0] == 200


def test_the_outbox_threshold_is_a_setting(client, healthy, settings):
    settings.READY_OUTBOX_MAX_WAIT = dt.timedelta(minutes=30)
    _mail(NOW - dt.timedelta(minutes=20))
    assert _ready(client)[0] == 200


# --- sweep ---------------------------------------------------------------------------------------


def test_yesterday_not_swept_is_stale_after_two_in_the_morning(client, healthy):
    yesterday = NOW.date() - dt.timedelta(days=1)
    healthy.sweep_runs.filter(day=yesterday).delete()
    swept(healthy, yesterday - dt.timedelta(days=1))
    status, body = _ready(client)
    assert status == 503
    assert body["checks"]["sweep"] == "stale"
    assert body["reasons"] == [
        f"sweep: the daily sweep has not finished for clinic {healthy.pk} 2026-03-09: is "
        "run_daily_sweep in cron?"
    ]


@pytest.mark.parametrize(
    ("local", "ready"), [("01:59:59", True), ("02:00:00", False), ("09:00:00", False)]
)
def test_the_sweep_of_a_day_is_due_by_two_the_next_morning(client, healthy, local, ready):
    day = dt.date(2026, 3, 10)  # the 9th is swept (healthy); the 10th is not
    at = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.fromisoformat(local), LONDON)
    beat(Component.WORKER, at)
    beat(Component.SCHEDULER, at)
    status, body = _ready(client, at)
    assert body["checks"]["sweep"] == ("ok" if ready else "stale")
    assert status == (200 if ready else 503)


def test_an_unfinished_sweep_is_stale(client, healthy):
    yesterday = NOW.date() - dt.timedelta(days=1)
    healthy.sweep_runs.filter(day=yesterday).update(finished_at=None)
    assert _ready(client)[1]["checks"]["sweep"] == "stale"


def test_the_sweep_check_waits_for_the_westernmost_patient_like_the_sweep(client, healthy):
    PatientFactory(clinic=healthy, time_zone="America/New_York")
    # 02:30 in London on the 11th is 21:30 on the 10th in New York: the 10th has not ended for
    # that patient, so the sweep has not run for it, and it is not late.
    at = dt.datetime(2026, 3, 11, 2, 30, tzinfo=LONDON)
    beat(Component.WORKER, at)
    beat(Component.SCHEDULER, at)
    assert _ready(client, at)[0] == 200
    # By 07:01 London (02:01 New York) it is.
    at = dt.datetime(2026, 3, 11, 7, 1, tzinfo=LONDON)
    beat(Component.WORKER, at)
    beat(Component.SCHEDULER, at)
    assert _ready(client, at)[1]["checks"]["sweep"] == "stale"


def test_a_clinic_that_did_not_exist_when_its_day_ended_is_not_late(client, healthy):
    ClinicFactory(created_at=NOW - dt.timedelta(hours=3))
    assert _ready(client)[0] == 200


def test_each_late_clinic_is_named(client, healthy):
    late = ClinicFactory(created_at=NOW - dt.timedelta(days=3), time_zone="Europe/London")
    status, body = _ready(client)
    assert status == 503
    assert f"clinic {late.pk} 2026-03-09" in body["reasons"][0]
    assert f"clinic {healthy.pk}" not in body["reasons"][0]


def test_the_sweep_deadline_is_a_setting(client, healthy, settings):
    settings.READY_SWEEP_DEADLINE = dt.timedelta(hours=6)
    at = dt.datetime(2026, 3, 11, 5, 0, tzinfo=LONDON)  # the 10th is not swept
    beat(Component.WORKER, at)
    beat(Component.SCHEDULER, at)
    assert _ready(client, at)[0] == 200


# --- scheduler and worker ------------------------------------------------------------------------


@pytest.mark.parametrize(("component", "limit"), [(Component.SCHEDULER, 15), (Component.WORKER, 2)])
def test_a_heartbeat_older_than_its_limit_is_stale(client, healthy, component, limit):
    beat(component, NOW - dt.timedelta(minutes=limit))
    assert _ready(client)[0] == 200
    beat(component, NOW - dt.timedelta(minutes=limit, seconds=1))
    status, body = _ready(client)
    assert status == 503
    assert body["checks"][component] == "stale"
    assert body["reasons"][0].startswith(f"{component}: ")
    assert f"ago (limit {limit} min)" in body["reasons"][0]


@pytest.mark.parametrize("component", [Component.SCHEDULER, Component.WORKER])
def test_a_component_that_never_beat_is_stale(client, healthy, component):
    Heartbeat.objects.filter(component=component).delete()
    status, body = _ready(client)
    assert status == 503
    assert body["checks"][component] == "stale"
    assert "never" in body["reasons"][0]


def test_the_freshest_worker_counts(client, healthy):
    beat(Component.WORKER, NOW - dt.timedelta(hours=2), node="old-machine")
    assert _ready(client)[0] == 200


def test_heartbeat_thresholds_are_settings(client, healthy, settings):
    settings.READY_WORKER_MAX_AGE = dt.timedelta(minutes=10)
    settings.READY_SCHEDULER_MAX_AGE = dt.timedelta(hours=1)
    beat(Component.WORKER, NOW - dt.timedelta(minutes=9))
    beat(Component.SCHEDULER, NOW - dt.timedelta(minutes=50))
    assert _ready(client)[0] == 200


def test_every_stale_condition_at_once_gives_every_reason(client, clinic):
    clinic.created_at = NOW - dt.timedelta(days=3)
    clinic.save(update_fields=["created_at"])
    _mail(NOW - dt.timedelta(hours=1))
    status, body = _ready(client)
    assert status == 503
    assert [reason.split(":")[0] for reason in body["reasons"]] == [
        "outbox",
        "sweep",
        "scheduler",
        "worker",
    ]


def test_readyz_is_never_cached(client, healthy):
    with time_machine.travel(NOW, tick=False):
        response = client.get(URL)
    assert "no-store" in response["Cache-Control"]
