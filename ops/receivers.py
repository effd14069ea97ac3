"""What ops hears from the apps below it (connected in OpsConfig.ready).

- Each run of the reminder scheduler is its heartbeat, and makes sure the task worker's
  heartbeat task is queued (ops.tasks).
- A new symptom entry and a new alert are counted for /metrics once their transaction commits,
  so a save that rolls back counts nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from core.metrics import ALERTS_RAISED, ENTRIES_SAVED
from redflags.models import Alert
from reminders.signals import scheduler_ran
from symptoms.models import SymptomEntry

from .heartbeats import heartbeat_beat
from .models import Component
from .tasks import worker_heartbeat_ensure


@receiver(scheduler_ran, dispatch_uid="ops-scheduler-heartbeat")
def scheduler_heartbeat(sender: Any, counts: dict[str, int], **kwargs: Any) -> None:
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
    heartbeat_beat(Component.SCHEDULER, detail=summary or "none due")
    worker_heartbeat_ensure()


@receiver(post_save, sender=SymptomEntry, dispatch_uid="ops-count-entries")
def count_entry(sender: Any, created: bool, **kwargs: Any) -> None:
    if created:
        transaction.on_commit(ENTRIES_SAVED.inc)


@receiver(post_save, sender=Alert, dispatch_uid="ops-count-alerts")
def count_alert(sender: Any, instance: Alert, created: bool, **kwargs: Any) -> None:
    if created:
        counter = ALERTS_RAISED.labels(severity=instance.severity)
        transaction.on_commit(counter.inc)
