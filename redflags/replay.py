"""Replay of clinical-safety cases (CLINICAL.md section 6) through the real services.

A case is loaded into a throw-away clinic inside a transaction that is always rolled back, so
nothing is left in the database and no email leaves (an outbox row is only handed to the task
queue when its transaction commits, and this one never does). Records go through the same
services the forms use: ``symptoms.services`` for the intake, sessions and entries,
``exercises.services`` for the plan and the exercise logs, ``redflags.services`` for the daily
sweep. ``redflags.replay_pure.simulate_case`` is the in-memory oracle this is checked against.

``replay_case`` is what the ``replay_case`` command and the clinic's upload page call.
"""

from __future__ import annotations

import json
import re
import secrets
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Clinic, Patient, User
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

from .domain import RULE_IDS, SEVERITY_ORDER
from .models import Alert, FlareEpisode, RuleSetVersion
from .params import RuleParams

#: Day 0 of every case; the same date as the pure oracle (any fixed date will do, section 6).
DAY_ZERO = date(2026, 1, 5)
DEFAULT_TIME = "12:00"
#: Cases span at most this many days either side of day 0 (the sweep runs once a day).
MAX_DAY = 1000
MIN_DAY = -366


class CaseError(ValueError):
    """A case that cannot be replayed. The message names the case and the field."""


@dataclass
class ReplayResult:
    """What the command prints for one case, and with ``check`` what differs from ``expect``."""

    id: str
    alerts: list[dict[str, Any]]
    flares: list[dict[str, Any]]
    differences: list[str] = field(default_factory=list)
    checked: bool = False

    @property
    def passed(self) -> bool:
        return not self.differences

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "alerts": self.alerts, "flares": self.flares}

    def as_json(self) -> str:
        return json.dumps(self.as_dict())


# --- Reading and checking a case -----------------------------------------------------------------


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


# --- Comparing with expect -----------------------------------------------------------------------


def _alert_key(alert: Mapping[str, Any]) -> tuple[int, int, str]:
    return (alert["day"], RULE_IDS.index(alert["rule"]), alert["severity"])


def _show_alert(alert: Mapping[str, Any]) -> str:
    return f"{alert['rule']} {alert['severity']} on day {alert['day']}"


def _show_flare(flare: Mapping[str, Any]) -> str:
    end = "still open" if flare["end_day"] is None else f"ending day {flare['end_day']}"
    return f"flare starting day {flare['start_day']}, {end}"


def compare(
    case_id: str, expect: Mapping[str, Any], alerts: list[dict], flares: list[dict]
) -> list[str]:
    """Differences between a replay and its ``expect`` (section 6: the same set of
    rule/severity/day alerts; the same flares sorted by start), one sentence each."""
    differences = []
    wanted = {(a["rule"], a["severity"], a["day"]) for a in expect.get("alerts", [])}
    got = {(a["rule"], a["severity"], a["day"]) for a in alerts}
    as_dict = lambda key: {"rule": key[0], "severity": key[1], "day": key[2]}  # noqa: E731
    for key in sorted(wanted - got, key=lambda k: _alert_key(as_dict(k))):
        differences.append(f"{case_id}: expected alert {_show_alert(as_dict(key))} was not raised")
    for key in sorted(got - wanted, key=lambda k: _alert_key(as_dict(k))):
        differences.append(f"{case_id}: unexpected alert {_show_alert(as_dict(key))}")

    wanted_flares = sorted(
        ({"start_day": f["start_day"], "end_day": f["end_day"]} for f in expect.get("flares", [])),
        key=lambda f: f["start_day"],
    )
    if wanted_flares != flares:
        wanted_set = {(f["start_day"], f["end_day"]) for f in wanted_flares}
        got_set = {(f["start_day"], f["end_day"]) for f in flares}
        for start, end in sorted(wanted_set - got_set):
            differences.append(
                f"{case_id}: expected {_show_flare({'start_day': start, 'end_day': end})} "
                "was not found"
            )
        for start, end in sorted(got_set - wanted_set):
            differences.append(
                f"{case_id}: unexpected {_show_flare({'start_day': start, 'end_day': end})}"
            )
        if wanted_set == got_set:
            differences.append(f"{case_id}: flares repeat or are out of order")
    return differences


# --- Loading a case through the services ---------------------------------------------------------


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in error.message_dict.items()
        )
    return " ".join(str(message) for message in error.messages)


