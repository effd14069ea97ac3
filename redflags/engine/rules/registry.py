"""Every rule, R1-R14, with when it runs (spec.md section 8, "Which rules run when") and the
functions that implement it. ``evaluate`` runs the rules of each trigger in this order."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..domain import RULE_SEVERITY
from ..params import RuleParams
from .day_end import r13_disengaged_plan, r13_disengaged_session, r14_not_improving
from .patterns import (
    r8_worsening_after_sessions,
    r9_failed_24h_response,
    r10_exercise_pain_red_zone,
    r11_escalation_finding,
    r11_flare_finding,
    r12_neuropathic_pattern,
)
from .screening import (
    CAUDA_EQUINA_ANSWERS,
    r1_cauda_equina,
    r2_new_bilateral_leg,
    r3_progressive_weakness,
    r4_function_limiting_nerve,
    r5_spreading_symptoms,
    r6_serious_pathology,
    r7_severe_unrelieved_pain,
)

#: Saving a symptom entry (``evaluate.evaluate_entry``).
ENTRY = "entry"
#: Saving an exercise log (``evaluate.evaluate_exercise_log``).
EXERCISE_LOG = "exercise_log"
#: The daily sweep at the end of a patient's day (``evaluate.evaluate_day_end``).
DAY_END = "day_end"
#: R11 runs beside the others: the services detect flares with ``engine.flare`` when an entry is
#: saved, and check the escalation in the daily sweep, then call its finding functions.
FLARE = "flare"


@dataclass(frozen=True)
class RuleSpec:
    rule: str
    trigger: str
    functions: tuple[Callable[..., Any], ...]


RULES: tuple[RuleSpec, ...] = (
    RuleSpec("R1", ENTRY, (r1_cauda_equina,)),
    RuleSpec("R2", ENTRY, (r2_new_bilateral_leg,)),
    RuleSpec("R3", ENTRY, (r3_progressive_weakness,)),
    RuleSpec("R4", ENTRY, (r4_function_limiting_nerve,)),
    RuleSpec("R5", ENTRY, (r5_spreading_symptoms,)),
    RuleSpec("R6", ENTRY, (r6_serious_pathology,)),
    RuleSpec("R7", ENTRY, (r7_severe_unrelieved_pain,)),
    RuleSpec("R8", ENTRY, (r8_worsening_after_sessions,)),
    RuleSpec("R9", ENTRY, (r9_failed_24h_response,)),
    RuleSpec("R10", EXERCISE_LOG, (r10_exercise_pain_red_zone,)),
    RuleSpec("R11", FLARE, (r11_flare_finding, r11_escalation_finding)),
    RuleSpec("R12", ENTRY, (r12_neuropathic_pattern,)),
    RuleSpec("R13", DAY_END, (r13_disengaged_session, r13_disengaged_plan)),
    RuleSpec("R14", DAY_END, (r14_not_improving,)),
)


def rules_run_on(trigger: str) -> tuple[str, ...]:
    """The ids of the rules ``trigger`` runs, in rule order."""
    return tuple(spec.rule for spec in RULES if spec.trigger == trigger)


#: The yes/no answers of an entry that make a rule fire by themselves, whatever else the entry
#: or the patient's record says (screening.py). Only rules whose answers alone decide are here.
ANSWER_RULES: dict[str, tuple[str, ...]] = {"R1": CAUDA_EQUINA_ANSWERS}


def emergency_answers(params: RuleParams) -> tuple[str, ...]:
    """The answers that, ticked, raise an emergency alert under these parameters. The log page
    renders them so that an entry saved offline shows the emergency advice at once (issue 17):
    this is the only list, and tests/redflags/test_emergency_answers.py checks it against the
    rules themselves."""
    return tuple(
        answer
        for rule, answers in ANSWER_RULES.items()
        if RULE_SEVERITY[rule] == "emergency" and params.is_enabled(rule)
        for answer in answers
    )
