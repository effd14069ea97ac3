"""The bad-input corpus: every form and endpoint that takes input, fed what it should refuse.

Each case is one request by a role that may use the form (so the input, not the access check, is
under test; other people's ids are the exception). For every case:

- no response is a 500 (redirects are followed, so the page after a save counts too);
- nothing invalid is stored: a case marked `refused` must change no row of the watched tables,
  and a case whose input is acceptable as text (HTML in a note) may store rows only if each
  passes the model's own validation (`full_clean`);
- no payload comes back unescaped: no `<script>`, `<img onerror>`, `<svg onload>` or
  `href="javascript:` from the input appears in any response body.

Missing CSRF tokens are refused with 403 on every POST form, with nothing written.

The figures (cases, 500s, invalid rows, unescaped reflections) are printed at the end of the
run (tests/security/conftest.py) and recorded in docs/security.md, "Matrix and corpus".
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Clinic, Invitation, Patient, User
from exercises.models import Exercise, ExerciseLog, Plan, PlanItem, PlanVersion
from redflags.explain import PARAMS
from redflags.forms import RuleSetForm
from redflags.models import Alert, RuleSetVersion, TriageAction
from redflags.rule_sets import current_rule_set
from reminders.forms import ReminderPreferenceForm
from reminders.models import QuickLogToken, ReminderPreference
from reminders.selectors import preference_for
from symptoms.models import DailySummary, Intake, PTSession, SymptomEntry

from .corpus_figures import FIGURES_PROPERTY
from .world import (
    ANONYMOUS,
    CLINIC_ADMIN,
    OTHER_CLINIC_ADMIN,
    PATIENT,
    THERAPIST,
    World,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SVG = "<svg/onload=alert(1)>"
# What must never come back as it was sent (each is harmless once escaped).
UNESCAPED_MARKERS = ("<script>alert(1)", "<img src=x onerror", "<svg/onload", 'href="javascript:')
HUGE = "x" * 100_000
BINARY = "".join(chr(c) for c in range(1, 32)) + "\x00\ufffe\U0010ffff"
FAR_FUTURE = "9999-12-31"

# Tables whose rows the corpus watches. Timestamps the application refreshes on every visit
# (last_login) are left out; everything else must not move when an input is refused.
WATCHED = (
    User,
    Patient,
    Clinic,
    Invitation,
    Intake,
    PTSession,
    SymptomEntry,
    DailySummary,
    Exercise,
    Plan,
    PlanVersion,
    PlanItem,
    ExerciseLog,
    Alert,
    TriageAction,
    RuleSetVersion,
    ReminderPreference,
    QuickLogToken,
)
IGNORED_FIELDS = frozenset({"last_login"})


@dataclass(frozen=True)
class Case:
    """One bad input. `data` and `url` take the world; `refused` says nothing may be written;
    `status` pins the answer when it matters (404 for other people's ids, 403 without CSRF)."""

    form: str
    what: str
    role: str
    url: Callable[[World], str]
    data: Callable[[World], Any] = lambda w: {}
    refused: bool = True
    status: tuple[int, ...] = ()
    method: str = "POST"
    csrf: bool = False
    content_type: str | None = None
    htmx: bool = False


CASES: list[Case] = []


def add(form: str, what: str, role: str, url, data=None, **options) -> None:
    CASES.append(Case(form, what, role, url, data or (lambda w: {}), **options))


def today(world: World) -> dt.date:
    return world.patient.local_day()


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
    "share above 1": {FRACTION_PARAM: "1.5"},
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


# --- Reminders and the quick-log link -----------------------------------------------------------


def preference_data(**overrides) -> Callable[[World], dict]:
    def build(world: World) -> dict:
        form = ReminderPreferenceForm(instance=preference_for(world.patient))
        data = {}
        for name, field_ in form.fields.items():
            value = form.get_initial_for_field(field_, name)
            if isinstance(value, bool):
                if value:
                    data[name] = "on"
            elif isinstance(value, dt.time):
                data[name] = value.strftime("%H:%M")
        data.update(overrides)
        return data

    return build


PREFERENCES = lambda w: reverse("reminders:preferences")  # noqa: E731
for what, overrides in {
    "time of 25:00": {"daily_time": "25:00"},
    "time as HTML": {"after_session_time": SCRIPT},
    "quiet hours that start and end together": {"quiet_start": "22:00", "quiet_end": "22:00"},
    "time of 100,000 characters": {"quiet_end": HUGE},
}.items():
    add("reminder preferences", what, PATIENT, PREFERENCES, preference_data(**overrides))
add(
    "reminder preferences",
    "the same, asked by htmx",
    PATIENT,
    PREFERENCES,
    preference_data(daily_time="99:99"),
    htmx=True,
)


def quick_log_url(world: World) -> str:
    return reverse("care:quick_log") + "?t=" + world.quick_log_token


for what, overrides in {
    "pain above 10": {"pain_now": "11"},
    "worst pain below pain now": {"pain_now": "8", "pain_worst": "1"},
    "note over 2000 characters": {"notes": "q" * 2001},
    "unknown region": {"regions": [SCRIPT]},
}.items():
    add("quick-log", what, ANONYMOUS, quick_log_url, entry_data(**overrides))
add(
    "quick-log",
    "a token nobody was given",
    ANONYMOUS,
    lambda w: reverse("care:quick_log") + "?t=" + w.quick_log_token[:-4] + "AAAA",
    entry_data(),
    status=(404,),
)
add(
    "quick-log",
    "a token of 100,000 characters",
    ANONYMOUS,
    lambda w: reverse("care:quick_log") + "?t=" + "t" * 100_000,
    entry_data(),
    status=(404,),
)
add(
    "unsubscribe",
    "a forged token",
    ANONYMOUS,
    lambda w: reverse("reminders:unsubscribe", args=["e30:forged:" + "a" * 20]),
    status=(404,),
)


# --- Logging in, password reset, invitations, 2FA, closing an account ---------------------------

LOGIN = lambda w: reverse("accounts:login")  # noqa: E731
for what, data in {
    "email as HTML": {"username": SCRIPT, "password": "x"},
    "email of 100,000 characters": {"username": HUGE + "@example.test", "password": "x"},
    "password with control characters": {"username": "pat@example.test", "password": BINARY},
    "no password": {"username": "pat@example.test"},
    "the owner's email with a wrong password": None,
}.items():
    add(
        "login",
        what,
        ANONYMOUS,
        LOGIN,
        (lambda w, d=data: d)
        if data is not None
        else (lambda w: {"username": w.users[PATIENT].email, "password": "wrong" + SCRIPT}),
    )

RESET = lambda w: reverse("accounts:password_reset")  # noqa: E731
for what, email in {
    "email as HTML": SCRIPT,
    "email that is not an email": "not-an-email",
    "email of 100,000 characters": HUGE,
}.items():
    add("password reset", what, ANONYMOUS, RESET, lambda w, e=email: {"email": e})


def invitation_url(world: World) -> str:
    return reverse("accounts:invitation_accept", args=[world.invitation_token])


for what, passwords in {
    "passwords that differ": ("long-enough-pass-1", "long-enough-pass-2"),
    "an all-digit password": ("1234567890123", "1234567890123"),
    "a too-short password": ("abc", "abc"),
    "a password as HTML": (SCRIPT, SCRIPT + "x"),
}.items():
    add(
        "invitation accept",
        what,
        ANONYMOUS,
        invitation_url,
        lambda w, p=passwords: {"new_password1": p[0], "new_password2": p[1]},
    )
add(
    "invitation accept",
    "a token nobody was given",
    ANONYMOUS,
    lambda w: reverse("accounts:invitation_accept", args=["x" * 43]),
    lambda w: {"new_password1": "long-enough-pass-1", "new_password2": "long-enough-pass-1"},
    status=(404,),
)
add(
    "two-step verify",
    "code as HTML",
    THERAPIST,
    lambda w: reverse("twofactor:verify"),
    lambda w: {"code": SCRIPT},
)
add(
    "two-step setup",
    "code of 100,000 characters",
    PATIENT,
    lambda w: reverse("twofactor:setup"),
    lambda w: {"code": HUGE},
)
add(
    "account close",
    "wrong password and no tick",
    PATIENT,
    lambda w: reverse("rights:account_close"),
    lambda w: {"password": SCRIPT, "understand": ""},
)


SET_LANGUAGE = lambda w: reverse("set_language")  # noqa: E731
for what, data in {
    "unknown language": {"language": "xx", "next": "/"},
    "language as HTML": {"language": SCRIPT, "next": SCRIPT},
    "next page off the site": {"language": "es", "next": "https://evil.example/"},
}.items():
    add(
        "language switch",
        what,
        PATIENT,
        SET_LANGUAGE,
        lambda w, d=data: d,
        refused=data["language"] == "xx" or data["language"] == SCRIPT,
    )
    add("language switch", what + ", logged out", ANONYMOUS, SET_LANGUAGE, lambda w, d=data: d)


# --- Missing CSRF token: every POST form, with input it would otherwise accept -------------------

CSRF_FORMS: dict[str, tuple[str, Callable[[World], str], Callable[[World], Any]]] = {
    "entry create": (PATIENT, lambda w: reverse("care:entry_create"), entry_data()),
    "entry correct": (PATIENT, entry_url, entry_data(idempotency_key=None)),
    "entry delete": (
        PATIENT,
        lambda w: reverse("care:entry_delete", args=[w.entry.pk]),
        lambda w: {"confirm": "yes"},
    ),
    "dose log": (PATIENT, dose_url, dose_data()),
    "reminder preferences": (PATIENT, PREFERENCES, preference_data()),
    "account close": (
        PATIENT,
        lambda w: reverse("rights:account_close"),
        lambda w: {"password": "correct-horse-battery-staple", "understand": "on"},
    ),
    "emergency confirm": (
        PATIENT,
        lambda w: reverse("redflags:emergency_confirm", args=[w.alert.pk]),
        lambda w: {},
    ),
    "plan builder": (THERAPIST, plan_url, plan_data()),
    "exercise create": (THERAPIST, lambda w: reverse("exercises:exercise_new"), exercise_data()),
    "session create": (THERAPIST, session_create_url, session_data()),
    "session edit": (THERAPIST, session_edit_url, session_data(kind="review")),
    "intake edit": (THERAPIST, intake_url, intake_data(baseline_pain="5")),
    "patient add": (THERAPIST, PATIENT_ADD, patient_add_data({})),
    "triage acknowledge": (THERAPIST, triage_url("acknowledge"), lambda w: {"ack-note": "ok"}),
    "triage resolve": (THERAPIST, triage_url("resolve"), lambda w: {"resolve-note": "done"}),
    "clinic settings": (
        CLINIC_ADMIN,
        CLINIC_SETTINGS,
        lambda w: {
            "name": "Renamed",
            "time_zone": "Europe/London",
            "emergency_number": "112",
            "retention_years": "9",
        },
    ),
    "therapist add": (
        CLINIC_ADMIN,
        lambda w: reverse("accounts:therapist_add"),
        lambda w: {"full_name": "Theo New", "email": "theo@example.test"},
    ),
    "rule set": (CLINIC_ADMIN, RULE_SET, rule_set_data(note="CSRF test")),
    "quick-log": (ANONYMOUS, quick_log_url, entry_data()),
    "login": (
        ANONYMOUS,
        LOGIN,
        lambda w: {"username": w.users[PATIENT].email, "password": "correct-horse-battery-staple"},
    ),
    "password reset": (ANONYMOUS, RESET, lambda w: {"email": w.users[PATIENT].email}),
    "language switch": (PATIENT, SET_LANGUAGE, lambda w: {"language": "es", "next": "/"}),
    "invitation accept": (
        ANONYMOUS,
        invitation_url,
        lambda w: {
            "new_password1": "a-long-new-secret-42",
            "new_password2": "a-long-new-secret-42",
        },
    ),
}
for form_name, (role, url, data) in CSRF_FORMS.items():
    add(form_name, "no CSRF token", role, url, data, csrf=True, status=(403,))


# --- Running a case ------------------------------------------------------------------------------


def snapshot() -> dict[type, dict[int, dict]]:
    """Every watched row, as plain values (one query per table; the world is small)."""
    rows = {}
    for model in WATCHED:
        fields = [f for f in model._meta.concrete_fields if f.name not in IGNORED_FIELDS]
        names = [f.attname for f in fields]
        rows[model] = {
            values[0]: dict(zip([f.name for f in fields], values, strict=True))
            for values in model.objects.values_list(*names)
        }
    return rows


@dataclass(frozen=True)
class Written:
    """A row the request added (`changed` is None), changed (the fields) or removed."""

    model: type
    pk: int
    changed: frozenset[str] | None = None
    removed: bool = False

    def __str__(self) -> str:
        what = "removed" if self.removed else "added" if self.changed is None else "changed"
        return f"{self.model.__name__} {self.pk} {what}"


def written(before: dict, after: dict) -> list[Written]:
    changes = []
    for model in WATCHED:
        old, new = before[model], after[model]
        for pk, values in new.items():
            if pk not in old:
                changes.append(Written(model, pk))
            elif old[pk] != values:
                changed = frozenset(name for name in values if values[name] != old[pk][name])
                changes.append(Written(model, pk, changed))
        changes += [Written(model, pk, removed=True) for pk in old if pk not in new]
    return changes


def invalid_rows(changes: list[Written]) -> list[str]:
    """Rows written that fail the model's validation, judged on the fields the request wrote
    (fields it left alone are not its doing). A removal is never acceptable here."""
    problems = []
    for change in changes:
        if change.removed:
            problems.append(str(change))
            continue
        row = change.model.objects.get(pk=change.pk)
        exclude = None
        if change.changed is not None:
            exclude = [f.name for f in change.model._meta.fields if f.name not in change.changed]
        try:
            row.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as error:
            problems.append(f"{change}: {error.messages}")
    return problems


def unescaped(body: bytes) -> list[str]:
    text = body.decode("utf-8", errors="replace")
    return [marker for marker in UNESCAPED_MARKERS if marker in text]


def send(world: World, case: Case):
    client = world.client(case.role, enforce_csrf_checks=case.csrf)
    url = case.url(world)
    headers = {"HX-Request": "true"} if case.htmx else {}
    if case.method == "GET":
        return client.get(url, headers=headers, follow=True)
    data = case.data(world)
    if case.content_type:
        return client.post(url, data, content_type=case.content_type, headers=headers)
    return client.post(url, data, headers=headers, follow=not case.csrf)


def case_id(case: Case) -> str:
    return f"{case.form}: {case.what}"


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_bad_input(world, case, record_property):
    before = snapshot()
    response = send(world, case)
    changes = written(before, snapshot())

    statuses = [status for _url, status in getattr(response, "redirect_chain", [])]
    statuses.append(response.status_code)
    body = b"" if response.streaming else response.content
    bad_rows = (
        [f"{model.__name__} {pk}" for model, pk in changes]
        if case.refused
        else invalid_rows(changes)
    )
    reflections = unescaped(body)
    # Reported to the run's summary (tests/conftest.py), also from pytest-xdist workers.
    record_property(
        FIGURES_PROPERTY,
        {
            "server_error": any(status >= 500 for status in statuses),
            "invalid_rows": len(bad_rows),
            "reflections": len(reflections),
            "csrf": case.csrf,
        },
    )

    assert all(status < 500 for status in statuses), f"statuses {statuses}"
    assert not bad_rows, f"stored: {bad_rows}"
    assert not reflections, f"unescaped in the response: {reflections}"
    if case.status:
        assert response.status_code in case.status
    if case.csrf:
        assert response.status_code == 403
    if not case.refused:
        assert changes, "an acceptable text input should have been saved"


def test_the_corpus_has_at_least_100_cases_across_every_form():
    forms = {case.form for case in CASES}
    assert len(CASES) >= 100
    expected = {
        "entry create",
        "entry correct",
        "dose log",
        "plan builder",
        "exercise create",
        "session create",
        "session edit",
        "intake edit",
        "patient add",
        "triage",
        "rule set",
        "replay upload",
        "reminder preferences",
        "quick-log",
        "login",
        "password reset",
        "invitation accept",
    }
    assert expected <= forms, expected - forms


STORED_PAGES = {
    # Where text a user typed is shown to someone else: each must escape it.
    "entry, to the therapist": (
        THERAPIST,
        lambda w: reverse("care:entry_detail", args=[w.entry.pk]),
    ),
    "patient overview": (
        THERAPIST,
        lambda w: reverse("dashboard:patient_overview", args=[w.patient.pk]),
    ),
    "printable summary": (
        THERAPIST,
        lambda w: reverse("dashboard:patient_summary_print", args=[w.patient.pk]),
    ),
    "caseload": (CLINIC_ADMIN, lambda w: reverse("dashboard:caseload")),
    "sessions": (THERAPIST, lambda w: reverse("symptoms:patient_sessions", args=[w.patient.pk])),
    "alert page": (THERAPIST, lambda w: reverse("redflags:alert_detail", args=[w.alert.pk])),
    "inbox": (THERAPIST, lambda w: reverse("redflags:inbox")),
    "plan print, to the patient": (
        PATIENT,
        lambda w: reverse("exercises:plan_print", args=[w.patient.pk]),
    ),
    "Today, to the patient": (PATIENT, lambda w: reverse("care:today")),
    "diary, to the patient": (PATIENT, lambda w: reverse("care:diary")),
    "exercise page": (OTHER_CLINIC_ADMIN, lambda w: reverse("exercises:library")),
    "audit log": (CLINIC_ADMIN, lambda w: reverse("audit:patient_log", args=[w.patient.pk])),
}


def test_html_stored_in_every_text_field_is_shown_escaped_everywhere(world):
    # Store the payloads the way a bad actor would have to: through the forms.
    patient_client, therapist_client = world.client(PATIENT), world.client(THERAPIST)
    name = f"{SCRIPT}{IMG}"
    User.objects.filter(pk=world.users[PATIENT].pk).update(full_name=name)
    assert (
        patient_client.post(
            entry_url(world), entry_data(idempotency_key=None, notes=SCRIPT + IMG + SVG)(world)
        ).status_code
        == 302
    )
    assert (
        therapist_client.post(
            session_edit_url(world),
            session_data(notes=SCRIPT + IMG, interventions=["education"])(world),
        ).status_code
        == 302
    )
    assert (
        therapist_client.post(
            triage_url("acknowledge")(world), {"ack-note": SCRIPT + IMG}
        ).status_code
        == 302
    )
    assert (
        therapist_client.post(
            plan_url(world),
            plan_data(**{"items-0-instructions": SCRIPT, "note_to_patient": IMG})(world),
        ).status_code
        == 302
    )
    Exercise.objects.filter(pk=world.clinic_exercise.pk).update(name=SCRIPT, movement=IMG)

    for page, (role, url) in STORED_PAGES.items():
        response = world.client(role).get(url(world), follow=True)
        assert response.status_code == 200, page
        assert not unescaped(response.content), page


def test_the_checks_catch_what_they_look_for(world):
    # The corpus passes only because the application refuses; these show the checks would see
    # a reflection, a write and an invalid row if it did not.
    assert unescaped(f"<p>{SCRIPT}</p>".encode()) == ["<script>alert(1)"]
    assert unescaped(b"<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>") == []
    before = snapshot()
    Exercise.objects.filter(pk=world.clinic_exercise.pk).update(name="", body_area="leg")
    changes = written(before, snapshot())
    assert [str(change) for change in changes] == [f"Exercise {world.clinic_exercise.pk} changed"]
    assert changes[0].changed == {"name", "body_area"}
    assert len(invalid_rows(changes)) == 1


def test_the_language_switch_never_sends_anyone_off_the_site(world):
    response = world.client(PATIENT).post(
        reverse("set_language"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert not response["Location"].startswith(("http:", "https:", "//"))