class _Replay:
    def __init__(self, case: dict[str, Any], *, params: RuleParams | None, clinic: Clinic | None):
        self.case = case
        self.case_id = case["id"]
        self.params = params
        self.source_clinic = clinic
        self.sessions = case.get("sessions", [])
        self.entries = case.get("entries", [])
        self.plan = case.get("plan", [])
        self.logs = case.get("exercise_logs", [])
        days = [r["day"] for r in [*self.sessions, *self.entries, *self.logs]]
        self.last_day = max(days) if days else None
        starts = [item.get("start_day", 0) for item in self.plan]
        self.first_day = min([0, *days, *starts])
        # Exercise logs cannot be for a day that has not come yet: keep the case in the past.
        today = timezone.localdate()
        latest = max([0, *days, *starts])
        self.day_zero = min(DAY_ZERO, today - timedelta(days=latest + 1))

    def fail(self, where: str, problem: str):
        raise CaseError(f"{self.case_id}: {where}: {problem}")

    def date_of(self, number: int) -> date:
        return self.day_zero + timedelta(days=number)

    def at(self, number: int, clock: str | None) -> datetime:
        local = datetime.combine(self.date_of(number), time.fromisoformat(clock or DEFAULT_TIME))
        return timezone.make_aware(local, self.zone)

    def run(self) -> tuple[list[dict], list[dict]]:
        from care import services as care_services  # moves to care with the replay runner
        from exercises import services as exercise_services
        from symptoms import services as symptom_services

        from . import services

        self._setup()
        versions = self._plan_versions()
        exercises = {}
        for name in sorted(
            {item["exercise"] for item in self.plan} | {log["exercise"] for log in self.logs}
        ):
            try:
                exercises[name] = exercise_services.exercise_create(
                    self.clinic, {"name": name, "body_area": "general"}, actor=self.therapist
                )
            except ValidationError as error:
                self.fail(f"exercise {name!r}", _validation_message(error))

        by_day: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for index, session in enumerate(self.sessions):
            by_day[session["day"]]["sessions"].append((index, session))
        for index, entry in enumerate(self.entries):
            by_day[entry["day"]]["entries"].append((index, entry))
        for index, log in enumerate(self.logs):
            by_day[log["day"]]["logs"].append((index, log))
        # The therapist enters the whole plan before the first day: later versions are
        # scheduled changes (as the plan builder allows), so every exercise the plan names is
        # known from the start, as in the pure oracle.
        for version in versions:
            number = version["start_day"]
            items = [
                {
                    "exercise": exercises[item["exercise"]],
                    **{
                        k: item[k]
                        for k in (
                            "sets",
                            "reps",
                            "hold_seconds",
                            "times_per_day",
                            "days_per_week",
                            "instructions",
                        )
                        if k in item
                    },
                }
                for item in version["items"]
            ]
            end_day = version["end_day"]
            try:
                exercise_services.plan_version_save(
                    self.patient,
                    items,
                    self.date_of(number),
                    None if end_day is None else self.date_of(end_day),
                    "",
                    self.therapist,
                    now=self.at(self.first_day, "00:00"),
                )
            except ValidationError as error:
                self.fail(f"plan (from day {number})", _validation_message(error))

        if self.last_day is None:
            return self._outcome()
        for number in range(self.first_day, self.last_day + 1):
            work = by_day.get(number, {})
            for index, session in work.get("sessions", []):
                try:
                    symptom_services.pt_session_create(
                        self.patient,
                        {
                            "date": self.date_of(number),
                            "kind": session.get("kind", SessionKind.TREATMENT),
                            "interventions": sorted(set(session.get("interventions", []))),
                            "notes": session.get("notes", ""),
                        },
                        actor=self.therapist,
                    )
                except ValidationError as error:
                    self.fail(f"sessions[{index}]", _validation_message(error))
            # sorted() is stable: entries at the same time keep their file order.
            for index, entry in sorted(
                work.get("entries", []), key=lambda pair: pair[1].get("time", DEFAULT_TIME)
            ):
                self._entry(care_services, index, entry, number)
            for index, log in sorted(
                work.get("logs", []), key=lambda pair: pair[1].get("time", DEFAULT_TIME)
            ):
                try:
                    care_services.dose_record(
                        self.patient,
                        exercise=exercises[log["exercise"]],
                        logged_at=self.at(number, log.get("time")),
                        sets_done=log.get("sets_done", 0),
                        pain_during=log["pain_during"],
                        difficulty=log.get("difficulty", Difficulty.OK),
                        note=log.get("note", ""),
                        actor=self.patient.user,
                    )
                except ValidationError as error:
                    self.fail(f"exercise_logs[{index}]", _validation_message(error))
            if number >= 0:
                services.daily_sweep(self.clinic, self.date_of(number))
        return self._outcome()

    def _setup(self) -> None:
        from symptoms import services as symptom_services

        from . import services

        source = self.source_clinic
        zone_name = source.time_zone if source else settings.TIME_ZONE
        self.zone = zoneinfo.ZoneInfo(zone_name)
        token = secrets.token_hex(8)
        self.clinic = Clinic.objects.create(
            name=f"Replay of {self.case_id}"[:200],
            time_zone=zone_name,
            emergency_number=source.emergency_number if source else "999",
        )
        self.therapist = User.objects.create(
            email=f"replay-therapist-{token}@replay.invalid",
            full_name="Replay therapist",
            role=User.Role.THERAPIST,
            clinic=self.clinic,
            password="!",
        )
        patient_user = User.objects.create(
            email=f"replay-patient-{token}@replay.invalid",
            full_name=f"Replay patient {self.case_id}"[:150],
            role=User.Role.PATIENT,
            clinic=self.clinic,
            password="!",
        )
        self.patient = Patient.objects.create(user=patient_user, clinic=self.clinic)
        self.patient.therapists.add(self.therapist)
        params = self.params
        if params is None and source is not None:
            params = services.current_rule_set(source).rule_params()
        RuleSetVersion.objects.create(
            clinic=self.clinic,
            number=1,
            params=(params or RuleParams()).to_dict(),
            note=f"Replay of {self.case_id}"[:500],
        )
        intake = self.case["intake"]
        try:
            symptom_services.intake_save(
                self.patient,
                {
                    "baseline_pain": intake["baseline_pain"],
                    "baseline_regions": sorted(set(intake.get("baseline_regions", []))),
                    "cancer_history": intake.get("cancer_history", False),
                    "diabetes": intake.get("diabetes", False),
                    "conditions": intake.get("conditions", ""),
                },
                actor=self.therapist,
            )
        except ValidationError as error:
            self.fail("intake", _validation_message(error))

    def _plan_versions(self) -> list[dict[str, Any]]:
        """The plan as versions: a new version wherever the set of prescribed items changes,
        each holding the items in force from that day (a versioned plan has one set of items
        at a time). A version ends explicitly only where nothing follows it."""
        if not self.plan:
            return []
        changes = sorted(
            {item.get("start_day", 0) for item in self.plan}
            | {item["end_day"] + 1 for item in self.plan if item.get("end_day") is not None}
        )

        def in_force(day: int) -> list[dict]:
            return [
                item
                for item in self.plan
                if item.get("start_day", 0) <= day
                and (item.get("end_day") is None or item["end_day"] >= day)
            ]

        versions = []
        for index, day in enumerate(changes):
            items = in_force(day)
            if not items:
                continue
            following = changes[index + 1] if index + 1 < len(changes) else None
            end_day = None
            if following is not None and not in_force(following):
                end_day = following - 1
            elif following is None:
                ends = [item.get("end_day") for item in items]
                end_day = None if None in ends else max(ends)
            versions.append({"start_day": day, "end_day": end_day, "items": items})
        return versions

    def _entry(self, care_services, index: int, entry: dict, number: int) -> None:
        data: dict[str, Any] = {
            "recorded_at": self.at(number, entry.get("time")),
            "context": entry["context"],
            "pain_now": entry["pain_now"],
            "pain_worst": entry["pain_worst"],
        }
        for name in ("descriptors", "regions", "triggers", "helped"):
            data[name] = sorted(set(entry.get(name, [])))
        for name in ("rest_relief", "weakness", "is_flare", "notes", *ENTRY_FLAGS):
            if name in entry:
                data[name] = entry[name]
        try:
            care_services.entry_record(self.patient, data, actor=self.patient.user)
        except ValidationError as error:
            self.fail(f"entries[{index}]", _validation_message(error))

    def _outcome(self) -> tuple[list[dict], list[dict]]:
        alerts = [
            {
                "rule": alert.rule,
                "severity": alert.severity,
                "day": (alert.opened_day - self.day_zero).days,
            }
            for alert in Alert.objects.filter(patient=self.patient)
        ]
        alerts.sort(key=lambda a: (a["day"], RULE_IDS.index(a["rule"])))
        flares = [
            {
                "start_day": (flare.start - self.day_zero).days,
                "end_day": None if flare.end is None else (flare.end - self.day_zero).days,
            }
            for flare in FlareEpisode.objects.filter(patient=self.patient).order_by("start")
        ]
        return alerts, flares


def replay_case(
    case: dict[str, Any],
    *,
    check: bool = False,
    params: RuleParams | None = None,
    clinic: Clinic | None = None,
) -> ReplayResult:
    """Replay one case (section 6) and roll everything back. ``params`` (default: the shipped
    defaults, or ``clinic``'s current rule set) is the rule set to check; ``clinic`` also lends
    its time zone and emergency number. With ``check``, ``differences`` lists each way the
    result differs from the case's ``expect``. A bad case raises ``CaseError``."""
    validate_case(case, check_expect=check)
    replay = _Replay(case, params=params, clinic=clinic)
    with transaction.atomic():
        try:
            alerts, flares = replay.run()
        finally:
            # Nothing of the throw-away clinic may stay, and no email may leave: on_commit
            # callbacks of a rolled-back block never run.
            transaction.set_rollback(True)
    result = ReplayResult(id=case["id"], alerts=alerts, flares=flares, checked=check)
    if check:
        result.differences = compare(case["id"], case["expect"], alerts, flares)
    return result
