"""Bad-input cases of the clinician and clinic-admin forms: the exercise library, sessions and
intake, adding patients and therapists, clinic settings, triage, the rule set, case replay."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from redflags.explain import PARAMS
from redflags.forms import RuleSetForm
from redflags.rule_sets import current_rule_set

from .corpus import BINARY, FAR_FUTURE, HUGE, IMG, SCRIPT, SVG, add, today
from .world import (
    CLINIC_ADMIN,
    OTHER_CLINIC_ADMIN,
    THERAPIST,
    World,
)

# --- Exercise library ----------------------------------------------------------------------------


def exercise_data(**overrides) -> Callable[[World], dict]:
    def build(world: World) -> dict:
        data = {
            "name": "Seated slump",
            "body_area": "leg",
            "movement": "Straighten the knee slowly.",
            "video_url": "",
            "default_sets": "2",
            "default_reps": "10",
            "default_hold_seconds": "0",
            "default_times_per_day": "1",
            "default_days_per_week": "7",
        }
        data.update(overrides)
        return data

    return build


for what, overrides in {
    "no name": {"name": ""},
    "name over 120 characters": {"name": "n" * 121},
    "unknown body area": {"body_area": "tail"},
    "zero sets": {"default_sets": "0"},
    "eight days a week": {"default_days_per_week": "8"},
    "reps not a number": {"default_reps": "many"},
    "javascript: video link": {"video_url": "javascript:alert(1)"},
    "movement with control characters and a NUL": {"movement": BINARY},
}.items():
    add(
        "exercise create",
        what,
        THERAPIST,
        lambda w: reverse("exercises:exercise_new"),
        exercise_data(**overrides),
    )
add(
    "exercise create",
    "name and movement with HTML",
    THERAPIST,
    lambda w: reverse("exercises:exercise_new"),
    exercise_data(name=SCRIPT, movement=IMG),
    refused=False,
)
add(
    "exercise edit",
    "a shared library exercise",
    THERAPIST,
    lambda w: reverse("exercises:exercise_edit", args=[w.library_exercise.pk]),
    exercise_data(),
    status=(404,),
)
add(
    "exercise edit",
    "another clinic's exercise",
    THERAPIST,
    lambda w: reverse("exercises:exercise_edit", args=[w.other_clinic_exercise.pk]),
    exercise_data(),
    status=(404,),
)
add(
    "exercise create",
    "copy of another clinic's exercise",
    THERAPIST,
    lambda w: reverse("exercises:exercise_new") + f"?copy={w.other_clinic_exercise.pk}",
    method="GET",
    status=(404,),
)
add(
    "library",
    "a 5,000-character search with HTML and an unknown body area",
    THERAPIST,
    lambda w: reverse("exercises:library") + "?q=" + SCRIPT + "x" * 5000 + "&body_area=tail",
    method="GET",
)


# --- Sessions and intake -------------------------------------------------------------------------


def session_data(**overrides) -> Callable[[World], dict]:
    def build(world: World) -> dict:
        data = {"date": today(world).isoformat(), "kind": "treatment", "notes": ""}
        data.update(overrides)
        return data

    return build


def session_create_url(world: World) -> str:
    return reverse("symptoms:session_create", args=[world.patient.pk])


for what, overrides in {
    "date that does not exist": {"date": "2026-13-45"},
    "date of zeros": {"date": "0000-00-00"},
    "date far in the future": {"date": FAR_FUTURE},
    "date a century ago": {"date": "1900-01-01"},
    "date as HTML": {"date": SCRIPT},
    "unknown kind": {"kind": "massage"},
    "unknown intervention": {"interventions": ["magic"]},
    "notes over 4000 characters": {"notes": "s" * 4001},
    "notes with control characters and a NUL": {"notes": BINARY},
}.items():
    add("session create", what, THERAPIST, session_create_url, session_data(**overrides))
add(
    "session create",
    "notes with a script",
    THERAPIST,
    session_create_url,
    session_data(notes=SCRIPT),
    refused=False,
)
add(
    "session create",
    "another therapist's patient",
    THERAPIST,
    lambda w: reverse("symptoms:session_create", args=[w.other_patient.pk]),
    session_data(),
    status=(404,),
)


def session_edit_url(world: World) -> str:
    return reverse("symptoms:session_edit", args=[world.session.pk])


for what, overrides in {
    "unknown kind": {"kind": "spa_day"},
    "date far in the future": {"date": FAR_FUTURE},
    "unknown intervention": {"interventions": [SCRIPT]},
}.items():
    add("session edit", what, THERAPIST, session_edit_url, session_data(**overrides))
add(
    "session edit",
    "another therapist's session",
    THERAPIST,
    lambda w: reverse("symptoms:session_edit", args=[w.other_patient_session.pk]),
    session_data(),
    status=(404,),
)


def intake_url(world: World) -> str:
    return reverse("symptoms:intake_edit", args=[world.patient.pk])


def intake_data(**overrides) -> Callable[[World], dict]:
    def build(world: World) -> dict:
        return {"conditions": "L5", "baseline_pain": "3", **overrides}

    return build


for what, overrides in {
    "baseline pain above 10": {"baseline_pain": "11"},
    "baseline pain below 0": {"baseline_pain": "-1"},
    "baseline pain not a number": {"baseline_pain": "high"},
    "unknown region": {"baseline_regions": ["tail"]},
    "diagnosis over 2000 characters": {"conditions": "c" * 2001},
}.items():
    add("intake edit", what, THERAPIST, intake_url, intake_data(**overrides))
add(
    "intake edit",
    "diagnosis with a script",
    THERAPIST,
    intake_url,
    intake_data(conditions=SCRIPT),
    refused=False,
)
# --- Adding people, clinic settings --------------------------------------------------------------


def patient_add_data(overrides=None) -> Callable[[World], dict]:
    def build(world: World) -> dict:
        data = {
            "full_name": "Nina Newcombe",
            "email": "nina@example.test",
            "time_zone": "",
            "baseline_pain": "4",
            "therapists": [str(world.users[THERAPIST].pk)],
        }
        data.update(overrides(world) if callable(overrides) else overrides or {})
        return data

    return build


PATIENT_ADD = lambda w: reverse("care:patient_add")  # noqa: E731
for what, overrides in {
    "email that is not an email": {"email": "not-an-email"},
    "email with a header break": {"email": "nina@example.test\r\nBcc: x@example.test"},
    "email already in use": lambda w: {"email": w.users[THERAPIST].email},
    "unknown time zone": {"time_zone": "Mars/Olympus_Mons"},
    "baseline pain above 10": {"baseline_pain": "12"},
    "name over 150 characters": {"full_name": "n" * 151},
    "no name": {"full_name": "   "},
    "another clinic's admin as therapist": lambda w: {
        "therapists": [str(w.users[OTHER_CLINIC_ADMIN].pk)]
    },
    "therapist id as HTML": {"therapists": [SCRIPT]},
}.items():
    add("patient add", what, CLINIC_ADMIN, PATIENT_ADD, patient_add_data(overrides))
add(
    "patient add",
    "name with a script",
    THERAPIST,
    PATIENT_ADD,
    patient_add_data({"full_name": SCRIPT, "email": "script@example.test"}),
    refused=False,
)
add(
    "therapist add",
    "email that is not an email",
    CLINIC_ADMIN,
    lambda w: reverse("accounts:therapist_add"),
    lambda w: {"full_name": IMG, "email": "x@"},
)

CLINIC_SETTINGS = lambda w: reverse("accounts:clinic_settings")  # noqa: E731
for what, overrides in {
    "unknown time zone": {"time_zone": "Europe/Atlantis"},
    "emergency number with HTML": {"emergency_number": SCRIPT},
    "retention of 0 years": {"retention_years": "0"},
    "retention of 10,000 years": {"retention_years": "10000"},
    "no clinic name": {"name": ""},
}.items():
    add(
        "clinic settings",
        what,
        CLINIC_ADMIN,
        CLINIC_SETTINGS,
        lambda w, o=overrides: {
            "name": "Riverside Physio",
            "time_zone": "Europe/London",
            "emergency_number": "999",
            "retention_years": "8",
            **o,
        },
    )


# --- Triage, rule set, replay --------------------------------------------------------------------


def triage_url(action: str) -> Callable[[World], str]:
    return lambda w: reverse(f"redflags:{action}", args=[w.alert.pk])


add(
    "triage",
    "unknown contact method",
    THERAPIST,
    triage_url("contact"),
    lambda w: {"contact-method": "pigeon"},
)
add(
    "triage",
    "contact method as HTML",
    THERAPIST,
    triage_url("contact"),
    lambda w: {"contact-method": SCRIPT, "contact-note": "x"},
)
add(
    "triage",
    "resolve without a note",
    THERAPIST,
    triage_url("resolve"),
    lambda w: {"resolve-note": "  "},
)
add(
    "triage",
    "resolve note of 100,000 characters",
    THERAPIST,
    triage_url("resolve"),
    lambda w: {"resolve-note": HUGE},
)
add(
    "triage",
    "acknowledge note with control characters",
    THERAPIST,
    triage_url("acknowledge"),
    lambda w: {"ack-note": BINARY},
)
add(
    "triage",
    "acknowledge note with a script",
    THERAPIST,
    triage_url("acknowledge"),
    lambda w: {"ack-note": SCRIPT},
    refused=False,
)
add(
    "triage",
    "another therapist's alert",
    THERAPIST,
    lambda w: reverse("redflags:acknowledge", args=[w.other_patient_alert.pk]),
    lambda w: {"ack-note": "x"},
    status=(404,),
)
add(
    "inbox",
    "filters that are not choices",
    THERAPIST,
    lambda w: (
        reverse("redflags:inbox") + f"?severity={SCRIPT}&state=x&rule=R99&therapist=abc&page=-1"
    ),
    method="GET",
)
add(
    "caseload",
    "filters that are not choices and another clinic's therapist",
    CLINIC_ADMIN,
    lambda w: (
        reverse("dashboard:caseload") + f"?show={SCRIPT}&page=abc"
        f"&therapist={w.users[OTHER_CLINIC_ADMIN].pk}&q=" + IMG
    ),
    method="GET",
)
add(
    "patient overview",
    "range that is not a choice",
    THERAPIST,
    lambda w: reverse("dashboard:patient_overview", args=[w.patient.pk]) + "?range=" + SCRIPT,
    method="GET",
)


def rule_set_data(**overrides) -> Callable[[World], dict]:
    def build(world: World) -> dict:
        form = RuleSetForm(params=current_rule_set(world.clinic).rule_params())
        data = {}
        for name, field_ in form.fields.items():
            value = form.get_initial_for_field(field_, name)
            if isinstance(value, bool):
                if value:
                    data[name] = "on"
            elif value is not None:
                data[name] = str(value)
        for name, value in overrides.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        return data

    return build


INTEGER_PARAM = next(name for name, info in PARAMS.items() if not info.is_fraction)
FRACTION_PARAM = next(name for name, info in PARAMS.items() if info.is_fraction)
RULE_SET = lambda w: reverse("redflags:rule_set")  # noqa: E731
for what, overrides in {
    "threshold below its minimum": {INTEGER_PARAM: "-5"},
    "threshold of 30 digits": {INTEGER_PARAM: "9" * 30},
    "threshold not a number": {INTEGER_PARAM: SCRIPT},
    "share divided by zero": {FRACTION_PARAM: "2/0"},
    "share above 100%": {FRACTION_PARAM: "150"},
    "share below 0%": {FRACTION_PARAM: "-5"},
    "baseline days above the baseline window": {
        "baseline_min_days": "60",
        "baseline_window_days": "7",
    },
    "note over 500 characters": {"note": "r" * 501},
    "safety rule switched off (and a threshold out of range)": {
        "enable_R1": None,
        INTEGER_PARAM: "-1",
    },
}.items():
    add("rule set", what, CLINIC_ADMIN, RULE_SET, rule_set_data(**overrides))

REPLAY = lambda w: reverse("care:replay")  # noqa: E731


def upload(content: bytes, name: str = "case.json") -> Callable[[World], dict]:
    return lambda w: {"case_file": SimpleUploadedFile(name, content, "application/json")}


for what, content in {
    "a binary file": bytes(range(256)) * 4,
    "text that is not JSON": b"{not json",
    "a JSON list": b"[1, 2, 3]",
    "a file over 1 MB": b"{" + b" " * (1024 * 1024) + b"}",
    "JSON with HTML everywhere": json.dumps(
        {"name": SCRIPT, "entries": [{"pain_now": IMG, "notes": SVG}]}
    ).encode(),
    "JSON nested 10,000 deep": b"[" * 10_000 + b"]" * 10_000,
}.items():
    add("replay upload", what, CLINIC_ADMIN, REPLAY, upload(content))
add("replay upload", "no file", CLINIC_ADMIN, REPLAY)
