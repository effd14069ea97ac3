"""Reads for plans, doses and adherence. Each selector runs a fixed number of queries, whatever
the size of the plan (pinned in the view tests)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from django.db.models import Count, Q, QuerySet

from accounts.models import Clinic, Patient

from . import adherence as arithmetic
from .access import exercises_for_clinic
from .models import Exercise, ExerciseLog, Plan, PlanItem, PlanVersion


def plan_for_patient(patient: Patient) -> Plan | None:
    return Plan.objects.filter(patient=patient).first()


def current_version(patient: Patient, day: date) -> PlanVersion | None:
    """The plan version in force on ``day``: the newest version that has started by then, unless
    its end date has passed. A newer version replaces older ones from its start date on, so an
    ended newest version means no plan (older versions do not come back)."""
    version = (
        PlanVersion.objects.filter(plan__patient=patient, start_date__lte=day)
        .order_by("-number")
        .first()
    )
    if version is None or (version.end_date is not None and version.end_date < day):
        return None
    return version


def latest_version(plan: Plan | None) -> PlanVersion | None:
    """The last saved version, which may start in the future: the builder's starting draft."""
    if plan is None:
        return None
    return plan.versions.order_by("-number").first()


def version_items(version: PlanVersion | None) -> list[PlanItem]:
    """A version's items in order, with their exercises (one query)."""
    if version is None:
        return []
    return list(version.items.select_related("exercise").order_by("order", "id"))


def plan_items_in_force(patient: Patient, day: date) -> list[PlanItem]:
    return version_items(current_version(patient, day))


class DatedVersion(Protocol):
    """What ``version_spans`` reads of a plan version: a PlanVersion, or a row of its fields."""

    @property
    def number(self) -> int: ...
    @property
    def start_date(self) -> date: ...
    @property
    def end_date(self) -> date | None: ...


@dataclass(frozen=True)
class VersionSpan[V]:
    """A version and the days it was (or will be) in force; ``last_day`` None = open-ended, and
    an empty span (``last_day`` before ``first_day``) means a later version replaced it before it
    started."""

    version: V
    first_day: date
    last_day: date | None

    @property
    def is_empty(self) -> bool:
        return self.last_day is not None and self.last_day < self.first_day

    def overlaps(self, first: date, last: date) -> bool:
        return (
            not self.is_empty
            and self.first_day <= last
            and (self.last_day is None or self.last_day >= first)
        )


def version_spans[V: DatedVersion](versions: Iterable[V]) -> list[VersionSpan[V]]:
    """Spans of versions, oldest first: each runs from its start date to its end date or the
    day before a later version starts, whichever is earlier (see ``current_version``)."""
    ordered = sorted(versions, key=lambda version: version.number)
    spans = []
    for index, version in enumerate(ordered):
        last = version.end_date
        later_starts = [later.start_date for later in ordered[index + 1 :]]
        if later_starts:
            replaced = min(later_starts) - timedelta(days=1)
            last = replaced if last is None else min(last, replaced)
        spans.append(VersionSpan(version, version.start_date, last))
    return spans


def item_spans(
    patient: Patient, first_day: date, last_day: date
) -> list[tuple[PlanItem, arithmetic.ItemSpan]]:
    """Every plan item in force on some day from ``first_day`` to ``last_day``, with the days it
    was in force (clipped to nothing: the span is the version's). Two queries."""
    spans = [
        span
        for span in version_spans(PlanVersion.objects.filter(plan__patient=patient))
        if span.overlaps(first_day, last_day)
    ]
    by_version = {span.version.pk: span for span in spans}
    items = PlanItem.objects.filter(version_id__in=by_version).select_related("exercise")
    result = []
    for item in items.order_by("version__number", "order", "id"):
        span = by_version[item.version_id]
        result.append(
            (
                item,
                arithmetic.ItemSpan(
                    exercise_id=item.exercise_id,
                    times_per_day=item.times_per_day,
                    days_per_week=item.days_per_week,
                    first_day=span.first_day,
                    last_day=span.last_day,
                ),
            )
        )
    return result


