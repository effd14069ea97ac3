"""The task worker's heartbeat: a small task that records a beat and queues itself again a
minute later, so a worker that stops taking tasks from the queue stops beating.

The reminder scheduler (``send_due_reminders``, every few minutes from cron) calls
``worker_heartbeat_ensure`` on each run (ops.receivers), so a chain that broke (the database was
emptied, a worker was killed in the middle of the task) starts again. Only the database task
backend keeps a queue to beat through; with any other backend nothing is queued.
"""

from __future__ import annotations

from datetime import timedelta

from django.tasks import TaskContext, TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .checks import WORKER, background_checks
from .heartbeats import heartbeat_beat
from .models import Component

#: How often a worker beats; /readyz allows READY_WORKER_MAX_AGE (2 minutes) between beats.
WORKER_BEAT_EVERY = timedelta(seconds=60)
#: Finished heartbeat tasks are deleted after this, so the task table does not grow by 1,440 a day.
FINISHED_KEPT = timedelta(hours=1)


def _task_path() -> str:
    return worker_heartbeat.module_path


def worker_heartbeat_ensure(delay: timedelta = timedelta(0)) -> bool:
    """Queue the heartbeat task ``delay`` from now unless one is already waiting. True when it
    queued one; False with a backend that is not the database's, or when one is waiting."""
    if not isinstance(worker_heartbeat.get_backend(), DatabaseBackend):
        return False
    # Waiting: queued, whether due now or later (a deferred one is READY with a later run_after).
    if DBTaskResult.objects.filter(task_path=_task_path(), status=TaskResultStatus.READY).exists():
        return False
    worker_heartbeat.using(run_after=timezone.now() + delay).enqueue()
    return True


def _prune_finished() -> int:
    cutoff = timezone.now() - FINISHED_KEPT
    deleted, _rows = DBTaskResult.objects.filter(
        task_path=_task_path(),
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=cutoff,
    ).delete()
    return deleted


def stale_now() -> list[dict]:
    """What the checks find stale now, as the banner reads it (ops.banner): the worker is not,
    it is running this."""
    problems: list[dict] = []
    for check in background_checks():
        if check.ok or check.name == WORKER:
            continue
        if check.late_sweeps:
            problems += [{"check": check.name, "clinic": pk} for pk in check.late_sweeps]
        else:
            problems.append({"check": check.name})
    return problems


@task(takes_context=True)
def worker_heartbeat(context: TaskContext) -> str:
    """Record the worker's beat with what is stale now, queue the next one, forget old finished
    ones."""
    worker_ids = context.task_result.worker_ids
    heartbeat_beat(
        Component.WORKER,
        detail=f"worker {worker_ids[-1]}" if worker_ids else "",
        problems=stale_now(),
    )
    worker_heartbeat_ensure(WORKER_BEAT_EVERY)
    _prune_finished()
    return "beat"
