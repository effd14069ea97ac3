"""The three entry points that bundle the rules by trigger (spec.md section 8, "Which rules
run when"), in the order of ``registry.RULES``. Disabled rules (``params.enabled``) are skipped
here; the single-rule functions do not look at ``enabled``."""

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from fractions import Fraction

from ..baseline import baseline_on
from ..domain import DayPain, Entry, ExerciseLog, Finding, Intake, PlanItem, Session
from ..params import RuleParams
from .day_end import r13_disengaged_plan, r13_disengaged_session, r14_not_improving
from .patterns import (
    r8_worsening_after_sessions,
    r9_failed_24h_response,
    r10_exercise_pain_red_zone,
    r12_neuropathic_pattern,
)
from .registry import DAY_END, ENTRY, EXERCISE_LOG, rules_run_on
from .screening import (
    r1_cauda_equina,
    r2_new_bilateral_leg,
    r3_progressive_weakness,
    r4_function_limiting_nerve,
    r5_spreading_symptoms,
    r6_serious_pathology,
    r7_severe_unrelieved_pain,
)

#: One rule's check: its findings (none, one, or one per session for R13).
Check = Callable[[], list[Finding]]


def evaluate_entry(
    entry: Entry,
    *,
    intake: Intake,
    earlier_entries: Sequence[Entry],
    day_pains: Sequence[DayPain],
    sessions_post_pain: Sequence[tuple[Session, int]],
    pre_session_pain: int | Fraction | None,
    r12_already_fired: bool,
    params: RuleParams,
) -> list[Finding]:
    """Rules run when a symptom entry is saved: R1-R9 and R12, in rule order.

    What the service passes (section 5 windows):

    * ``earlier_entries``: the patient's entries of days D-14..D-1 and those recorded earlier
      on day D, plus the two entries immediately before this one if they are older (R3's
      weakness branch looks back "whatever the gaps"). Passing more is harmless: each rule
      filters by date and by ``recorded_at``; this entry itself is ignored if included.
    * ``day_pains``: logged days up to and including D (only used for R9's fallback below).
    * ``sessions_post_pain``: (session, post-session pain) for the sessions that have
      post-session pain, oldest first, with this entry already counted; at least the last
      ``params.r8_sessions`` of them.
    * ``pre_session_pain``: for a ``next_morning`` entry, the pre-session pain of its session
      (``pre_session_pain()`` helper); None when there is no session. If it is None while
      ``entry.session_id`` is set, the baseline on the previous day is used.
    * ``r12_already_fired``: whether R12 has ever fired for this patient.
    """
    if (
        pre_session_pain is None
        and entry.context == "next_morning"
        and entry.session_id is not None
    ):
        pre_session_pain = baseline_on(
            entry.day - timedelta(days=1), day_pains, intake.baseline_pain, params
        )

    checks: dict[str, Check] = {
        "R1": lambda: _found(r1_cauda_equina(entry)),
        "R2": lambda: _found(r2_new_bilateral_leg(entry, intake, earlier_entries, params)),
        "R3": lambda: _found(r3_progressive_weakness(entry, earlier_entries, params)),
        "R4": lambda: _found(r4_function_limiting_nerve(entry)),
        "R5": lambda: _found(r5_spreading_symptoms(entry, intake, earlier_entries, params)),
        "R6": lambda: _found(r6_serious_pathology(entry, intake)),
        "R7": lambda: _found(r7_severe_unrelieved_pain(entry, params)),
        "R8": lambda: _found(r8_worsening_after_sessions(entry, sessions_post_pain, params)),
        "R9": lambda: _found(r9_failed_24h_response(entry, pre_session_pain, params)),
        "R12": lambda: _found(r12_neuropathic_pattern(entry, r12_already_fired, params)),
    }
    return _run(ENTRY, checks, params)


def evaluate_exercise_log(
    log: ExerciseLog, *, earlier_logs: Sequence[ExerciseLog], params: RuleParams
) -> list[Finding]:
    """Rule run when an exercise log is saved: R10. ``earlier_logs``: the patient's other
    exercise logs of days D-13..D (more is harmless; the rule filters by date)."""
    checks: dict[str, Check] = {
        "R10": lambda: _found(r10_exercise_pain_red_zone(log, earlier_logs, params)),
    }
    return _run(EXERCISE_LOG, checks, params)


def evaluate_day_end(
    day: date,
    *,
    sessions: Sequence[Session],
    entry_days: set[date],
    plan_items: Sequence[PlanItem],
    log_counts: Mapping[date, int],
    first_entry_day: date | None,
    day_pains: Sequence[DayPain],
    params: RuleParams,
) -> list[Finding]:
    """Rules run by the daily sweep at the end of ``day``: R13 (both parts) and R14.

    The service passes: ``sessions`` that took place on days D-2..D (more is harmless);
    ``entry_days`` with any symptom entry on D-2..D (more is harmless); the ``plan_items`` of
    the plan versions in force; ``log_counts`` of logs of exercises those items name, per day,
    for D-6..D; the day of the patient's first entry; and ``day_pains`` covering the first and
    the last 7 days. The R11 escalation is separate (``flare.flare_needs_escalation``)."""
    checks: dict[str, Check] = {
        # The session part first: one finding per session, then the plan part.
        "R13": lambda: [
            *r13_disengaged_session(day, sessions, entry_days, params),
            *_found(r13_disengaged_plan(day, plan_items, log_counts, params)),
        ],
        "R14": lambda: _found(r14_not_improving(day, first_entry_day, day_pains, params)),
    }
    return _run(DAY_END, checks, params)


def _found(*candidates: Finding | None) -> list[Finding]:
    return [finding for finding in candidates if finding is not None]


def _run(trigger: str, checks: Mapping[str, Check], params: RuleParams) -> list[Finding]:
    """The findings of the enabled rules ``trigger`` runs, in rule order."""
    rules = rules_run_on(trigger)
    if set(checks) != set(rules):
        # A rule listed and not wired (or the reverse) would silently never run.
        raise LookupError(f"{trigger} checks {sorted(checks)} but the registry lists {rules}")
    findings: list[Finding] = []
    for rule in rules:
        if params.is_enabled(rule):
            findings.extend(checks[rule]())
    return findings