@dataclass(frozen=True)
class Dose:
    """One prescribed exercise on the patient's Today list, how many doses were logged and the
    pain during the last one (the card of a red last dose shows only the stop guidance)."""

    item: PlanItem
    logged_today: int
    last_pain: int | None = None

    @property
    def times_per_day(self) -> int:
        return self.item.times_per_day

    @property
    def done(self) -> bool:
        return self.logged_today >= self.item.times_per_day

    @property
    def remaining(self) -> int:
        return max(self.item.times_per_day - self.logged_today, 0)


@dataclass(frozen=True)
class DoseTally:
    """The doses of one exercise logged on one day: how many, and the pain during the last."""

    count: int = 0
    last_pain: int | None = None


def dose_tallies(patient: Patient, day: date, exercise_ids: Iterable[int]) -> dict[int, DoseTally]:
    """Each exercise's doses logged on ``day``: one query (a day holds a few logs each)."""
    rows = (
        ExerciseLog.objects.filter(patient=patient, day=day, exercise_id__in=list(exercise_ids))
        .order_by("logged_at", "id")
        .values_list("exercise_id", "pain_during")
    )
    tallies: dict[int, DoseTally] = {}
    for exercise_id, pain in rows:
        tallies[exercise_id] = DoseTally(tallies.get(exercise_id, DoseTally()).count + 1, pain)
    return tallies


def dose_for(item: PlanItem, tallies: dict[int, DoseTally]) -> Dose:
    tally = tallies.get(item.exercise_id, DoseTally())
    return Dose(item, tally.count, tally.last_pain)


def today_doses(patient: Patient, day: date) -> list[Dose]:
    """The doses of the version in force on ``day``, each with the logs of that exercise on that
    day (logs count by exercise, so a dose logged just before a plan change still counts)."""
    items = plan_items_in_force(patient, day)
    tallies = dose_tallies(patient, day, [item.exercise_id for item in items]) if items else {}
    return [dose_for(item, tallies) for item in items]


@dataclass(frozen=True)
class AdherenceReport:
    """Adherence over one window with the exercises named, for the patient and the therapist."""

    overall: arithmetic.Adherence
    rows: list[tuple[Exercise, arithmetic.ExerciseShare]]

    @property
    def days(self) -> int:
        return self.overall.days


def adherence_reports(
    patient: Patient, end_day: date, windows: Sequence[int] = (7, 28)
) -> list[AdherenceReport]:
    """Adherence over each window of days ending on ``end_day`` (see exercises/adherence.py for
    the arithmetic). Three queries, whatever the plan size or the number of windows."""
    first_day = end_day - timedelta(days=max(windows) - 1)
    pairs = item_spans(patient, first_day, end_day)
    exercises = {item.exercise_id: item.exercise for item, _ in pairs}
    counts: dict[tuple[int, date], int] = {}
    if exercises:
        rows = (
            ExerciseLog.objects.filter(
                patient=patient, day__gte=first_day, day__lte=end_day, exercise_id__in=exercises
            )
            .values("exercise_id", "day")
            .annotate(count=Count("id"))
            .order_by()
        )
        counts = {(row["exercise_id"], row["day"]): row["count"] for row in rows}
    reports = []
    for days in windows:
        overall = arithmetic.adherence(
            [span for _, span in pairs], counts, last_day=end_day, days=days
        )
        reports.append(
            AdherenceReport(
                overall, [(exercises[share.exercise_id], share) for share in overall.per_exercise]
            )
        )
    return reports


def adherence(patient: Patient, end_day: date, days: int) -> AdherenceReport:
    """Doses logged over doses prescribed in the ``days`` days ending on ``end_day``."""
    return adherence_reports(patient, end_day, (days,))[0]


def plan_history(plan: Plan) -> list[VersionSpan[PlanVersion]]:
    """Every version, newest first, with its items and exercises and the days it was in force."""
    versions = plan.versions.select_related("created_by").prefetch_related("items__exercise")
    return list(reversed(version_spans(versions)))


def exercise_search(
    clinic: Clinic | int | None, *, query: str = "", body_area: str = ""
) -> QuerySet[Exercise]:
    """Library and clinic exercises whose name (or body area) matches, by name."""
    exercises = exercises_for_clinic(clinic)
    query = query.strip()
    if query:
        exercises = exercises.filter(Q(name__icontains=query) | Q(slug__icontains=query))
    if body_area:
        exercises = exercises.filter(body_area=body_area)
    return exercises.order_by("name", "id")
