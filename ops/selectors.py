"""Reads of ops: failed deliveries, the clinic's outbox backlog, its last sweeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Q, QuerySet

from core.delivery import due
from core.models import OutboxMessage, OutboxState
from redflags.models import SweepRun

# A failed attempt lies behind a message that was tried more than once before being sent (or
# while being sent), or tried at all and then left waiting, given up or discarded.
FAILED_ONCE = Q(state__in=[OutboxState.SENT, OutboxState.SENDING], attempts__gt=1) | Q(
    state__in=[OutboxState.PENDING, OutboxState.DEAD, OutboxState.DISCARDED], attempts__gt=0
)


def failed_deliveries(since: datetime, clinic_id: int | None = None) -> QuerySet[OutboxMessage]:
    """Emails queued since ``since`` (of one clinic, or all) whose delivery failed at least
    once, whatever became of them."""
    messages = OutboxMessage.objects.filter(created_at__gte=since).filter(FAILED_ONCE)
    if clinic_id is not None:
        messages = messages.filter(clinic_id=clinic_id)
    return messages


@dataclass(frozen=True)
class FailedRow:
    kind: str
    kind_label: str
    delivered_later: int
    waiting: int
    given_up: int
    discarded: int

    @property
    def total(self) -> int:
        return self.delivered_later + self.waiting + self.given_up + self.discarded


def failed_deliveries_by_kind(since: datetime, clinic_id: int) -> list[FailedRow]:
    """The clinic's failed deliveries since ``since``, by kind and what became of them."""
    counts: dict[tuple[str, str], int] = {
        (kind, state): n
        for kind, state, n in failed_deliveries(since, clinic_id)
        .values("kind", "state")
        .annotate(n=Count("pk"))
        .values_list("kind", "state", "n")
        .order_by()
    }
    rows = []
    for kind, label in OutboxMessage.Kind.choices:
        row = FailedRow(
            kind=kind,
            kind_label=str(label),
            delivered_later=counts.get((kind, OutboxState.SENT), 0),
            waiting=counts.get((kind, OutboxState.PENDING), 0)
            + counts.get((kind, OutboxState.SENDING), 0),
            given_up=counts.get((kind, OutboxState.DEAD), 0),
            discarded=counts.get((kind, OutboxState.DISCARDED), 0),
        )
        if row.total:
            rows.append(row)
    return rows


@dataclass(frozen=True)
class Backlog:
    due: int
    oldest_due: datetime | None
    dead: int


def outbox_backlog(clinic_id: int, now: datetime) -> Backlog:
    """The clinic's emails due now (and since when the oldest waits), and those given up."""
    figures = OutboxMessage.objects.filter(clinic_id=clinic_id).aggregate(
        due=Count("pk", filter=due(now)),
        oldest_due=Min("next_attempt_at", filter=due(now)),
        dead=Count("pk", filter=Q(state=OutboxState.DEAD)),
    )
    return Backlog(**figures)


def last_sweeps(clinic_id: int, limit: int = 7) -> list[SweepRun]:
    """The clinic's latest sweep runs, newest day first (unfinished ones included)."""
    return list(SweepRun.objects.filter(clinic_id=clinic_id).order_by("-day")[:limit])
