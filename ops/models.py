"""Heartbeats: when each background process last showed it was alive (ops/heartbeats.py).

One row per component and node (a machine), overwritten by every beat: the task worker's
heartbeat task each minute (with the checks' verdict at that moment, for the staff banner), the
reminder scheduler on each run. The daily sweep needs no row
of its own here: each clinic's swept days are ``redflags.SweepRun`` rows.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Component(models.TextChoices):
    WORKER = "worker", _("Task worker")
    SCHEDULER = "scheduler", _("Reminder scheduler")


class Heartbeat(models.Model):
    Component = Component

    component = models.CharField(max_length=20, choices=Component.choices)
    # The host name of the machine the process runs on.
    node = models.CharField(max_length=255)
    last_seen = models.DateTimeField(default=timezone.now)
    # What the beat says about itself: a worker's id, a scheduler run's counts. No health data.
    detail = models.CharField(max_length=255, blank=True)
    # The worker's beat also records what was stale then (ops.checks), so a staff page's banner
    # reads one row: [{"check": "sweep", "clinic": 3}, {"check": "outbox"}, ...].
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["component", "-last_seen"]
        constraints = [
            models.UniqueConstraint(fields=["component", "node"], name="one_heartbeat_per_node"),
            models.CheckConstraint(
                condition=models.Q(component__in=Component.values),
                name="heartbeat_component_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component} on {self.node} at {self.last_seen:%Y-%m-%d %H:%M:%S}"
