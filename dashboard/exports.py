"""CSV exports of one patient's entries, exercise logs and alerts: what they read, and the rows.

Column names are the data dictionary's (spec.md section 2); sets are joined with ";";
times are the patient's local time in ISO 8601. A cell that a spreadsheet would read as a
formula (starting with =, +, -, @, a tab or a carriage return) is prefixed with a single quote
(OWASP, "CSV Injection").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Patient
from exercises.field_lists import EXERCISE_LOG_FIELDS
from exercises.models import ExerciseLog
from redflags.models import Alert, TriageAction
from symptoms.field_lists import ENTRY_FIELDS, ENTRY_FLAG_FIELDS, ENTRY_SET_FIELDS
from symptoms.models import SymptomEntry


def _entry_columns() -> list[str]:
    columns = ["recorded_at", "day", *ENTRY_FIELDS]
    # The session an entry is about goes beside its context.
    columns.insert(columns.index("context") + 1, "session_date")
    return columns


ENTRY_COLUMNS = _entry_columns()

LOG_COLUMNS = ["logged_at", "day", "exercise", *EXERCISE_LOG_FIELDS]

ALERT_COLUMNS = [
    "opened_at",
    "opened_day",
    "rule",
    "code",
    "severity",
    "initial_severity",
    "state",
    "reason",
    "patient_message",
    "acknowledged_at",
    "resolved_at",
    "triage_actions",
]


def _set(values: Iterable[str] | None) -> str:
    return ";".join(sorted(values or ()))


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _local(moment: datetime | None, patient: Patient) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment, patient.zone).isoformat(timespec="seconds")


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _answer(entry: SymptomEntry, name: str) -> Any:
    value = getattr(entry, name)
    if name in ENTRY_SET_FIELDS:
        return _set(value)
    if name in ENTRY_FLAG_FIELDS:
        return _bool(value)
    return value


def entry_rows(patient: Patient, entries: Iterable[SymptomEntry]) -> Iterator[list[Any]]:
    for entry in entries:
        when = {
            "recorded_at": _local(entry.recorded_at, patient),
            "day": _day(entry.day),
            "session_date": _day(entry.session.date if entry.session else None),
        }
        yield [when[name] if name in when else _answer(entry, name) for name in ENTRY_COLUMNS]


def log_rows(patient: Patient, logs: Iterable[ExerciseLog]) -> Iterator[list[Any]]:
    for log in logs:
        yield [
            _local(log.logged_at, patient),
            _day(log.day),
            log.exercise.name,
            *(getattr(log, name) for name in EXERCISE_LOG_FIELDS),
        ]


def _action_text(action, patient: Patient) -> str:
    parts = [_local(action.created_at, patient), action.kind]
    if action.actor is not None:
        parts.append(action.actor.full_name or action.actor.email)
    if action.contact_method:
        parts.append(action.contact_method)
    if action.note:
        parts.append(action.note)
    return " ".join(parts)


def alert_rows(patient: Patient, alerts: Iterable[Alert]) -> Iterator[list[Any]]:
    for alert in alerts:
        yield [
            _local(alert.opened_at, patient),
            _day(alert.opened_day),
            alert.rule,
            alert.code,
            alert.severity,
            alert.initial_severity,
            alert.state,
            alert.reason,
            alert.patient_message,
            _local(alert.acknowledged_at, patient),
            _local(alert.resolved_at, patient),
            "; ".join(_action_text(action, patient) for action in alert.actions.all()),
        ]


# --- What the exports read ----------------------------------------------------------------------


def entries_for_export(patient: Patient) -> QuerySet[SymptomEntry]:
    return (
        SymptomEntry.objects.filter(patient=patient)
        .select_related("session")
        .order_by("recorded_at", "id")
    )


def exercise_logs_for_export(patient: Patient) -> QuerySet[ExerciseLog]:
    return (
        ExerciseLog.objects.filter(patient=patient)
        .select_related("exercise")
        .order_by("logged_at", "id")
    )


def alerts_for_export(patient: Patient) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(patient=patient)
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=TriageAction.objects.select_related("actor").order_by("created_at", "id"),
            )
        )
        .order_by("opened_at", "id")
    )
