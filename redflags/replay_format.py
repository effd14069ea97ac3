"""The replay file format (CLINICAL.md section 6): reading a case file and rejecting a case the
replay cannot run, with a message naming the case and the field."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import time
from pathlib import Path
from typing import Any

from exercises.models import Difficulty
from symptoms.choices import (
    NOTES_MAX_LENGTH,
    Context,
    Descriptor,
    Helped,
    Intervention,
    IsFlare,
    Region,
    RestRelief,
    SessionKind,
    Trigger,
    Weakness,
)

from .engine.domain import RULE_IDS, SEVERITY_ORDER

#: Cases span at most this many days either side of day 0 (the sweep runs once a day).
MAX_DAY = 1000
MIN_DAY = -366


class CaseError(ValueError):
    """A case that cannot be replayed. The message names the case and the field."""


def load_case_file(path: str | Path) -> dict[str, Any]:
    """Read a case file; invalid JSON raises ``CaseError`` naming the file, line and column."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise CaseError(f"{path}: no such file") from error
    except (OSError, UnicodeDecodeError) as error:
        raise CaseError(f"{path}: cannot be read as UTF-8 text ({error})") from error
    try:
        case = json.loads(text)
    except json.JSONDecodeError as error:
        raise CaseError(
            f"{path.name}: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error
    if not isinstance(case, dict):
        raise CaseError(f"{path.name}: a case is one JSON object, not {type(case).__name__}")
    return case


class _Checker:
    """Collects the first problem in a case as a message naming the case and the field path."""

    def __init__(self, label: str):
        self.label = label

    def fail(self, where: str, problem: str):
        raise CaseError(f"{self.label}: {where}: {problem}")

    def keys(self, where: str, value: Any, allowed: set[str], required: set[str]) -> dict:
        if not isinstance(value, dict):
            self.fail(where, f"must be an object, not {json.dumps(value)}")
        unknown = sorted(set(value) - allowed)
        if unknown:
            self.fail(
                f"{where}.{unknown[0]}" if where else unknown[0],
                f"unknown field (allowed: {', '.join(sorted(allowed))})",
            )
        for name in sorted(required):
            if name not in value:
                self.fail(f"{where}.{name}" if where else name, "is required")
        return value

    def integer(self, where: str, value: Any, low: int | None = None, high: int | None = None):
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, f"{json.dumps(value)} is not a whole number")
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(where, f"{value} is not between {low} and {high}")

    def boolean(self, where: str, value: Any):
        if not isinstance(value, bool):
            self.fail(where, f"{json.dumps(value)} is not true or false")

    def text(self, where: str, value: Any, max_length: int):
        if not isinstance(value, str):
            self.fail(where, f"{json.dumps(value)} is not a string")
        if len(value) > max_length:
            self.fail(where, f"is longer than {max_length} characters")

    def choice(self, where: str, value: Any, choices: Any):
        allowed = list(choices)
        if value not in allowed:
            self.fail(where, f"{json.dumps(value)} is not one of {', '.join(allowed)}")

    def choice_set(self, where: str, value: Any, choices: Any):
        if not isinstance(value, list):
            self.fail(where, f"must be a list, not {json.dumps(value)}")
        for index, item in enumerate(value):
            self.choice(f"{where}[{index}]", item, choices)

    def clock(self, where: str, value: Any):
        if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
            self.fail(where, f'{json.dumps(value)} is not a time like "18:30"')
        try:
            time.fromisoformat(value)
        except ValueError:
            self.fail(where, f"{json.dumps(value)} is not a time of day")

    def day(self, where: str, value: Any):
        self.integer(where, value, MIN_DAY, MAX_DAY)

    def pain(self, where: str, value: Any):
        self.integer(where, value, 0, 10)


Field = Callable[[_Checker, str, Any], None]


def _choice(choices) -> Field:
    return lambda check, where, value: check.choice(where, value, choices)


def _choice_set(choices) -> Field:
    return lambda check, where, value: check.choice_set(where, value, choices)


def _text(max_length: int) -> Field:
    return lambda check, where, value: check.text(where, value, max_length)


def _int(low: int, high: int) -> Field:
    return lambda check, where, value: check.integer(where, value, low, high)


def _optional_day(check: _Checker, where: str, value: Any) -> None:
    if value is not None:
        check.day(where, value)


_bool: Field = _Checker.boolean
_day: Field = _Checker.day
_pain: Field = _Checker.pain
_clock: Field = _Checker.clock

