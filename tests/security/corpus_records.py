"""Bad-input cases of the record forms: symptom entries, exercise doses, the plan builder."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.urls import reverse

from .corpus import BINARY, FAR_FUTURE, HUGE, IMG, SCRIPT, SVG, add, today
from .world import (
    PATIENT,
    THERAPIST,
    World,
)

# --- Symptom entry: create, correct, delete ------------------------------------------------------


def entry_data(**overrides) -> Callable[[World], dict]:
    def build(world: World) -> dict:
        data = {
            "context": "daily",
            "pain_now": "3",
            "pain_worst": "4",
            "rest_relief": "not_tried",
            "weakness": "none",
            "is_flare": "no",
            "screening_none": "on",
            "idempotency_key": str(uuid.uuid4()),
        }
        data.update(overrides)
        return {name: value for name, value in data.items() if value is not None}

    return build


ENTRY_BAD = {
    "pain above 10": {"pain_now": "11", "pain_worst": "11"},
    "pain below 0": {"pain_now": "-1"},
    "pain not a number": {"pain_now": "abc"},
    "pain with a decimal": {"pain_now": "3.5"},
    "pain in exponent form": {"pain_now": "1e1"},
    "pain of 20 digits": {"pain_now": "9" * 20},
    "pain in other digits": {"pain_now": "\u0663"},
    "pain missing": {"pain_now": None},
    "pain as HTML": {"pain_now": SCRIPT},
    "worst pain below pain now": {"pain_now": "6", "pain_worst": "5"},
    "worst pain above 10": {"pain_worst": "12"},
    "two values for pain, one out of range": {"pain_now": ["3", "11"]},
    "unknown check-in": {"context": "sometimes"},
    "check-in as HTML": {"context": SCRIPT},
    "unknown descriptor": {"descriptors": ["tingling", "itchy_feet"]},
    "descriptor as HTML": {"descriptors": [IMG]},
    "unknown region": {"regions": ["tail"]},
    "unknown weakness": {"weakness": "very"},
    "unknown rest relief": {"rest_relief": "maybe"},
    "unknown flare answer": {"is_flare": "perhaps"},
    "unknown trigger": {"triggers": ["moon_phase"]},
    "unknown helped": {"helped": ["magic"]},
    "screening answer not yes or no": {"saddle_numbness": "banana"},
    "note over 2000 characters": {"notes": "x" * 2001},
    "note of 100,000 characters": {"notes": HUGE},
    "note with control characters and a NUL": {"notes": BINARY},
    "idempotency key not a UUID": {"idempotency_key": "not-a-uuid"},
    "idempotency key as HTML": {"idempotency_key": SVG},
}
for what, overrides in ENTRY_BAD.items():
    add(
        "entry create",
        what,
        PATIENT,
        lambda w: reverse("care:entry_create"),
        entry_data(**overrides),
    )
add(
    "entry create",
    "the same, asked by htmx",
    PATIENT,
    lambda w: reverse("care:entry_create"),
    entry_data(pain_now="11"),
    htmx=True,
)
for what, payload in {"note with a script": SCRIPT, "note with an img onerror": IMG}.items():
    add(
        "entry create",
        what,
        PATIENT,
        lambda w: reverse("care:entry_create"),
        entry_data(notes=payload),
        refused=False,
    )
add(
    "entry create",
    "body that is not UTF-8",
    PATIENT,
    lambda w: reverse("care:entry_create"),
    lambda w: b"pain_now=\xff\xfe&context=\xc3\x28&notes=\x80\x81",
    content_type="application/x-www-form-urlencoded",
)
add(
    "entry create",
    "check-in link with an unknown check-in",
    PATIENT,
    lambda w: reverse("care:entry_create") + "?context=" + SCRIPT,
    method="GET",
)


def entry_url(world: World) -> str:
    return reverse("care:entry_edit", args=[world.entry.pk])


for what, overrides in {
    "pain above 10": {"pain_now": "11"},
    "worst pain below pain now": {"pain_now": "7", "pain_worst": "2"},
    "note over 2000 characters": {"notes": "y" * 2001},
    "unknown check-in": {"context": "later"},
    "unknown region": {"regions": ["wing"]},
}.items():
    add("entry correct", what, PATIENT, entry_url, entry_data(idempotency_key=None, **overrides))
add(
    "entry correct",
    "note with a script",
    PATIENT,
    entry_url,
    entry_data(idempotency_key=None, notes=SCRIPT),
    refused=False,
)
add(
    "entry correct",
    "another patient's entry",
    PATIENT,
    lambda w: reverse("care:entry_edit", args=[w.other_patient_entry.pk]),
    entry_data(idempotency_key=None),
    status=(404,),
)
add(
    "entry delete",
    "another patient's entry, confirmed",
    PATIENT,
    lambda w: reverse("care:entry_delete", args=[w.other_patient_entry.pk]),
    lambda w: {"confirm": "yes"},
    status=(404,),
)
add(
    "entry delete",
    "confirmation as HTML",
    PATIENT,
    lambda w: reverse("care:entry_delete", args=[w.entry.pk]),
    lambda w: {"confirm": SCRIPT},
)
add(
    "diary",
    "filter date that does not exist",
    PATIENT,
    lambda w: reverse("care:diary") + "?until=2026-02-30&context=" + SCRIPT,
    method="GET",
)
add(
    "diary",
    "filter date far in the future",
    PATIENT,
    lambda w: reverse("care:diary") + f"?until={FAR_FUTURE}",
    method="GET",
)


# --- Exercise dose log ---------------------------------------------------------------------------


def dose_url(world: World) -> str:
    return reverse("care:dose_log", args=[world.plan_item.pk])


def dose_data(**overrides) -> Callable[[World], dict]:
    def build(world: World) -> dict:
        data = {
            "pain_during": "2",
            "difficulty": "ok",
            "sets_done": "2",
            "idempotency_key": uuid.uuid4().hex,
        }
        data.update(overrides)
        return {name: value for name, value in data.items() if value is not None}

    return build


for what, overrides in {
    "pain above 10": {"pain_during": "11"},
    "pain below 0": {"pain_during": "-1"},
    "pain not a number": {"pain_during": "lots"},
    "pain missing": {"pain_during": None},
    "unknown difficulty": {"difficulty": "brutal"},
    "difficulty as HTML": {"difficulty": SCRIPT},
    "more than 50 sets": {"sets_done": "51"},
    "negative sets": {"sets_done": "-1"},
    "sets not a number": {"sets_done": "two"},
    "sets of 30 digits": {"sets_done": "9" * 30},
    "note over 1000 characters": {"note": "n" * 1001},
    "note with control characters and a NUL": {"note": BINARY},
    "idempotency key missing": {"idempotency_key": None},
    "idempotency key over 64 characters": {"idempotency_key": "k" * 65},
}.items():
    add("dose log", what, PATIENT, dose_url, dose_data(**overrides))
add(
    "dose log", "the same, asked by htmx", PATIENT, dose_url, dose_data(pain_during="11"), htmx=True
)
add("dose log", "note with a script", PATIENT, dose_url, dose_data(note=SCRIPT), refused=False)
add(
    "dose log",
    "another patient's plan item",
    PATIENT,
    lambda w: reverse("care:dose_log", args=[w.other_patient_item.pk]),
    dose_data(),
    status=(404,),
)
add(
    "dose log",
    "a plan item that does not exist",
    PATIENT,
    lambda w: reverse("care:dose_log", args=[2**31]),
    dose_data(),
    status=(404,),
)
add(
    "today",
    "another patient's log in ?logged=",
    PATIENT,
    lambda w: reverse("care:today") + "?logged=" + str(w.other_patient_item.pk) + SCRIPT,
    method="GET",
)


# --- Plan builder --------------------------------------------------------------------------------


def plan_url(world: World) -> str:
    return reverse("exercises:plan_builder", args=[world.patient.pk])


def plan_data(rows: int = 1, exercise=None, **overrides) -> Callable[[World], dict]:
    def build(world: World) -> dict:
        data = {
            "action": "save",
            "start_date": today(world).isoformat(),
            "end_date": "",
            "note_to_patient": "",
            "items-TOTAL_FORMS": str(rows),
            "items-INITIAL_FORMS": "0",
        }
        chosen = exercise(world) if exercise else world.clinic_exercise.pk
        for index in range(rows):
            data.update(
                {
                    f"items-{index}-exercise": str(chosen),
                    f"items-{index}-sets": "2",
                    f"items-{index}-reps": "10",
                    f"items-{index}-hold_seconds": "0",
                    f"items-{index}-times_per_day": "1",
                    f"items-{index}-days_per_week": "7",
                    f"items-{index}-instructions": "",
                }
            )
        data.update(overrides)
        return data

    return build


for what, overrides in {
    "zero sets": {"items-0-sets": "0"},
    "21 sets": {"items-0-sets": "21"},
    "201 reps": {"items-0-reps": "201"},
    "hold over 600 seconds": {"items-0-hold_seconds": "601"},
    "zero times a day": {"items-0-times_per_day": "0"},
    "eight days a week": {"items-0-days_per_week": "8"},
    "sets not a number": {"items-0-sets": "two"},
    "instructions over 2000 characters": {"items-0-instructions": "i" * 2001},
    "start date that does not exist": {"start_date": "2026-02-30"},
    "start date as HTML": {"start_date": SCRIPT},
    "start date far in the future": {"start_date": FAR_FUTURE},
    "end date before the start": {"end_date": "2000-01-01"},
    "note over 2000 characters": {"note_to_patient": "p" * 2001},
    "a million rows claimed": {"items-TOTAL_FORMS": "1000000"},
    "row count not a number": {"items-TOTAL_FORMS": "many"},
    "unknown button": {"action": "add:" + SCRIPT},
}.items():
    add("plan builder", what, THERAPIST, plan_url, plan_data(**overrides))
add(
    "plan builder",
    "another clinic's exercise",
    THERAPIST,
    plan_url,
    plan_data(exercise=lambda w: w.other_clinic_exercise.pk),
)
add(
    "plan builder",
    "an exercise that does not exist",
    THERAPIST,
    plan_url,
    plan_data(exercise=lambda w: 2**31),
)
add("plan builder", "the same exercise twice", THERAPIST, plan_url, plan_data(rows=2))
add(
    "plan builder",
    "adding another clinic's exercise",
    THERAPIST,
    plan_url,
    lambda w: {**plan_data()(w), "action": f"add:{w.other_clinic_exercise.pk}"},
)
add(
    "plan builder",
    "instructions with a script",
    THERAPIST,
    plan_url,
    plan_data(**{"items-0-instructions": SCRIPT, "note_to_patient": IMG}),
    refused=False,
)
add(
    "plan builder",
    "another therapist's patient",
    THERAPIST,
    lambda w: reverse("exercises:plan_builder", args=[w.other_patient.pk]),
    plan_data(),
    status=(404,),
)
