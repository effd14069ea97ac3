"""The caseload's risk order (issue 5, "Sorted by risk"), not logging, and a patient's most
serious unresolved alert. Pure."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from redflags.engine.domain import severity_rank

#: "Not logging": no symptom entry on any of the last N days (today and the N - 1 days before).
NOT_LOGGING_DAYS = 3
#: Rank of "no unresolved alert", below every severity rank (low = 0 ... emergency = 3).
NO_ALERT_RANK = -1


class Risk(enum.IntEnum):
    """The caseload's order, most pressing first (issue 5, "Sorted by risk")."""

    EMERGENCY = 0
    URGENT = 1
    ACTIVE_FLARE = 2
    REVIEW = 3
    NOT_LOGGING = 4
    OTHER = 5


def alert_rank(severity: str | None) -> int:
    """The rank of a patient's highest unresolved alert severity; NO_ALERT_RANK for none."""
    return NO_ALERT_RANK if severity is None else severity_rank(severity)


def risk_of(open_severity: str | None, *, flare_open: bool, not_logging: bool) -> Risk:
    """Where a patient sorts: an unresolved emergency alert, then urgent, then an open flare-up,
    then a review alert, then not logging, then the rest (a low alert sorts with the rest).

    ``caseload.risk_expression`` is the same decision in SQL, so a caseload of any size is
    ordered before it is paginated; a test checks that the two agree on every combination."""
    rank = alert_rank(open_severity)
    if rank >= severity_rank("emergency"):
        return Risk.EMERGENCY
    if rank >= severity_rank("urgent"):
        return Risk.URGENT
    if flare_open:
        return Risk.ACTIVE_FLARE
    if rank >= severity_rank("review"):
        return Risk.REVIEW
    if not_logging:
        return Risk.NOT_LOGGING
    return Risk.OTHER


def not_logging_since(today: date) -> date:
    """The first of the last NOT_LOGGING_DAYS days: an entry on or after it counts as logging."""
    return today - timedelta(days=NOT_LOGGING_DAYS - 1)


def is_not_logging(last_entry_day: date | None, today: date, *, on_caseload_since: date) -> bool:
    """No entry in the last NOT_LOGGING_DAYS days. A patient who never logged counts once they
    have been on the caseload that long, so a patient added this morning is not flagged."""
    since = not_logging_since(today)
    if last_entry_day is None:
        return on_caseload_since < since
    return last_entry_day < since


def highest_alert(alerts: Iterable[Mapping]) -> Mapping | None:
    """The most serious of a patient's unresolved alerts; the oldest one among equals (it has
    waited longest). Each alert is a mapping with ``severity`` and ``opened_at``."""
    best = None
    for alert in alerts:
        if best is None:
            best = alert
            continue
        key = (severity_rank(alert["severity"]), -alert["opened_at"].timestamp())
        best_key = (severity_rank(best["severity"]), -best["opened_at"].timestamp())
        if key > best_key:
            best = alert
    return best
