"""Adherence of many patients at once, for the caseload: three queries whatever their number,
then the pure arithmetic of ``exercises.adherence`` per patient."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from exercises import adherence as adherence_arithmetic
from exercises.models import ExerciseLog, PlanItem, PlanVersion
from exercises.selectors import version_spans

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
    """Adherence over the ``days`` days ending today for several patients: three queries in
    all, then ``exercises.adherence.adherence`` per patient. Patients with nothing prescribed
    in the window are left out."""
    first, last = adherence_arithmetic.window(today, days)
    versions: dict[int, list[_Version]] = defaultdict(list)
    for patient_id, *fields in PlanVersion.objects.filter(
        plan__patient_id__in=patient_ids
    ).values_list("plan__patient_id", "pk", "number", "start_date", "end_date"):
        versions[patient_id].append(_Version(*fields))
    spans_by_version = {
        span.version.pk: (patient_id, span)
        for patient_id, patient_versions in versions.items()
        for span in version_spans(patient_versions)
        if span.overlaps(first, last)
    }
    if not spans_by_version:
        return {}
    item_spans: dict[int, list[adherence_arithmetic.ItemSpan]] = defaultdict(list)
    for version_id, exercise_id, times_per_day, days_per_week in (
        PlanItem.objects.filter(version_id__in=spans_by_version)
        .order_by("version__number", "order", "id")
        .values_list("version_id", "exercise_id", "times_per_day", "days_per_week")
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
    counts: dict[int, dict[tuple[int, date], int]] = defaultdict(dict)
    for patient_id, exercise_id, day, count in (
        ExerciseLog.objects.filter(patient_id__in=list(item_spans), day__gte=first, day__lte=last)
        .values_list("patient_id", "exercise_id", "day")
        .annotate(count=Count("id"))
        .order_by()
    ):
        counts[patient_id][(exercise_id, day)] = count
    result = {}
    for patient_id, spans in item_spans.items():
        figure = adherence_arithmetic.adherence(
            spans, counts.get(patient_id, {}), last_day=last, days=days
        )
        if figure.prescribed:
            result[patient_id] = figure
    return result
