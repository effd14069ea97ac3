"""The entry points that run the rules by trigger (spec.md section 8, "Which rules run when"),
the registry of R1-R14, and the domain's refusal of invalid data."""

import pytest

from redflags.engine.domain import RULE_IDS, Entry, Finding, Session
from redflags.engine.params import RuleParams
from redflags.engine.rules import evaluate as evaluate_module
from redflags.engine.rules.evaluate import evaluate_day_end, evaluate_entry, evaluate_exercise_log
from redflags.engine.rules.registry import (
    DAY_END,
    ENTRY,
    EXERCISE_LOG,
    FLARE,
    RULES,
    rules_run_on,
)
from tests.redflags.rule_helpers import (
    BOTH,
    FLAT,
    INTAKE,
    P,
    day,
    entry,
    log,
    pains,
    plan,
)

# --- entry points -------------------------------------------------------------------------------


def evaluate(e: Entry, **overrides) -> list[Finding]:
    kwargs = {
        "intake": INTAKE,
        "earlier_entries": [],
        "day_pains": [],
        "sessions_post_pain": [],
        "pre_session_pain": None,
        "r12_already_fired": False,
        "params": P,
    } | overrides
    return evaluate_entry(e, **kwargs)


def test_evaluate_entry_runs_r1_to_r9_and_r12_in_rule_order():
    e = entry(
        pain_now=7,
        pain_worst=9,
        descriptors={"stabbing", "burning", "tingling", "numbness"},
        regions=BOTH,
        rest_relief="no",
        foot_drop=True,
        saddle_numbness=True,
        nerve_symptoms_limit_activities=True,
        fever_or_unwell=True,
    )
    assert [f.rule for f in evaluate(e)] == ["R1", "R2", "R3", "R4", "R6", "R7", "R12"]


def test_evaluate_entry_skips_disabled_optional_rules_but_never_mandatory_ones():
    e = entry(saddle_numbness=True, descriptors={"burning", "tingling", "numbness"})
    params = RuleParams(enabled=frozenset())
    assert [f.rule for f in evaluate(e, params=params)] == ["R1"]


def test_evaluate_entry_r9_falls_back_to_the_baseline_on_the_session_day():
    morning = entry(8, at="08:00", context="next_morning", pain=4, session_id=3)
    history = pains({0: 3, 1: 3, 2: 3, 7: 4})  # baseline on day 7 = median(3, 3, 3) = 3
    assert [f.rule for f in evaluate(morning, day_pains=history)] == []
    morning = entry(8, at="08:00", context="next_morning", pain=5, session_id=3)
    assert [f.rule for f in evaluate(morning, day_pains=history)] == ["R9"]
    # Without a linked session there is nothing to compare with.
    unlinked = entry(8, at="08:00", context="next_morning", pain=9)
    assert [f.rule for f in evaluate(unlinked, day_pains=history)] == []


def test_evaluate_exercise_log_runs_r10():
    assert [
        f.rule for f in evaluate_exercise_log(log(5, 6), earlier_logs=[log(0, 7)], params=P)
    ] == ["R10"]
    off = RuleParams(enabled=frozenset())
    assert evaluate_exercise_log(log(5, 6), earlier_logs=[log(0, 7)], params=off) == []


def test_evaluate_day_end_runs_r13_and_r14():
    findings = evaluate_day_end(
        day(28),
        sessions=[Session(1, day(26))],
        entry_days={d.day for d in FLAT},
        plan_items=[plan()],
        log_counts={},
        first_entry_day=day(0),
        day_pains=FLAT,
        params=P,
    )
    # The session on day 26 was followed by entries, so only the plan part of R13 fires.
    assert [(f.rule, f.data.get("part")) for f in findings] == [("R13", "plan"), ("R14", None)]


def test_evaluate_day_end_session_part_and_disabled_rules():
    kwargs = {
        "sessions": [Session(1, day(26))],
        "entry_days": set(),
        "plan_items": [],
        "log_counts": {},
        "first_entry_day": None,
        "day_pains": [],
    }
    assert [f.rule for f in evaluate_day_end(day(28), params=P, **kwargs)] == ["R13"]
    assert evaluate_day_end(day(28), params=RuleParams(enabled=frozenset()), **kwargs) == []


# --- domain validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"pain_now": 11},
        {"pain_now": -1},
        {"pain_now": 5, "pain_worst": 4},
        {"descriptors": {"stabing"}},
        {"regions": {"left_knee"}},
        {"rest_relief": "maybe"},
        {"weakness": "severe"},
        {"is_flare": "perhaps"},
        {"context": "weekly"},
    ],
)
def test_invalid_entries_are_rejected_rather_than_silently_ignored(fields):
    with pytest.raises(ValueError):
        entry(**fields)


# --- the registry -------------------------------------------------------------------------------


def test_the_registry_lists_every_rule_once_in_rule_order():
    assert tuple(spec.rule for spec in RULES) == RULE_IDS


def test_each_trigger_runs_the_rules_section_5_says():
    assert rules_run_on(ENTRY) == ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R12")
    assert rules_run_on(EXERCISE_LOG) == ("R10",)
    assert rules_run_on(DAY_END) == ("R13", "R14")
    assert rules_run_on(FLARE) == ("R11",)


def test_each_rule_function_is_named_after_its_rule():
    for spec in RULES:
        assert spec.functions
        for function in spec.functions:
            assert function.__name__.startswith(f"{spec.rule.lower()}_"), function.__name__


def test_a_rule_listed_for_a_trigger_but_not_wired_fails_loudly():
    # A safety rule that silently never ran would be worse than an error.
    with pytest.raises(LookupError):
        evaluate_module._run(ENTRY, {"R1": lambda: []}, P)
