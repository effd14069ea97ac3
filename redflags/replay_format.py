"""The replay file format (spec.md section 10): reading a case file and rejecting a case the
replay cannot run, with a message naming the case and the field.

A key that is a model field is checked by that field, as the forms' services check it through
``full_clean``: its JSON type first (a number must be a number, a flag true or false), then the
field's own ``clean`` (choices, validators, maximum length), then the model's ``clean`` for rules
across fields. Only what the app has no field for is checked here: day numbers, clock times,
``expect``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from functools import cached_property
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from core.model_fields import model_field
from exercises.field_lists import EXERCISE_LOG_FIELDS, PLAN_ITEM_FIELDS
from exercises.models import Exercise, ExerciseLog, PlanItem
from symptoms.field_lists import ENTRY_FIELDS, INTAKE_FIELDS, SESSION_FIELDS
from symptoms.fields import ChoiceSetField
from symptoms.models import Intake, PTSession, SymptomEntry

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


def _shown(value: Any) -> str:
    """A value as the case file has it, cut short if long (a note may run to pages)."""
    if isinstance(value, str) and len(value) > 40:
        value = value[:39] + "…"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


class _Checker:
    """Collects the first problem in a case as a message naming the case and the field path."""

    def __init__(self, label: str):
        self.label = label

    def fail(self, where: str, problem: str):
        raise CaseError(f"{self.label}: {where}: {problem}")

    def keys(self, where: str, value: Any, allowed: set[str], required: set[str]) -> dict:
        if not isinstance(value, dict):
            self.fail(where, f"must be an object, not {_shown(value)}")
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
            self.fail(where, f"{_shown(value)} is not a whole number")
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(where, f"{value} is not between {low} and {high}")

    def boolean(self, where: str, value: Any):
        if not isinstance(value, bool):
            self.fail(where, f"{_shown(value)} is not true or false")

    def text(self, where: str, value: Any, max_length: int | None = None):
        if not isinstance(value, str):
            self.fail(where, f"{_shown(value)} is not a string")
        if max_length is not None and len(value) > max_length:
            self.fail(where, f"is longer than {max_length} characters")

    def json_list(self, where: str, value: Any):
        if not isinstance(value, list):
            self.fail(where, f"must be a list, not {_shown(value)}")

    def choice(self, where: str, value: Any, choices: Any):
        allowed = list(choices)
        if value not in allowed:
            self.fail(where, f"{_shown(value)} is not one of {', '.join(allowed)}")

    def clock(self, where: str, value: Any):
        if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
            self.fail(where, f'{_shown(value)} is not a time like "18:30"')
        try:
            time.fromisoformat(value)
        except ValueError:
            self.fail(where, f"{_shown(value)} is not a time of day")

    def day(self, where: str, value: Any):
        self.integer(where, value, MIN_DAY, MAX_DAY)

    def invalid(self, where: str, value: Any, error: ValidationError, allowed: list[str]):
        """A value the model refused, with the model's own messages."""
        problem = " ".join(error.messages)
        if allowed and any(item.code == "invalid_choice" for item in error.error_list):
            problem += f" (allowed: {', '.join(allowed)})"
        self.fail(where, f"{_shown(value)}: {problem}")


Field = Callable[[_Checker, str, Any], None]


def _optional_day(check: _Checker, where: str, value: Any) -> None:
    if value is not None:
        check.day(where, value)


#: The JSON type each kind of model field takes, checked before the field's own validation so
#: that "3" is not read as 3, nor 1 as true.
_JSON_TYPES: tuple[tuple[type[models.Field], Field], ...] = (
    (models.BooleanField, _Checker.boolean),
    (models.IntegerField, _Checker.integer),
    (models.CharField, _Checker.text),
    (models.TextField, _Checker.text),
    (ChoiceSetField, _Checker.json_list),
)


def _allowed(field: models.Field) -> list[str]:
    if isinstance(field, ChoiceSetField):
        return [str(value) for value in field.choice_values]
    return [str(value) for value, _label in field.flatchoices]


def _model_field(field: models.Field) -> Field:
    """A key that is a model field: the JSON type, then the field's own validation (its
    choices, validators and maximum length), as every service runs it through full_clean."""
    json_type = next((check for kind, check in _JSON_TYPES if isinstance(field, kind)), None)
    if json_type is None:
        raise TypeError(f"the replay format cannot take {field!r}")

    def check_field(check: _Checker, where: str, value: Any) -> None:
        json_type(check, where, value)
        try:
            field.clean(value, None)
        except ValidationError as error:
            check.invalid(where, value, error, _allowed(field))

    return check_field


