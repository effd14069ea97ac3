"""A synthetic clinic for `make bench`: one therapist with many patients, a year of entries
each, weekly sessions, a home exercise plan with logs, flare-ups and alerts. Invented data only.

Rows go in with ``bulk_create`` (a year for 500 patients through the services would take an
hour); the per-day summaries and flare-ups are derived from the generated entries so they agree
with them, as the save path would keep them. A fixed seed makes every run build the same clinic,
relative to the day it runs.
"""

from __future__ import annotations

import json
import random
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Clinic, Patient, User
from exercises.models import Exercise, ExerciseLog, Plan, PlanItem, PlanVersion
from redflags.engine.params import RuleParams
from redflags.models import Alert, AlertState, FlareEpisode, RuleSetVersion, TriageAction
from symptoms.models import DailySummary, Intake, PTSession, SymptomEntry

SEED = 20261127
ZONE_NAME = "Europe/London"
CHUNK = 25

INTERVENTIONS = [
    "manual_therapy",
    "nerve_mobilisation",
    "exercise_progression",
    "education",
    "modalities",
    "dry_needling",
]
DESCRIPTORS = ["burning", "tingling", "pins_and_needles", "numbness", "aching", "shooting"]
REGIONS = ["lower_back", "left_buttock", "left_thigh", "left_lower_leg", "left_foot", "right_thigh"]
TRIGGERS = ["sitting", "lifting", "driving", "exercise", "housework", "sleep_position"]
FIRST_NAMES = ["Alex", "Sam", "Jo", "Robin", "Kim", "Lee", "Pat", "Chris", "Dana", "Jamie"]
LAST_NAMES = ["Rivers", "Stone", "Hill", "Brook", "Field", "Wood", "Lake", "Dale", "Marsh", "Ford"]


@dataclass(frozen=True)
class BenchClinic:
    clinic: Clinic
    therapist: User
    small_therapist: User
    admin: User
    patient_ids: list[int]


def _at(day: date, hour: int, minute: int, zone) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _clip(value: float) -> int:
    return max(0, min(10, round(value)))


@dataclass
class _PatientPlan:
    """What one synthetic patient's year looks like, before rows are made."""

    baseline: int
    flare_days: dict[date, int]  # extra pain on flare days
    flare_starts: list[date]


def _flare_plan(rng: random.Random, first: date, today: date) -> dict[date, int]:
    """Flare-ups roughly every six to ten weeks, three to six days long."""
    days: dict[date, int] = {}
    day = first + timedelta(days=rng.randint(20, 60))
    while day < today:
        length = rng.randint(3, 6)
        for offset in range(length):
            days[day + timedelta(days=offset)] = rng.randint(3, 4)
        day += timedelta(days=rng.randint(42, 70))
    return days


def build_clinic(
    *, patients: int = 500, days: int = 365, small: int = 10, seed: int = SEED
) -> BenchClinic:
    """Write the synthetic clinic into the (empty) database and return its people."""
    rng = random.Random(seed)
    zone = zoneinfo.ZoneInfo(ZONE_NAME)
    now = timezone.now()
    today = timezone.localtime(now, zone).date()
    first = today - timedelta(days=days - 1)
    unusable = make_password(None)

    clinic = Clinic.objects.create(name="Bench Physio", time_zone=ZONE_NAME)
    rule_set = RuleSetVersion.objects.create(clinic=clinic, number=1, params=RuleParams().to_dict())
    staff = User.objects.bulk_create(
        [
            User(
                email="bench-therapist@example.test",
                full_name="Bea Bench",
                role="therapist",
                clinic=clinic,
                password=unusable,
            ),
            User(
                email="bench-small@example.test",
                full_name="Sol Small",
                role="therapist",
                clinic=clinic,
                password=unusable,
            ),
            User(
                email="bench-admin@example.test",
                full_name="Ari Admin",
                role="clinic_admin",
                clinic=clinic,
                password=unusable,
            ),
        ]
    )
    therapist, small_therapist, admin = staff
    exercises = Exercise.objects.bulk_create(
        [
            Exercise(
                clinic=clinic,
                name=f"Bench exercise {n}",
                slug=f"bench-exercise-{n}",
                body_area="lower_back",
            )
            for n in range(1, 5)
        ]
    )

    users = User.objects.bulk_create(
        [
            User(
                email=f"bench-patient-{n}@example.test",
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n:03d}",
                role="patient",
                clinic=clinic,
                password=unusable,
            )
            for n in range(patients)
        ]
    )
    created_at = _at(first - timedelta(days=7), 9, 0, zone)
    patient_rows = Patient.objects.bulk_create(
        [Patient(user=user, clinic=clinic, created_at=created_at) for user in users]
    )
    through = Patient.therapists.through
    through.objects.bulk_create(
        [through(patient_id=p.pk, user_id=therapist.pk) for p in patient_rows]
        + [through(patient_id=p.pk, user_id=small_therapist.pk) for p in patient_rows[:small]]
    )
    baselines = {p.pk: rng.randint(2, 5) for p in patient_rows}
    Intake.objects.bulk_create(
        [
            Intake(
                patient=p,
                conditions="L5 radiculopathy (synthetic)",
                baseline_pain=baselines[p.pk],
                baseline_regions=["lower_back", "left_buttock"],
            )
            for p in patient_rows
        ]
    )

    for offset in range(0, len(patient_rows), CHUNK):
        chunk = patient_rows[offset : offset + CHUNK]
        with transaction.atomic():
            _build_chunk(
                chunk, rng, zone, first, today, baselines, exercises, rule_set, therapist, now
            )
    return BenchClinic(clinic, therapist, small_therapist, admin, [p.pk for p in patient_rows])


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """A plain multi-row INSERT: model instances and Django's per-value preparation cost more
    than the database for a few hundred thousand rows. Values must already be database-ready."""
    if not rows:
        return
    names = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES ({marks})', rows)


