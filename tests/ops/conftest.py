import datetime as dt
import zoneinfo

import pytest

from ops.heartbeats import heartbeat_beat
from ops.models import Component
from redflags.models import SweepRun

LONDON = zoneinfo.ZoneInfo("Europe/London")
# A Tuesday noon in London (GMT), away from any clock change.
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)


def beat(component: str, at: dt.datetime, node: str = "app-1") -> None:
    heartbeat_beat(component, node=node, now=at)


def swept(clinic, day: dt.date, *, finished: bool = True) -> SweepRun:
    moment = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 5), tzinfo=LONDON)
    return SweepRun.objects.create(
        clinic=clinic, day=day, started_at=moment, finished_at=moment if finished else None
    )


@pytest.fixture
def healthy(clinic):
    """Everything keeping up at NOW: both heartbeats fresh, yesterday swept, nothing due."""
    clinic.created_at = NOW - dt.timedelta(days=30)
    clinic.save(update_fields=["created_at"])
    beat(Component.WORKER, NOW - dt.timedelta(seconds=30))
    beat(Component.SCHEDULER, NOW - dt.timedelta(minutes=3))
    swept(clinic, NOW.date() - dt.timedelta(days=1))
    return clinic
