"""Heartbeats: the reminder scheduler beats on every run; the task worker beats through a task
that it runs every minute and that queues itself again (ops.tasks)."""

import datetime as dt
import io
import signal

import pytest
import time_machine
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ops.heartbeats import heartbeat_beat, heartbeats_latest
from ops.models import Component, Heartbeat
from ops.tasks import FINISHED_KEPT, WORKER_BEAT_EVERY, worker_heartbeat, worker_heartbeat_ensure
from reminders.services import reminders_send_due

from .conftest import NOW

pytestmark = pytest.mark.django_db

PATH = worker_heartbeat.module_path
# The real db_worker closes the connection between tasks (close_old_connections), which a
# test's transaction would not survive: these tests commit, and the tables are emptied after.
in_the_worker = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def run_worker(**options) -> None:
    """The real db_worker, once through the queue (--batch). It installs signal handlers for
    its own process; this one is pytest's, so they are put back afterwards."""
    names = [name for name in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, name)]
    saved = {name: signal.getsignal(getattr(signal, name)) for name in names}
    try:
        call_command(
            "db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0, **options
        )
    finally:
        for name, handler in saved.items():
            signal.signal(getattr(signal, name), handler)


def _waiting():
    return DBTaskResult.objects.filter(task_path=PATH, status=TaskResultStatus.READY)


def test_each_scheduler_run_is_a_heartbeat_even_with_nothing_due(db):
    with time_machine.travel(NOW, tick=False):
        reminders_send_due()
    beat = Heartbeat.objects.get(component=Component.SCHEDULER)
    assert beat.last_seen == NOW
    assert beat.detail == "none due"
    later = NOW + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        reminders_send_due()
    assert Heartbeat.objects.get(component=Component.SCHEDULER).last_seen == later


def test_a_dry_run_is_not_a_scheduler_run(db):
    call_command("send_due_reminders", "--dry-run", stdout=io.StringIO())
    assert not Heartbeat.objects.exists()


def test_the_scheduler_queues_the_worker_heartbeat_once(database_tasks):
    reminders_send_due()
    reminders_send_due()
    assert _waiting().count() == 1


def test_without_the_database_backend_nothing_is_queued(db):
    # The tests' immediate backend: a task that queues itself would never end.
    assert worker_heartbeat_ensure() is False
    reminders_send_due()
    assert not DBTaskResult.objects.exists()


@in_the_worker
def test_the_worker_runs_the_heartbeat_which_queues_the_next_one(database_tasks):
    with time_machine.travel(NOW, tick=False):
        assert worker_heartbeat_ensure() is True
        run_worker(worker_id="w-1")
    beat = Heartbeat.objects.get(component=Component.WORKER)
    assert beat.last_seen == NOW
    assert beat.detail == "worker w-1"
    following = _waiting().get()
    assert following.run_after == NOW + WORKER_BEAT_EVERY
    done = DBTaskResult.objects.get(task_path=PATH, status=TaskResultStatus.SUCCESSFUL)
    assert done.return_value == "beat"
    # A minute later the worker runs it again, and so on.
    with time_machine.travel(NOW + WORKER_BEAT_EVERY, tick=False):
        run_worker(worker_id="w-1")
    assert heartbeats_latest()[Component.WORKER] == NOW + WORKER_BEAT_EVERY
    assert _waiting().count() == 1


@in_the_worker
def test_the_worker_beat_records_what_is_stale_for_the_banner(database_tasks, clinic):
    clinic.created_at = NOW - dt.timedelta(days=5)
    clinic.save(update_fields=["created_at"])
    with time_machine.travel(NOW, tick=False):
        worker_heartbeat_ensure()
        run_worker()
    problems = Heartbeat.objects.get(component=Component.WORKER).problems
    # Nothing is swept and the scheduler never ran; the worker is running this.
    assert problems == [{"check": "sweep", "clinic": clinic.pk}, {"check": "scheduler"}]


@in_the_worker
def test_old_finished_heartbeat_tasks_are_deleted(database_tasks):
    with time_machine.travel(NOW, tick=False):
        worker_heartbeat_ensure()
        run_worker()
    later = NOW + FINISHED_KEPT + dt.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        run_worker()
    finished = DBTaskResult.objects.filter(task_path=PATH, status=TaskResultStatus.SUCCESSFUL)
    assert [result.finished_at for result in finished] == [later]


def test_one_row_per_component_and_machine(db):
    heartbeat_beat(Component.WORKER, node="a", now=NOW)
    heartbeat_beat(Component.WORKER, node="b", now=NOW - dt.timedelta(minutes=1))
    heartbeat_beat(Component.WORKER, node="a", now=NOW + dt.timedelta(minutes=1))
    assert Heartbeat.objects.filter(component=Component.WORKER).count() == 2
    assert heartbeats_latest() == {
        Component.WORKER: NOW + dt.timedelta(minutes=1),
        Component.SCHEDULER: None,
    }
    assert timezone.is_aware(heartbeats_latest()[Component.WORKER])
