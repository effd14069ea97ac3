"""Replay of clinical-safety cases (spec.md section 10) through the real services.

A case is loaded into a throw-away clinic inside a transaction that is always rolled back, so
nothing is left in the database and no email leaves (an outbox row is only handed to the task
queue when its transaction commits, and this one never does). Records go through the same
services the forms use: ``symptoms.services`` for the intake, sessions and entries,
``exercises.services`` for the plan and the exercise logs, ``redflags.sweep`` for the daily
sweep. ``replay_format`` reads and checks a case file, ``replay_compare`` compares the result
with the case's ``expect``. The tests check this against an in-memory oracle over the pure
engine (tests/redflags/replay_pure.py).

``replay_case`` is what the ``replay_case`` command and the clinic's upload page call.
"""

from __future__ import annotations

import json
import secrets
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Clinic, Patient, User
from exercises.field_lists import EXERCISE_LOG_FIELDS, PLAN_ITEM_FIELDS
from exercises.services import exercise_create, plan_version_save
from redflags.engine.domain import RULE_IDS
from redflags.engine.params import RuleParams
from redflags.models import Alert, FlareEpisode, RuleSetVersion
from redflags.replay_compare import compare
from redflags.replay_format import CaseError, validate_case
from redflags.rule_sets import current_rule_set
from redflags.sweep import daily_sweep
from symptoms.field_lists import (
    ENTRY_FIELDS,
    ENTRY_SET_FIELDS,
    INTAKE_FIELDS,
    INTAKE_SET_FIELDS,
    SESSION_FIELDS,
    SESSION_SET_FIELDS,
)
from symptoms.services import intake_save, pt_session_create

from ..services import dose_record, entry_record

#: Day 0 of every case; the same date as the pure oracle (any fixed date will do, section 6).
DAY_ZERO = date(2026, 1, 5)
DEFAULT_TIME = "12:00"


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


# --- Loading a case through the services ---------------------------------------------------------


def _values(record: dict[str, Any], names: tuple[str, ...], sets: tuple[str, ...]) -> dict:
    """The model field values a case's record gives (a model default stands for the rest); each
    set of choices sorted, without repeats, as it is stored."""
    values = {name: record[name] for name in names if name in record}
    for name in sets:
        values[name] = sorted(set(record.get(name, [])))
    return values


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
        self._setup()
        exercises = self._exercises()
        self._plan(exercises)
        if self.last_day is None:
            return self._outcome()
        by_day = self._by_day()
        for number in range(self.first_day, self.last_day + 1):
            work = by_day.get(number, {})
            for index, session in work.get("sessions", []):
                self._session(index, session, number)
            # sorted() is stable: entries at the same time keep their file order.
            for index, entry in sorted(
                work.get("entries", []), key=lambda pair: pair[1].get("time", DEFAULT_TIME)
            ):
                self._entry(index, entry, number)
            for index, log in sorted(
                work.get("logs", []), key=lambda pair: pair[1].get("time", DEFAULT_TIME)
            ):
                self._log(exercises, index, log, number)
            if number >= 0:
                daily_sweep(self.clinic, self.date_of(number))
        return self._outcome()

    def _by_day(self) -> dict[int, dict[str, list]]:
        """The case's sessions, entries and logs by day number, each with its index in the file."""
        by_day: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for index, session in enumerate(self.sessions):
            by_day[session["day"]]["sessions"].append((index, session))
        for index, entry in enumerate(self.entries):
            by_day[entry["day"]]["entries"].append((index, entry))
        for index, log in enumerate(self.logs):
            by_day[log["day"]]["logs"].append((index, log))
        return by_day

    def _exercises(self) -> dict[str, Any]:
        """One library exercise for each name the plan or the logs use."""
        exercises = {}
        for name in sorted(
            {item["exercise"] for item in self.plan} | {log["exercise"] for log in self.logs}
        ):
            try:
                exercises[name] = exercise_create(
                    self.clinic, {"name": name, "body_area": "general"}, actor=self.therapist
                )
            except ValidationError as error:
                self.fail(f"exercise {name!r}", _validation_message(error))
        return exercises

    def _plan(self, exercises: dict[str, Any]) -> None:
        # The therapist enters the whole plan before the first day: later versions are
        # scheduled changes (as the plan builder allows), so every exercise the plan names is
        # known from the start, as in the pure oracle.
        for version in self._plan_versions():
            number = version["start_day"]
            items = [
                {
                    "exercise": exercises[item["exercise"]],
                    **{k: item[k] for k in PLAN_ITEM_FIELDS if k in item},
                }
                for item in version["items"]
            ]
            end_day = version["end_day"]
            try:
                plan_version_save(
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

    def _session(self, index: int, session: dict, number: int) -> None:
        try:
            pt_session_create(
                self.patient,
                {
                    **_values(session, SESSION_FIELDS, SESSION_SET_FIELDS),
                    "date": self.date_of(number),
                },
                actor=self.therapist,
            )
        except ValidationError as error:
            self.fail(f"sessions[{index}]", _validation_message(error))

    def _log(self, exercises: dict[str, Any], index: int, log: dict, number: int) -> None:
        try:
            dose_record(
                self.patient,
                exercise=exercises[log["exercise"]],
                logged_at=self.at(number, log.get("time")),
                **_values(log, EXERCISE_LOG_FIELDS, ()),
                actor=self.patient.user,
            )
        except ValidationError as error:
            self.fail(f"exercise_logs[{index}]", _validation_message(error))

    def _setup(self) -> None:

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
            params = current_rule_set(source).rule_params()
        RuleSetVersion.objects.create(
            clinic=self.clinic,
            number=1,
            params=(params or RuleParams()).to_dict(),
            note=f"Replay of {self.case_id}"[:500],
        )
        intake = self.case["intake"]
        try:
            intake_save(
                self.patient,
                _values(intake, INTAKE_FIELDS, INTAKE_SET_FIELDS),
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
                known = [end for end in ends if end is not None]
                end_day = max(known) if len(known) == len(ends) else None
            versions.append({"start_day": day, "end_day": end_day, "items": items})
        return versions

    def _entry(self, index: int, entry: dict, number: int) -> None:
        data = {
            "recorded_at": self.at(number, entry.get("time")),
            **_values(entry, ENTRY_FIELDS, ENTRY_SET_FIELDS),
        }
        try:
            entry_record(self.patient, data, actor=self.patient.user)
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