def _json(values) -> str:
    # As ChoiceSetField stores a set: sorted, without repeats.
    return json.dumps(sorted(set(values)))


ENTRY_COLUMNS = [
    "patient_id",
    "recorded_at",
    "day",
    "context",
    "session_id",
    "pain_now",
    "pain_worst",
    "descriptors",
    "regions",
    "rest_relief",
    "weakness",
    "foot_drop",
    "nerve_symptoms_limit_activities",
    "bladder_bowel_change",
    "saddle_numbness",
    "sexual_dysfunction_new",
    "fever_or_unwell",
    "unexplained_weight_loss",
    "night_pain_unrelieved",
    "is_flare",
    "triggers",
    "helped",
    "sleep_disturbed",
    "notes",
    "created_at",
    "via_link",
    "idempotency_key",
]


def _entry_row(patient_id: int, day: date, spec: tuple, rng: random.Random, zone) -> tuple:
    context, hour, pain_now, pain_worst, session_id, is_flare, triggers = spec
    pain_now = _clip(pain_now)
    pain_worst = max(pain_now, _clip(pain_worst))
    at = connection.ops.adapt_datetimefield_value(_at(day, hour, rng.randint(0, 59), zone))
    return (
        patient_id,
        at,
        day.isoformat(),
        context,
        session_id,
        pain_now,
        pain_worst,
        _json(rng.sample(DESCRIPTORS, rng.randint(1, 3))),
        _json(rng.sample(REGIONS, rng.randint(1, 2))),
        "not_tried",
        "none",
        False,
        False,
        False,
        False,
        False,
        False,
        False,
        False,
        is_flare,
        _json(triggers),
        "[]",
        False,
        "",
        at,
        False,
        "",
    )


