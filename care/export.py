"""A patient's right to a copy of their data: everything PT Tracker holds about them, as JSON
or as a ZIP of CSV files. It reads every app, so it lives above them (docs/architecture.md)."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from accounts.models import Patient
from accounts.phones import phone_e164
from core.csv_export import BOM, csv_text, labelled_columns, labelled_row
from exercises.models import ExerciseLog, PlanItem
from outcomes.models import GROCResponse, PSFSRating
from redflags.models import Alert
from symptoms.models import Intake, PTSession, SymptomEntry

logger = logging.getLogger(__name__)

EXPORT_FORMAT_VERSION = 1

# Columns that are bookkeeping, not the patient's data.
_SKIPPED = {"id", "patient", "idempotency_key", "created_by", "updated_by"}
ALERT_FIELDS = [
    "id",
    "rule",
    "severity",
    "state",
    "opened_at",
    "opened_day",
    "acknowledged_at",
    "resolved_at",
    "patient_message",
]

Row = dict[str, Any]


def _value(value: Any, zone) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, zone).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _field_names(model: type[models.Model], skip: Iterable[str] = ()) -> list[str]:
    """Every stored column of `model` but the bookkeeping ones; foreign keys as <name>_id."""
    skipped = _SKIPPED | set(skip)
    names = ["id"]
    for field in model._meta.concrete_fields:
        if field.name in skipped:
            continue
        names.append(field.attname)
    return names


def _rows(queryset: models.QuerySet, names: list[str], zone, extra: dict[str, str] | None = None):
    extra = extra or {}
    for row in queryset.values(*names, **{k: models.F(v) for k, v in extra.items()}):
        yield {key: _value(value, zone) for key, value in row.items()}


def patient_data(patient: Patient) -> dict[str, Any]:
    """Everything PT Tracker holds about `patient`, as plain data (nothing of anyone else's)."""
    zone = patient.zone
    user = patient.user
    intake = list(_rows(Intake.objects.filter(patient=patient), _field_names(Intake), zone))
    return {
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": _value(timezone.now(), zone),
        "patient": {
            "full_name": user.full_name,
            "email": user.email,
            # Contact details (issue 11); numbers as stored, E.164.
            "phone": phone_e164(patient.phone),
            "best_time_to_call": patient.best_time_to_call,
            "emergency_contact_name": patient.emergency_contact_name,
            "emergency_contact_phone": phone_e164(patient.emergency_contact_phone),
            "preferred_language": user.preferred_language,
            "clinic": patient.clinic.name,
            "time_zone": str(zone),
            "joined_at": _value(patient.created_at, zone),
            "closed_at": _value(patient.closed_at, zone),
            "therapists": [t.full_name for t in patient.therapists.order_by("full_name")],
        },
        "intake": intake[0] if intake else None,
        "sessions": list(
            _rows(
                PTSession.objects.filter(patient=patient).order_by("date", "id"),
                _field_names(PTSession),
                zone,
            )
        ),
        "entries": list(
            _rows(
                SymptomEntry.objects.filter(patient=patient).order_by("recorded_at", "id"),
                _field_names(SymptomEntry),
                zone,
            )
        ),
        "exercise_logs": list(
            _rows(
                ExerciseLog.objects.filter(patient=patient).order_by("logged_at", "id"),
                _field_names(ExerciseLog),
                zone,
                extra={"exercise_name": "exercise__name"},
            )
        ),
        "alerts": list(
            _rows(
                Alert.objects.filter(patient=patient).order_by("opened_at", "id"),
                ALERT_FIELDS,
                zone,
            )
        ),
        **_outcome_rows(patient, zone),
        "plan": list(
            _rows(
                PlanItem.objects.filter(version__plan__patient=patient).order_by(
                    "version__number", "order", "id"
                ),
                _field_names(PlanItem, skip={"version"}),
                zone,
                extra={
                    "plan_version": "version__number",
                    "version_start_date": "version__start_date",
                    "version_end_date": "version__end_date",
                    "note_to_patient": "version__note_to_patient",
                    "exercise_name": "exercise__name",
                },
            )
        ),
    }


def _outcome_rows(patient: Patient, zone) -> dict[str, list[Row]]:
    """The activities the patient rated (PSFS) and their weekly overall change (GROC)."""
    return {
        "activity_ratings": list(
            _rows(
                PSFSRating.objects.filter(assessment__patient=patient).order_by(
                    "assessment__day", "assessment_id", "activity__position"
                ),
                ["rating"],
                zone,
                extra={
                    "day": "assessment__day",
                    "occasion": "assessment__kind",
                    "activity_name": "activity__name",
                },
            )
        ),
        "overall_change": list(
            _rows(
                GROCResponse.objects.filter(patient=patient).order_by("day"),
                ["day", "score"],
                zone,
            )
        ),
    }


def patient_data_json(patient: Patient) -> bytes:
    return json.dumps(
        patient_data(patient), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False
    ).encode()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _csv(rows: list[Row], model: type[models.Model] | None = None) -> str:
    """One table as CSV (core.csv_export guards every cell and adds the byte-order mark), with
    the words of each column of codes beside it when the table is ``model``'s."""
    if not rows:
        return BOM  # an empty table is still a file spreadsheet programs open as UTF-8
    names = list(rows[0])
    if model is None:
        return csv_text(names, ([_cell(row[name]) for name in names] for row in rows))
    columns = labelled_columns(model, names)
    return csv_text(
        [header for header, _source, _make in columns],
        (labelled_row(columns, {k: _cell(v) for k, v in row.items()}, row) for row in rows),
    )


README = """PT Tracker: a copy of your data
===============================

Exported {exported_at}.

patient.csv        your details (with your phone number and emergency contact) and your clinic
intake.csv         what your therapist noted at the start
sessions.csv       your therapy sessions
entries.csv        everything you logged about your symptoms
exercise_logs.csv  the exercises you logged
alerts.csv         warnings the app raised, with the advice you were shown
plan.csv           your home exercise plans, one row per exercise in each version
activity_ratings.csv  how well you could do the activities you named, 0 to 10, each time
overall_change.csv    how you said you were overall (-7 to +7), once a week

Times are in your time zone ({time_zone}). Lists are separated by ";". Beside each column of
codes (such as "regions") is a column of their words ("regions_labels").
The same data is in one file if you download the JSON version.
"""


def patient_data_zip(patient: Patient) -> bytes:
    data = patient_data(patient)
    person = {k: v for k, v in data["patient"].items()}
    files = {
        "patient.csv": _csv([person]),
        "intake.csv": _csv([data["intake"]] if data["intake"] else [], Intake),
        "sessions.csv": _csv(data["sessions"], PTSession),
        "entries.csv": _csv(data["entries"], SymptomEntry),
        "exercise_logs.csv": _csv(data["exercise_logs"], ExerciseLog),
        "alerts.csv": _csv(data["alerts"], Alert),
        "plan.csv": _csv(data["plan"], PlanItem),
        "activity_ratings.csv": _csv(data["activity_ratings"], PSFSRating),
        "overall_change.csv": _csv(data["overall_change"], GROCResponse),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(exported_at=data["exported_at"], time_zone=data["patient"]["time_zone"]),
        )
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
