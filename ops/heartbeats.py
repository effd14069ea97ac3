"""Writing and reading heartbeats (ops.models.Heartbeat).

``heartbeat_beat`` is what a background process calls to say it is alive; ``heartbeats_latest``
is the newest beat of each component, which /readyz, the status page and /metrics read.
"""

from __future__ import annotations

import socket
from datetime import datetime

from django.db.models import Max
from django.utils import timezone

from .models import Component, Heartbeat

DETAIL_MAX = Heartbeat._meta.get_field("detail").max_length or 255


def this_node() -> str:
    return socket.gethostname()[:255] or "unknown"


def heartbeat_beat(
    component: str,
    *,
    detail: str = "",
    problems: list[dict] | None = None,
    node: str | None = None,
    now: datetime | None = None,
) -> Heartbeat:
    """Record that ``component`` on this machine (or ``node``) is alive now."""
    beat, _created = Heartbeat.objects.update_or_create(
        component=component,
        node=node or this_node(),
        defaults={
            "last_seen": now or timezone.now(),
            "detail": detail[:DETAIL_MAX],
            "problems": problems or [],
        },
    )
    return beat


def heartbeats_latest() -> dict[str, datetime | None]:
    """The newest beat of each component, None for one that never beat."""
    found = dict(
        Heartbeat.objects.values("component")
        .annotate(latest=Max("last_seen"))
        .values_list("component", "latest")
    )
    return {component: found.get(component) for component in Component.values}