INTAKE_FIELDS: dict[str, Field] = {
    "baseline_pain": _pain,
    "baseline_regions": _choice_set(Region.values),
    "cancer_history": _bool,
    "diabetes": _bool,
    "conditions": _text(2000),
}
SESSION_FIELDS: dict[str, Field] = {
    "day": _day,
    "kind": _choice(SessionKind.values),
    "interventions": _choice_set(Intervention.values),
    "notes": _text(4000),
}
ENTRY_FLAGS = (
    "foot_drop",
    "nerve_symptoms_limit_activities",
    "bladder_bowel_change",
    "saddle_numbness",
    "sexual_dysfunction_new",
    "fever_or_unwell",
    "unexplained_weight_loss",
    "night_pain_unrelieved",
    "sleep_disturbed",
)
ENTRY_FIELDS: dict[str, Field] = {
    "day": _day,
    "time": _clock,
    "context": _choice(Context.values),
    "pain_now": _pain,
    "pain_worst": _pain,
    "descriptors": _choice_set(Descriptor.values),
    "regions": _choice_set(Region.values),
    "rest_relief": _choice(RestRelief.values),
    "weakness": _choice(Weakness.values),
    **dict.fromkeys(ENTRY_FLAGS, _bool),
    "is_flare": _choice(IsFlare.values),
    "triggers": _choice_set(Trigger.values),
    "helped": _choice_set(Helped.values),
    "notes": _text(NOTES_MAX_LENGTH),
}
PLAN_FIELDS: dict[str, Field] = {
    "exercise": _text(120),
    "start_day": _day,
    "end_day": _optional_day,
    "sets": _int(1, 20),
    "reps": _int(0, 200),
    "hold_seconds": _int(0, 600),
    "times_per_day": _int(1, 10),
    "days_per_week": _int(1, 7),
    "instructions": _text(2000),
}
LOG_FIELDS: dict[str, Field] = {
    "day": _day,
    "time": _clock,
    "exercise": _text(120),
    "sets_done": _int(0, 50),
    "pain_during": _pain,
    "difficulty": _choice(Difficulty.values),
    "note": _text(1000),
}
TOP_FIELDS = {
    "id",
    "description",
    "intake",
    "sessions",
    "entries",
    "plan",
    "exercise_logs",
    "expect",
}


def _records(
    check: _Checker,
    case: Mapping[str, Any],
    name: str,
    fields: dict[str, Field],
    required: set[str],
) -> list[dict]:
    records = case.get(name, [])
    if not isinstance(records, list):
        check.fail(name, "must be a list")
    for index, record in enumerate(records):
        where = f"{name}[{index}]"
        check.keys(where, record, set(fields), required)
        for key, value in record.items():
            fields[key](check, f"{where}.{key}", value)
    return records


def validate_case(case: Any, *, source: str = "case", check_expect: bool = False) -> None:
    """Reject a case the replay cannot run, with a message naming the case and the field:
    unknown fields or choices, pains outside 0-10, ``pain_worst`` below ``pain_now``, a plan
    ending before it starts, a missing ``expect`` when checking."""
    if not isinstance(case, dict):
        raise CaseError(f"{source}: a case is one JSON object")
    case_id = case.get("id")
    if not isinstance(case_id, str) or not case_id.strip():
        raise CaseError(f"{source}: id: is required and must be a non-empty string")
    check = _Checker(case_id)
    check.keys("", case, TOP_FIELDS, {"id", "intake"})
    if "description" in case:
        check.text("description", case["description"], 10_000)
    check.keys("intake", case["intake"], set(INTAKE_FIELDS), {"baseline_pain"})
    for key, value in case["intake"].items():
        INTAKE_FIELDS[key](check, f"intake.{key}", value)
    _records(check, case, "sessions", SESSION_FIELDS, {"day"})
    entries = _records(
        check, case, "entries", ENTRY_FIELDS, {"day", "context", "pain_now", "pain_worst"}
    )
    for index, entry in enumerate(entries):
        if entry["pain_worst"] < entry["pain_now"]:
            check.fail(
                f"entries[{index}].pain_worst",
                f"{entry['pain_worst']} is below pain_now {entry['pain_now']} "
                "(worst pain since the last entry is at least the pain now)",
            )
    plan = _records(check, case, "plan", PLAN_FIELDS, {"exercise"})
    for index, item in enumerate(plan):
        if item.get("end_day") is not None and item["end_day"] < item.get("start_day", 0):
            check.fail(f"plan[{index}].end_day", "is before start_day")
    _records(check, case, "exercise_logs", LOG_FIELDS, {"day", "exercise", "pain_during"})

    if "expect" in case:
        expect = check.keys("expect", case["expect"], {"alerts", "flares"}, set())
        alerts = expect.get("alerts", [])
        if not isinstance(alerts, list):
            check.fail("expect.alerts", "must be a list")
        for index, alert in enumerate(alerts):
            where = f"expect.alerts[{index}]"
            check.keys(where, alert, {"rule", "severity", "day"}, {"rule", "severity", "day"})
            check.choice(f"{where}.rule", alert["rule"], RULE_IDS)
            check.choice(f"{where}.severity", alert["severity"], SEVERITY_ORDER)
            check.day(f"{where}.day", alert["day"])
        flares = expect.get("flares", [])
        if not isinstance(flares, list):
            check.fail("expect.flares", "must be a list")
        for index, flare in enumerate(flares):
            where = f"expect.flares[{index}]"
            check.keys(where, flare, {"start_day", "end_day"}, {"start_day", "end_day"})
            check.day(f"{where}.start_day", flare["start_day"])
            _optional_day(check, f"{where}.end_day", flare["end_day"])
    elif check_expect:
        check.fail("expect", "is required to check a case")
