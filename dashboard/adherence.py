"""Adherence of many patients at once, for the caseload: three statements whatever their
number, then the pure arithmetic of ``exercises.adherence`` per patient."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from exercises import adherence as adherence_arithmetic
from exercises.models import ExerciseLog, Plan, PlanItem, PlanVersion
from exercises.selectors import VersionSpan, version_spans

from .sql import among, column, fetch, plain_date, table

#: Days of the caseload's adherence figure (today and the 6 days before).
ADHERENCE_DAYS = 7


@dataclass(frozen=True)
class _Version:
    """What ``exercises.selectors.version_spans`` reads of a plan version."""

    pk: int
    number: int
    start_date: date
    end_date: date | None


def adherence_by_patient(
    patient_ids: Sequence[int], today: date, days: int = ADHERENCE_DAYS
) -> dict[int, adherence_arithmetic.Adherence]:
    """Adherence over the ``days`` days ending today for several patients: three statements in
    all (plain SQL, as in ``caseload_figures``), then ``exercises.adherence.adherence`` per
    patient. Patients with nothing prescribed in the window are left out."""
    first, last = adherence_arithmetic.window(today, days)
    spans_by_version = _spans_in_window(patient_ids, first, last)
    if not spans_by_version:
        return {}
    item_spans: dict[int, list[adherence_arithmetic.ItemSpan]] = defaultdict(list)
    versions = list(spans_by_version)
    for version_id, exercise_id, times_per_day, days_per_week in fetch(
        "SELECT i.version_id, i.exercise_id, i.times_per_day, i.days_per_week "
        f"FROM {table(PlanItem)} i JOIN {table(PlanVersion)} v ON v.id = i.version_id "
        f"WHERE i.version_id IN ({among(versions)}) "
        f"ORDER BY v.number, i.{column('order')}, i.id",
        versions,
    ):
        patient_id, span = spans_by_version[version_id]
        item_spans[patient_id].append(
            adherence_arithmetic.ItemSpan(
                exercise_id=exercise_id,
                times_per_day=times_per_day,
                days_per_week=days_per_week,
                first_day=span.first_day,
                last_day=span.last_day,
            )
        )
    counts = _dose_counts(list(item_spans), first, last)
    result = {}
    for patient_id, spans in item_spans.items():
        figure = adherence_arithmetic.adherence(
            spans, counts.get(patient_id, {}), last_day=last, days=days
        )
        if figure.prescribed:
            result[patient_id] = figure
    return result


def _spans_in_window(
    patient_ids: Sequence[int], first: date, last: date
) -> dict[int, tuple[int, VersionSpan]]:
    """Each plan version in force on some day of the window: its patient and its days."""
    versions: dict[int, list[_Version]] = defaultdict(list)
    for patient_id, pk, number, start_date, end_date in fetch(
        "SELECT p.patient_id, v.id, v.number, v.start_date, v.end_date "
        f"FROM {table(PlanVersion)} v JOIN {table(Plan)} p ON p.id = v.plan_id "
        f"WHERE p.patient_id IN ({among(patient_ids)}) ORDER BY v.number DESC",
        list(patient_ids),
    ):
        versions[patient_id].append(
            _Version(pk, number, plain_date(start_date), plain_date(end_date))
        )
    return {
        span.version.pk: (patient_id, span)
        for patient_id, patient_versions in versions.items()
        for span in version_spans(patient_versions)
        if span.overlaps(first, last)
    }


def _dose_counts(
    patient_ids: list[int], first: date, last: date
) -> dict[int, dict[tuple[int, date], int]]:
    """Logs per patient, exercise and day of the window."""
    counts: dict[int, dict[tuple[int, date], int]] = defaultdict(dict)
    for patient_id, exercise_id, day, count in fetch(
        f"SELECT patient_id, exercise_id, day, COUNT(id) FROM {table(ExerciseLog)} "
        f"WHERE patient_id IN ({among(patient_ids)}) AND day >= %s AND day <= %s "
        "GROUP BY patient_id, exercise_id, day",
        [*patient_ids, first, last],
    ):
        counts[patient_id][(exercise_id, plain_date(day))] = count
    return counts
