"""The benchmark's home exercise plans: three exercises per patient from 90 to 150 days ago,
and the doses logged against them."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from exercises.field_lists import EXERCISE_LOG_FIELDS
from exercises.models import ExerciseLog, Plan, PlanItem, PlanVersion

from .rows import insert, local_time


def build_plans(chunk, rng, zone, today, exercises, therapist) -> None:
    start = today - timedelta(days=rng.randint(90, 150))
    plans = Plan.objects.bulk_create([Plan(patient=p, created_by=therapist) for p in chunk])
    versions = PlanVersion.objects.bulk_create(
        [PlanVersion(plan=plan, number=1, start_date=start, created_by=therapist) for plan in plans]
    )
    items = []
    for version in versions:
        for order, exercise in enumerate(rng.sample(exercises, 3)):
            items.append(
                PlanItem(
                    version=version,
                    exercise=exercise,
                    order=order,
                    times_per_day=rng.choice([1, 1, 2]),
                    days_per_week=7,
                )
            )
    items = PlanItem.objects.bulk_create(items)
    by_version = defaultdict(list)
    for item in items:
        by_version[item.version_id].append(item)
    dt = connection.ops.adapt_datetimefield_value
    rows = []
    for plan, version in zip(plans, versions, strict=True):
        keen = rng.uniform(0.4, 0.95)
        now_hour = timezone.localtime(timezone.now(), zone).hour
        day = start
        while day <= today:
            for item in by_version[version.pk]:
                for dose in range(item.times_per_day):
                    if day == today and 10 + 6 * dose >= now_hour:
                        continue
                    if rng.random() < keen:
                        at = dt(local_time(day, 10 + 6 * dose, 0, zone))
                        rows.append(
                            (
                                plan.patient_id,
                                item.exercise_id,
                                item.pk,
                                at,
                                day.isoformat(),
                                item.sets,
                                rng.randint(0, 6),
                                "ok",
                                "",
                                "",
                                at,
                            )
                        )
            day += timedelta(days=1)
    insert(
        ExerciseLog,
        [
            "patient_id",
            "exercise_id",
            "plan_item_id",
            "logged_at",
            "day",
            *EXERCISE_LOG_FIELDS,
            "idempotency_key",
            "created_at",
        ],
        rows,
    )