def _build_chunk(chunk, rng, zone, first, today, baselines, exercises, rule_set, therapist, now):
    dt = connection.ops.adapt_datetimefield_value
    # Sessions: weekly, from a random weekday in the first week, plus one booked ahead. Ids are
    # given here (this is the only writer) so entries can link to them without reading back.
    next_id = (PTSession.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    session_rows = []
    sessions_by_patient: dict[int, dict[date, tuple[int, list[str]]]] = defaultdict(dict)
    for patient in chunk:
        day = first + timedelta(days=rng.randint(0, 6))
        while day <= today + timedelta(days=7):
            interventions = rng.sample(INTERVENTIONS, rng.randint(1, 3))
            session_rows.append(
                (
                    next_id,
                    patient.pk,
                    day.isoformat(),
                    "treatment",
                    _json(interventions),
                    "",
                    therapist.pk,
                    dt(now),
                )
            )
            sessions_by_patient[patient.pk][day] = (next_id, interventions)
            next_id += 1
            day += timedelta(days=7)
    _insert(
        PTSession,
        [
            "id",
            "patient_id",
            "date",
            "kind",
            "interventions",
            "notes",
            "created_by_id",
            "created_at",
        ],
        session_rows,
    )

    now_hour = timezone.localtime(now, zone).hour
    entry_rows: list[tuple] = []
    summary_rows: list[tuple] = []
    flares: list[FlareEpisode] = []
    for patient in chunk:
        baseline = baselines[patient.pk]
        flare_days = _flare_plan(rng, first, today)
        patient_sessions = sessions_by_patient[patient.pk]
        day_pains: dict[date, int] = {}
        day = first
        while day <= today:
            flare_extra = flare_days.get(day, 0)
            level = baseline + rng.choice([-1, 0, 0, 0, 1]) + flare_extra
            session = patient_sessions.get(day)
            yesterday_session = patient_sessions.get(day - timedelta(days=1))
            flare_start = bool(flare_extra) and (day - timedelta(days=1)) not in flare_days
            made = []
            if session:
                made.append(("before_session", 9, level, level, session[0], "no", ()))
                made.append(
                    ("after_session", 13, level, level + rng.randint(0, 3), session[0], "no", ())
                )
            if yesterday_session and rng.random() < 0.8:
                made.append(
                    (
                        "next_morning",
                        8,
                        level + rng.randint(-1, 1),
                        level,
                        yesterday_session[0],
                        "no",
                        (),
                    )
                )
            if rng.random() < 0.9 or flare_extra:
                made.append(
                    (
                        "flare" if flare_extra else "daily",
                        20,
                        level - rng.randint(0, 1),
                        level,
                        None,
                        "yes" if flare_start else ("unsure" if flare_extra else "no"),
                        rng.sample(TRIGGERS, rng.randint(1, 2)) if flare_extra else (),
                    )
                )
            if day == today:
                # Nothing from later today: entries are never in the future.
                made = [spec for spec in made if spec[1] < now_hour]
            rows = [_entry_row(patient.pk, day, spec, rng, zone) for spec in made]
            entry_rows.extend(rows)
            count = len(rows)
            worst = max((row[6] for row in rows), default=None)
            flare_yes = any(row[19] == "yes" for row in rows)
            if count:
                summary_rows.append((patient.pk, day.isoformat(), worst, flare_yes, count))
                day_pains[day] = worst
            day += timedelta(days=1)
        flares.extend(_flares(patient, flare_days, day_pains, baseline, patient_sessions, today))

    _insert(SymptomEntry, ENTRY_COLUMNS, entry_rows)
    _insert(
        DailySummary, ["patient_id", "day", "daily_pain", "flare_yes", "entry_count"], summary_rows
    )
    FlareEpisode.objects.bulk_create(flares)
    _plans_and_logs(chunk, rng, zone, today, exercises, therapist)
    _alerts(chunk, rng, today, rule_set, therapist, now)


def _flares(patient, flare_days, day_pains, baseline, sessions, today) -> list[FlareEpisode]:
    """One episode per planned flare: it starts on its first day (self-reported) and ends on the
    first later logged day back near the baseline."""
    result = []
    starts = sorted(d for d in flare_days if d - timedelta(days=1) not in flare_days)
    for start in starts:
        end = None
        peak = 0
        day = start
        while day <= today:
            pain = day_pains.get(day)
            if day != start and day not in flare_days and pain is not None and pain <= baseline + 1:
                end = day
                break
            if pain is not None:
                peak = max(peak, pain)
            day += timedelta(days=1)
        linked = None
        for back in range(0, 3):
            if start - timedelta(days=back) in sessions:
                linked = sessions[start - timedelta(days=back)][0]
                break
        result.append(
            FlareEpisode(
                patient=patient,
                start=start,
                end=end,
                baseline_at_start=Decimal(baseline),
                peak=peak,
                self_reported=True,
                session_id=linked,
                detected_on=start,
                triggers=[],
            )
        )
    return result


def _plans_and_logs(chunk, rng, zone, today, exercises, therapist) -> None:
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
                        at = dt(_at(day, 10 + 6 * dose, 0, zone))
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
    _insert(
        ExerciseLog,
        [
            "patient_id",
            "exercise_id",
            "plan_item_id",
            "logged_at",
            "day",
            "sets_done",
            "pain_during",
            "difficulty",
            "note",
            "idempotency_key",
            "created_at",
        ],
        rows,
    )


def _alerts(chunk, rng, today, rule_set, therapist, now) -> None:
    """A resolved alert or two per patient, with their triage, and some still open."""
    alerts = []
    for patient in chunk:
        for rule, severity in (("R9", "review"), ("R13", "low")):
            opened = now - timedelta(days=rng.randint(3, 300), hours=rng.randint(0, 23))
            acknowledged = opened + timedelta(hours=rng.uniform(0.2, 30))
            alerts.append(
                Alert(
                    patient=patient,
                    rule=rule,
                    severity=severity,
                    initial_severity=severity,
                    state=AlertState.RESOLVED,
                    rule_set_version=rule_set,
                    opened_at=opened,
                    opened_day=opened.date(),
                    reason="Synthetic alert for the benchmark.",
                    acknowledged_at=acknowledged,
                    resolved_at=acknowledged + timedelta(hours=2),
                )
            )
        draw = rng.random()
        open_rule = None
        if draw < 0.02:
            open_rule = ("R1", "emergency")
        elif draw < 0.08:
            open_rule = ("R7", "urgent")
        elif draw < 0.2:
            open_rule = ("R8", "review")
        elif draw < 0.25:
            open_rule = ("R13", "low")
        if open_rule:
            opened = now - timedelta(hours=rng.randint(1, 200))
            alerts.append(
                Alert(
                    patient=patient,
                    rule=open_rule[0],
                    severity=open_rule[1],
                    initial_severity=open_rule[1],
                    state=AlertState.OPEN,
                    rule_set_version=rule_set,
                    opened_at=opened,
                    opened_day=opened.date(),
                    reason="Synthetic open alert for the benchmark.",
                )
            )
    alerts = Alert.objects.bulk_create(alerts)
    actions = []
    for alert in alerts:
        if alert.acknowledged_at:
            actions.append(
                TriageAction(
                    alert=alert,
                    kind="acknowledge",
                    actor=therapist,
                    created_at=alert.acknowledged_at,
                )
            )
        if alert.resolved_at:
            actions.append(
                TriageAction(
                    alert=alert,
                    kind="resolve",
                    actor=therapist,
                    note="Settled.",
                    created_at=alert.resolved_at,
                )
            )
    TriageAction.objects.bulk_create(actions)
