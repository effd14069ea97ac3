"""When the patient reported what an alert found (issue 11): the time of the entry
(``recorded_at``) or exercise log (``logged_at``) behind it, not the moment the alert row was
written (an entry logged late, a replay or the demo's backfilled history open alerts later than
the report). A finding with no record behind it (the daily check) has none.

``first``: the record that opened the alert, for clinicians (it matches the alert's
``opened_day``); the latest, for the patient's banner (a repeat is a new report to read).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import DateTimeField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .models import AlertEvidence


def report_time(*, first: bool) -> Coalesce:
    """An annotation for an Alert queryset: the time of its first or latest reported record,
    else None."""
    order = ("added_at", "id") if first else ("-added_at", "-id")
    evidence = AlertEvidence.objects.filter(alert=OuterRef("pk")).order_by(*order)
    return Coalesce(
        Subquery(evidence.filter(entry__isnull=False).values("entry__recorded_at")[:1]),
        Subquery(evidence.filter(exercise_log__isnull=False).values("exercise_log__logged_at")[:1]),
        output_field=DateTimeField(),
    )


def evidence_report_time(evidence: Iterable[AlertEvidence]) -> datetime | None:
    """The same for evidence rows already loaded (the alert page), first first."""
    for item in evidence:
        if item.entry is not None:
            return item.entry.recorded_at
        if item.exercise_log is not None:
            return item.exercise_log.logged_at
    return None
