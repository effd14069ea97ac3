"""A year of symptoms for a chunk of the benchmark's patients: weekly sessions, the entries of
each day (evening check-in, before and after sessions, next morning, flare-ups), their per-day
summaries as the save path keeps them, and the flare-up episodes they make."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from core.model_fields import model_field
from redflags.models import FlareEpisode
from symptoms.field_lists import ENTRY_FIELDS, SESSION_FIELDS
from symptoms.fields import ChoiceSetField
from symptoms.models import DailySummary, PTSession, SymptomEntry

from .rows import clip_pain, insert, json_set, local_time

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

#: A patient's sessions: their day -> (session id, interventions).
Sessions = dict[date, tuple[int, list[str]]]


def build_history(chunk, rng, zone, first, today, baselines, therapist, now) -> None:
    """Sessions of the whole chunk, then each patient's year of entries, summaries and
    flare-ups (in that order: the seed gives every run the same clinic)."""
    sessions_by_patient = _sessions(chunk, rng, first, today, therapist, now)
    now_hour = timezone.localtime(now, zone).hour
    entry_rows: list[tuple] = []
    summary_rows: list[tuple] = []
    flares: list[FlareEpisode] = []
    for patient in chunk:
        entries, summaries, episodes = _patient_year(
            patient,
            rng,
            zone,
            first,
            today,
            baselines[patient.pk],
            sessions_by_patient[patient.pk],
            now_hour,
        )
        entry_rows.extend(entries)
        summary_rows.extend(summaries)
        flares.extend(episodes)
    insert(SymptomEntry, ENTRY_COLUMNS, entry_rows)
    insert(
        DailySummary, ["patient_id", "day", "daily_pain", "flare_yes", "entry_count"], summary_rows
    )
    FlareEpisode.objects.bulk_create(flares)


def _sessions(chunk, rng, first, today, therapist, now) -> dict[int, Sessions]:
    """Weekly, from a random weekday in the first week, plus one booked ahead. Ids are given
    here (this is the only writer) so entries can link to them without reading back."""
    dt = connection.ops.adapt_datetimefield_value
    next_id = (PTSession.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    session_rows = []
    sessions_by_patient: dict[int, Sessions] = defaultdict(dict)
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
                    json_set(interventions),
                    "",
                    therapist.pk,
                    dt(now),
                )
            )
            sessions_by_patient[patient.pk][day] = (next_id, interventions)
            next_id += 1
            day += timedelta(days=7)
    insert(
        PTSession,
        ["id", "patient_id", *SESSION_FIELDS, "created_by_id", "created_at"],
        session_rows,
    )
    return sessions_by_patient


def _patient_year(patient, rng, zone, first, today, baseline, sessions, now_hour):
    """One patient's entry rows, summary rows and flare-up episodes from ``first`` to today."""
    flare_days = _flare_plan(rng, first, today)
    entry_rows: list[tuple] = []
    summary_rows: list[tuple] = []
    day_pains: dict[date, int] = {}
    day = first
    while day <= today:
        made = _day_entries(day, rng, baseline, flare_days, sessions)
        if day == today:
            # Nothing from later today: entries are never in the future.
            made = [spec for spec in made if spec[1] < now_hour]
        rows = [_entry_row(patient.pk, day, spec, rng, zone) for spec in made]
        entry_rows.extend(rows)
        count = len(rows)
        if count:
            worst = max(row[6] for row in rows)
            flare_yes = any(row[19] == "yes" for row in rows)
            summary_rows.append((patient.pk, day.isoformat(), worst, flare_yes, count))
            day_pains[day] = worst
        day += timedelta(days=1)
    flares = _flares(patient, flare_days, day_pains, baseline, sessions, today)
    return entry_rows, summary_rows, flares


def _day_entries(day, rng, baseline, flare_days, sessions) -> list[tuple]:
    """What one day's entries say, as (context, hour, pain now, pain worst, session id, is_flare,
    triggers): before and after a session, the morning after one, and an evening check-in on
    most days (always during a flare-up)."""
    flare_extra = flare_days.get(day, 0)
    level = baseline + rng.choice([-1, 0, 0, 0, 1]) + flare_extra
    session = sessions.get(day)
    yesterday_session = sessions.get(day - timedelta(days=1))
    flare_start = bool(flare_extra) and (day - timedelta(days=1)) not in flare_days
    made = []
    if session:
        made.append(("before_session", 9, level, level, session[0], "no", ()))
        made.append(("after_session", 13, level, level + rng.randint(0, 3), session[0], "no", ()))
    if yesterday_session and rng.random() < 0.8:
        made.append(
            ("next_morning", 8, level + rng.randint(-1, 1), level, yesterday_session[0], "no", ())
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
    return made


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


#: Who, when and which session; the entry's answers (the data dictionary's); how it was saved.
ENTRY_COLUMNS = [
    "patient_id",
    "recorded_at",
    "day",
    "session_id",
    *ENTRY_FIELDS,
    "created_at",
    "via_link",
    "idempotency_key",
]


def _stored_default(name: str):
    field = model_field(SymptomEntry, name)
    default = field.get_default()
    if isinstance(field, ChoiceSetField):
        return json_set(default)
    # A choice's default is a TextChoices member: the database driver takes its plain text.
    return str(default) if isinstance(default, str) else default


#: The answers a benchmark entry leaves at the model's defaults, as the database stores them.
ENTRY_DEFAULTS = {name: _stored_default(name) for name in ENTRY_FIELDS}


def _entry_row(patient_id: int, day: date, spec: tuple, rng: random.Random, zone) -> tuple:
    context, hour, pain_now, pain_worst, session_id, is_flare, triggers = spec
    pain_now = clip_pain(pain_now)
    at = connection.ops.adapt_datetimefield_value(local_time(day, hour, rng.randint(0, 59), zone))
    values = {
        **ENTRY_DEFAULTS,
        "patient_id": patient_id,
        "recorded_at": at,
        "day": day.isoformat(),
        "session_id": session_id,
        "context": context,
        "pain_now": pain_now,
        "pain_worst": max(pain_now, clip_pain(pain_worst)),
        "descriptors": json_set(rng.sample(DESCRIPTORS, rng.randint(1, 3))),
        "regions": json_set(rng.sample(REGIONS, rng.randint(1, 2))),
        "is_flare": is_flare,
        "triggers": json_set(triggers),
        "created_at": at,
        "via_link": False,
        "idempotency_key": "",
    }
    return tuple(values[name] for name in ENTRY_COLUMNS)


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
