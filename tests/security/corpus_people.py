"""Bad-input cases of reminders and the quick-log link, logging in, password reset, invitations,
two-step login, closing an account, and every POST form without its CSRF token."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse

from reminders.forms import ReminderPreferenceForm
from reminders.selectors import preference_for

from .corpus import BINARY, HUGE, SCRIPT, add
from .corpus_clinic import (
    CLINIC_SETTINGS,
    PATIENT_ADD,
    RULE_SET,
    exercise_data,
    intake_data,
    intake_url,
    patient_add_data,
    rule_set_data,
    session_create_url,
    session_data,
    session_edit_url,
    triage_url,
)
from .corpus_records import dose_data, dose_url, entry_data, entry_url, plan_data, plan_url
from .world import (
    ANONYMOUS,
    CLINIC_ADMIN,
    PATIENT,
    THERAPIST,
    World,
)

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


# --- The patient's contact details (issue 11) ----------------------------------------------------

MY_DETAILS = lambda w: reverse("accounts:my_details")  # noqa: E731


def my_details_data(**overrides) -> Callable[[World], dict]:
    def build(world: World) -> dict:
        data = {
            "phone": "07700 900123",
            "best_time_to_call": "Mornings",
            "emergency_contact_name": "Sam Example",
            "emergency_contact_phone": "07700 900456",
        }
        data.update(overrides)
        return {name: value for name, value in data.items() if value is not None}

    return build


for what, overrides in {
    "phone with a script": {"phone": SCRIPT},
    "phone of letters": {"phone": "call me maybe"},
    "phone too short": {"phone": "0770"},
    "phone far too long": {"phone": "0" * 40},
    "phone of binary bytes": {"phone": BINARY},
    "phone of an unknown country": {"phone": "+999 1234 5678"},
    "emergency number without a name": {"emergency_contact_name": ""},
    "emergency contact name over 150 characters": {"emergency_contact_name": "S" * 151},
    "best time over 100 characters": {"best_time_to_call": "x" * 101},
    "huge best time": {"best_time_to_call": HUGE},
}.items():
    add("my details", what, PATIENT, MY_DETAILS, my_details_data(**overrides))
add(
    "my details",
    "a script as the emergency contact's name",
    PATIENT,
    MY_DETAILS,
    my_details_data(emergency_contact_name=SCRIPT, best_time_to_call=SCRIPT),
    refused=False,
)
add(
    "warning read",
    "an alert that is not the patient's",
    PATIENT,
    lambda w: reverse("redflags:warning_read", args=[w.other_patient_alert.pk]),
    status=(404,),
)
add(
    "warning read",
    "a resolved alert",
    PATIENT,
    lambda w: reverse("redflags:warning_read", args=[w.emergency.pk]),
    status=(404,),
)


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
    "my details": (PATIENT, MY_DETAILS, my_details_data()),
    "warning read": (
        PATIENT,
        lambda w: reverse("redflags:warning_read", args=[w.alert.pk]),
        lambda w: {"next": "/"},
    ),
    "reminder preferences": (PATIENT, PREFERENCES, preference_data()),
    "account close": (
        PATIENT,
        lambda w: reverse("rights:account_close"),
        lambda w: {"password": "correct-horse-battery-staple", "understand": "on"},
    ),
    "emergency confirm": (
        PATIENT,
        lambda w: reverse("redflags:emergency_confirm", args=[w.emergency.pk]),
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
