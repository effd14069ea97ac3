"""Builders shared by the rule tests (tests/redflags/test_rules_*.py): days from a fixed Monday,
entries, exercise logs, plan items and daily pains as the pure engine takes them."""

import itertools
import json
from datetime import UTC, date, datetime, time, timedelta

from redflags.engine.domain import (
    RULE_CODES,
    DayPain,
    Entry,
    ExerciseLog,
    Finding,
    Intake,
    PlanItem,
)
from redflags.engine.params import RuleParams

P = RuleParams()
D0 = date(2026, 1, 5)
INTAKE = Intake(baseline_pain=2)
_ids = itertools.count(1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def entry(n: int = 0, *, at: str = "12:00", context: str = "daily", pain: int = 2, **kw) -> Entry:
    """An entry on day ``n``; ``pain`` sets pain_now and pain_worst unless given separately."""
    kw.setdefault("pain_now", pain)
    kw.setdefault("pain_worst", max(pain, kw["pain_now"]))
    return Entry(
        id=kw.pop("id", next(_ids)),
        day=day(n),
        recorded_at=datetime.combine(day(n), time.fromisoformat(at), tzinfo=UTC),
        context=context,
        session_id=kw.pop("session_id", None),
        **kw,
    )


def check_finding(finding: Finding | None, rule: str, severity: str) -> Finding:
    """Every finding carries its rule code, severity, two readable reasons and JSON data."""
    assert finding is not None
    assert (finding.rule, finding.code, finding.severity) == (rule, RULE_CODES[rule], severity)
    assert finding.reason.endswith(".") and finding.patient_reason.endswith(".")
    assert finding.patient_reason.split()[0] in {"You", "Your", "It", "The", "We"}
    json.dumps(finding.data)
    return finding


#: Leg regions on both sides (R2).
BOTH = {"left_thigh", "right_lower_leg"}


def log(n: int, pain: int, key: str = "bridge") -> ExerciseLog:
    return ExerciseLog(next(_ids), day(n), key, pain)


def plan(
    start: int = 0, times: int = 1, days_per_week: int = 7, end: int | None = None
) -> PlanItem:
    return PlanItem("bridge", times, days_per_week, day(start), None if end is None else day(end))


def counts(*logged_days: int) -> dict[date, int]:
    result: dict[date, int] = {}
    for n in logged_days:
        result[day(n)] = result.get(day(n), 0) + 1
    return result


def pains(spec: dict[int, int]) -> list[DayPain]:
    return [DayPain(day(n), pain) for n, pain in sorted(spec.items())]


FLAT = pains({**dict.fromkeys(range(7), 5), **dict.fromkeys(range(22, 29), 5)})
