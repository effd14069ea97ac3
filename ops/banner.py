"""The banner on staff pages when background work is stale, in one query per page.

The task worker's heartbeat (every minute, ops.tasks) records what ops.checks found stale at
that moment. A page reads the freshest worker beat: no beat within READY_WORKER_MAX_AGE means
the worker itself is stale; otherwise the problems of its last beat apply, those of the
clinician's own clinic and those of everyone (outbox, scheduler).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from accounts.models import User

from .checks import WORKER
from .models import Component, Heartbeat


def banner_problems(user: User) -> list[str]:
    """The names of the stale checks that concern ``user``'s clinic, in ops.checks' order."""
    beat = (
        Heartbeat.objects.filter(component=Component.WORKER)
        .only("last_seen", "problems")
        .order_by("-last_seen")
        .first()
    )
    if beat is None or timezone.now() - beat.last_seen > settings.READY_WORKER_MAX_AGE:
        return [WORKER]
    names: list[str] = []
    for problem in beat.problems:
        clinic = problem.get("clinic")
        if (clinic is None or clinic == user.clinic_id) and problem["check"] not in names:
            names.append(problem["check"])
    return names