def _model_fields(model: type[models.Model], names: tuple[str, ...]) -> dict[str, Field]:
    return {name: _model_field(model_field(model, name)) for name in names}


@dataclass(frozen=True)
class _Kind:
    """One kind of record in a case: the model its values are validated by, the keys that are
    that model's own fields, and the replay's own keys (day numbers, clock times)."""

    model: type[models.Model]
    model_keys: tuple[str, ...]
    replay_keys: dict[str, Field]
    required: frozenset[str]

    @cached_property
    def fields(self) -> dict[str, Field]:
        return {**self.replay_keys, **_model_fields(self.model, self.model_keys)}

    def check(self, check: _Checker, where: str, record: Any) -> dict:
        fields = self.fields
        check.keys(where, record, set(fields), set(self.required))
        for key, value in record.items():
            fields[key](check, f"{where}.{key}", value)
        # Rules across fields (pain_worst at least pain_now) are the model's own clean().
        instance = self.model(**{k: v for k, v in record.items() if k in self.model_keys})
        try:
            instance.clean()
        except ValidationError as error:
            name, errors = next(iter(error.update_error_dict({}).items()))
            if name in record:
                check.invalid(f"{where}.{name}", record[name], ValidationError(errors), [])
            check.fail(where, " ".join(ValidationError(errors).messages))
        return record


#: A library exercise is named in the plan and the logs by its name.
_EXERCISE_NAME = _model_field(Exercise._meta.get_field("name"))

INTAKE = _Kind(Intake, INTAKE_FIELDS, {}, frozenset({"baseline_pain"}))
SESSION = _Kind(
    PTSession,
    # A session's date is its day number.
    tuple(name for name in SESSION_FIELDS if name != "date"),
    {"day": _Checker.day},
    frozenset({"day"}),
)
ENTRY = _Kind(
    SymptomEntry,
    ENTRY_FIELDS,
    {"day": _Checker.day, "time": _Checker.clock},
    frozenset({"day", "context", "pain_now", "pain_worst"}),
)
PLAN_ITEM = _Kind(
    PlanItem,
    PLAN_ITEM_FIELDS,
    {"exercise": _EXERCISE_NAME, "start_day": _Checker.day, "end_day": _optional_day},
    frozenset({"exercise"}),
)
EXERCISE_LOG = _Kind(
    ExerciseLog,
    EXERCISE_LOG_FIELDS,
    {"day": _Checker.day, "time": _Checker.clock, "exercise": _EXERCISE_NAME},
    frozenset({"day", "exercise", "pain_during"}),
)
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


def _records(check: _Checker, case: Mapping[str, Any], name: str, kind: _Kind) -> list[dict]:
    records = case.get(name, [])
    if not isinstance(records, list):
        check.fail(name, "must be a list")
    for index, record in enumerate(records):
        kind.check(check, f"{name}[{index}]", record)
    return records


def validate_case(case: Any, *, source: str = "case", check_expect: bool = False) -> None:
    """Reject a case the replay cannot run, with a message naming the case and the field:
    unknown fields, a value its model field refuses (an unknown choice, a pain outside 0-10,
    ``pain_worst`` below ``pain_now``), a bad day or time, a plan ending before it starts, a
    missing ``expect`` when checking."""
    if not isinstance(case, dict):
        raise CaseError(f"{source}: a case is one JSON object")
    case_id = case.get("id")
    if not isinstance(case_id, str) or not case_id.strip():
        raise CaseError(f"{source}: id: is required and must be a non-empty string")
    check = _Checker(case_id)
    check.keys("", case, TOP_FIELDS, {"id", "intake"})
    if "description" in case:
        check.text("description", case["description"], 10_000)
    INTAKE.check(check, "intake", case["intake"])
    _records(check, case, "sessions", SESSION)
    _records(check, case, "entries", ENTRY)
    plan = _records(check, case, "plan", PLAN_ITEM)
    for index, item in enumerate(plan):
        if item.get("end_day") is not None and item["end_day"] < item.get("start_day", 0):
            check.fail(f"plan[{index}].end_day", "is before start_day")
    _records(check, case, "exercise_logs", EXERCISE_LOG)

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
