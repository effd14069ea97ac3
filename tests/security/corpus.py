"""The bad-input corpus's shared parts: the payloads, the watched tables and `Case`; the cases
themselves are in corpus_records.py, corpus_clinic.py and corpus_people.py, the run in
test_bad_input_corpus.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import Clinic, Invitation, Patient, User
from exercises.models import Exercise, ExerciseLog, Plan, PlanItem, PlanVersion
from redflags.models import Alert, RuleSetVersion, TriageAction
from reminders.models import QuickLogToken, ReminderPreference
from symptoms.models import DailySummary, Intake, PTSession, SymptomEntry

from .world import (
    World,
)

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
