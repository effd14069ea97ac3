"""CSV exports of one patient's entries, exercise logs and alerts: what they read, and the rows.

Column names are the data dictionary's (spec.md section 2); sets are joined with ";";
times are the patient's local time in ISO 8601. Beside each column of codes is a column of their
words in the reader's language (``regions`` "left_thigh;lower_back", ``regions_labels``
"Lower back; Left thigh"), from the model fields' own choices (``core.csv_export``). A cell that
a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage return) is
prefixed with a single quote (OWASP, "CSV Injection"); the file starts with a byte-order mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Patient
from core.csv_export import Labeller, labelled_columns, labelled_row
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


Columns = list[tuple[str, str, Labeller | None]]


def headers(columns: Columns) -> list[str]:
    return [header for header, _source, _make in columns]


def entry_columns() -> Columns:
    """ENTRY_COLUMNS with the words beside the codes, in the language of the request."""
    return labelled_columns(SymptomEntry, ENTRY_COLUMNS)


def entry_rows(
    patient: Patient, entries: Iterable[SymptomEntry], columns: Columns
) -> Iterator[list[Any]]:
    for entry in entries:
        when = {
            "recorded_at": _local(entry.recorded_at, patient),
            "day": _day(entry.day),
            "session_date": _day(entry.session.date if entry.session else None),
        }
        values = {
            name: when[name] if name in when else _answer(entry, name) for name in ENTRY_COLUMNS
        }
        raw = {name: getattr(entry, name, None) for name in ENTRY_COLUMNS}
        yield labelled_row(columns, values, raw)


def log_columns() -> Columns:
    return labelled_columns(ExerciseLog, LOG_COLUMNS)


def log_rows(
    patient: Patient, logs: Iterable[ExerciseLog], columns: Columns
) -> Iterator[list[Any]]:
    for log in logs:
        values = {
            "logged_at": _local(log.logged_at, patient),
            "day": _day(log.day),
            "exercise": log.exercise.name,
            **{name: getattr(log, name) for name in EXERCISE_LOG_FIELDS},
        }
        yield labelled_row(columns, values)


def _action_text(action, patient: Patient) -> str:
    parts = [_local(action.created_at, patient), action.kind]
    if action.actor is not None:
        parts.append(action.actor.full_name or action.actor.email)
    if action.contact_method:
        parts.append(action.contact_method)
    if action.note:
        parts.append(action.note)
    return " ".join(parts)


def alert_columns() -> Columns:
    return labelled_columns(Alert, ALERT_COLUMNS)


def alert_rows(patient: Patient, alerts: Iterable[Alert], columns: Columns) -> Iterator[list[Any]]:
    for alert in alerts:
        values = {
            "opened_at": _local(alert.opened_at, patient),
            "opened_day": _day(alert.opened_day),
            "rule": alert.rule,
            "code": alert.code,
            "severity": alert.severity,
            "initial_severity": alert.initial_severity,
            "state": alert.state,
            "reason": alert.reason,
            "patient_message": alert.patient_message,
            "acknowledged_at": _local(alert.acknowledged_at, patient),
            "resolved_at": _local(alert.resolved_at, patient),
            "triage_actions": "; ".join(
                _action_text(action, patient) for action in alert.actions.all()
            ),
        }
        yield labelled_row(columns, values)


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
