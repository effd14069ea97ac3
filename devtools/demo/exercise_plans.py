"""Invented home exercise plans and exercise logs for the demo clinic (called by `seed_demo`).

Each demo patient (by `accounts.demo.PatientStory.key`) gets a plan from the shared library,
usually revised once, and 2 to 6 weeks of logs written through the same services the pages use
(`plan_version_save`, `dose_record`), so versions, adherence and the red-flag screening
see the demo as they would see real use. A seeded random generator keeps it repeatable.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import transaction

from accounts.models import Patient, User
from care.services import dose_record
from exercises.models import Exercise
from exercises.services import plan_version_save

DEMO_SEED = 2026
DOSE_TIMES = ("08:30", "13:00", "18:30")


@dataclass(frozen=True)
class Rx:
    """One prescribed exercise: a library slug and its dosage (missing values: the default)."""

    slug: str
    dosage: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanStory:
    therapist: str  # accounts.demo.StaffSpec key
    start: int  # day offset of version 1 (negative: days ago)
    first: tuple[Rx, ...]
    note: str
    # A later version: (day offset, exercises, note); None keeps version 1.
    revision: tuple[int, tuple[Rx, ...], str] | None = None
    adherence: float = 0.8  # chance that each prescribed dose is done and logged
    pain: tuple[float, float] = (3, 1)  # pain during, from the start to today
    red_days: tuple[int, ...] = ()  # day offsets with one dose at pain 6-7
    stop_logging: int | None = None  # no logs from this day offset on


PLANS: dict[str, PlanStory] = {
    "grace": PlanStory(
        "tess",
        -42,
        (
            Rx("sciatic-nerve-slider", {"times_per_day": 2}),
            Rx("lumbar-extension-in-lying"),
            Rx("bridge"),
        ),
        "Little and often. A mild pull is fine; sharp pain is not.",
        revision=(
            -14,
            (
                Rx("sciatic-nerve-slider", {"times_per_day": 2, "reps": 15}),
                Rx("bridge", {"sets": 3}),
                Rx("bird-dog"),
                Rx("graded-walking", {"days_per_week": 5}),
            ),
            "Well done. More glides now, and a short walk on 5 days a week.",
        ),
        adherence=0.88,
        pain=(3, 1),
    ),
    "marcus": PlanStory(
        "tess",
        -40,
        (Rx("slump-slider", {"times_per_day": 2}), Rx("piriformis-stretch"), Rx("clamshell")),
        "Skip the slump slider on the day after dry needling if your leg is sore.",
        adherence=0.7,
        pain=(4, 2),
    ),
    "priya": PlanStory(
        "tom",
        -38,
        (Rx("sciatic-nerve-slider"), Rx("pelvic-tilt"), Rx("knee-to-chest")),
        "Keep the glides small. Tell me if the leg pain spreads.",
        revision=(
            -10,
            (Rx("sciatic-nerve-slider", {"reps": 5}), Rx("pelvic-tilt"), Rx("knee-to-chest")),
            "Fewer glides for now, as they stirred up your leg.",
        ),
        adherence=0.75,
        pain=(2, 5),
        red_days=(-9, -3),
    ),
    "owen": PlanStory(
        "tom",
        -42,
        (Rx("graded-walking", {"days_per_week": 5}), Rx("bird-dog"), Rx("cat-camel")),
        "Walk on 5 days a week and keep the back moving.",
        adherence=0.45,
        pain=(4, 4),
    ),
    "helen": PlanStory(
        "tess",
        -42,
        (Rx("sciatic-nerve-slider"), Rx("clamshell"), Rx("graded-walking", {"days_per_week": 5})),
        "Gentle and steady. Rest the gardening for a week or two.",
        revision=(
            -18,
            (Rx("sciatic-nerve-slider"), Rx("clamshell"), Rx("knee-to-chest")),
            "After your flare-up: the walking is paused, knee to chest added.",
        ),
        adherence=0.8,
        pain=(4, 2),
    ),
    "david": PlanStory(
        "tom",
        -38,
        (Rx("lumbar-extension-in-lying"), Rx("pelvic-tilt")),
        "Stop and call the clinic if anything changes in your legs or bladder.",
        adherence=0.7,
        pain=(4, 3),
        stop_logging=-3,
    ),
    "frank": PlanStory(
        "tom",
        -42,
        (
            Rx("knee-to-chest"),
            Rx("lower-trunk-rotation"),
            Rx("sit-to-stand"),
            Rx("graded-walking", {"days_per_week": 5}),
        ),
        "Sit down and rest when your legs get heavy on a walk.",
        adherence=0.6,
        pain=(4, 3),
    ),
    "sofia": PlanStory(
        "tess",
        -42,
        (Rx("slump-slider"), Rx("bridge"), Rx("hamstring-stretch")),
        "Log each dose so we can see how it goes.",
        adherence=0.85,
        pain=(4, 2),
        stop_logging=-21,
    ),
    "brian": PlanStory(
        "tom",
        -42,
        (
            Rx("ankle-pumps", {"times_per_day": 3}),
            Rx("sit-to-stand"),
            Rx("graded-walking", {"days_per_week": 5}),
        ),
        "Check your feet every day, as we discussed.",
        adherence=0.75,
        pain=(3, 2),
    ),
    "lena": PlanStory(
        "tess",
        -35,
        (
            Rx("chin-tuck"),
            Rx("median-nerve-glide", {"times_per_day": 2}),
            Rx("scapular-retraction"),
        ),
        "Keep your shoulder down during the nerve glide.",
        revision=(
            -12,
            (
                Rx("chin-tuck"),
                Rx("median-nerve-glide", {"times_per_day": 2, "reps": 12}),
                Rx("scapular-retraction"),
                Rx("upper-trapezius-stretch"),
            ),
            "Good progress. A side neck stretch added.",
        ),
        adherence=0.85,
        pain=(4, 1),
    ),
    "marco": PlanStory(
        "tom",
        -28,
        (
            Rx("ulnar-nerve-glide", {"times_per_day": 2}),
            Rx("wrist-flexor-stretch"),
            Rx("tendon-gliding"),
        ),
        "Do not lean on your elbow at work.",
        adherence=0.85,
        pain=(3, 2),
    ),
}


def _items(prescriptions: tuple[Rx, ...], library: Mapping[str, Exercise]) -> list[dict]:
    return [{"exercise": library[rx.slug], **rx.dosage} for rx in prescriptions]


def _at(patient: Patient, day, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=patient.zone)


def _difficulty(pain: int, rng: random.Random) -> str:
    if pain >= 6:
        return "hard"
    if pain >= 3:
        return rng.choice(("ok", "ok", "hard"))
    return rng.choice(("easy", "ok"))


def seed_exercise_plan(
    patient: Patient, story: PlanStory, staff: Mapping[str, User], key: str
) -> int:
    """Write one patient's plan versions and logs; returns the number of logs."""
    library = {e.slug: e for e in Exercise.objects.filter(clinic__isnull=True)}
    rng = random.Random(f"{DEMO_SEED}:exercises:{key}")
    therapist = staff[story.therapist]
    today = patient.local_day()
    versions = [(story.start, story.first, story.note)]
    if story.revision is not None:
        versions.append(story.revision)
    saved = []
    for offset, prescriptions, note in versions:
        day = today + timedelta(days=offset)
        saved.append(
            plan_version_save(
                patient,
                _items(prescriptions, library),
                start_date=day,
                end_date=None,
                note=note,
                actor=therapist,
                now=_at(patient, day, "09:00"),
            )
        )

    now = datetime.now(tz=patient.zone)
    last = story.stop_logging if story.stop_logging is not None else 1
    span = max(-story.start, 1)
    logs = 0
    for offset in range(story.start, last):
        day = today + timedelta(days=offset)
        version = [v for v in saved if v.start_date <= day][-1]
        progress = (offset - story.start) / span
        red_today = offset in story.red_days
        for position, plan_item in enumerate(version.items.select_related("exercise")):
            # Days a week below 7: the patient skips the rest at random.
            if rng.random() > plan_item.days_per_week / 7:
                continue
            for dose in range(plan_item.times_per_day):
                if rng.random() > story.adherence:
                    continue
                logged_at = _at(patient, day, DOSE_TIMES[dose % len(DOSE_TIMES)])
                if logged_at > now:
                    continue
                base = story.pain[0] + (story.pain[1] - story.pain[0]) * progress
                pain = max(0, min(5, round(base + rng.uniform(-1, 1))))
                if red_today and position == 0 and dose == 0:
                    pain = rng.choice((6, 7))
                dose_record(
                    patient,
                    plan_item=plan_item,
                    logged_at=logged_at,
                    sets_done=plan_item.sets,
                    pain_during=pain,
                    difficulty=_difficulty(pain, rng),
                    note="",
                    idempotency_key=f"demo-{key}-{plan_item.pk}-{day.isoformat()}-{dose}",
                    actor=patient.user,
                )
                logs += 1
    return logs


def seed_exercise_plans(patients: Mapping[str, Patient], staff: Mapping[str, User]) -> int:
    """Plans and logs for the demo patients given by story key (patients without a plan story,
    such as a brand-new patient, are left alone). Returns the number of logs written."""
    logs = 0
    for key, story in PLANS.items():
        if key in patients:
            # One transaction per patient: a thousand small commits would take a minute.
            with transaction.atomic():
                logs += seed_exercise_plan(patients[key], story, staff, key)
    return logs
