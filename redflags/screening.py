"""Screening on save (spec.md section 8, "Which rules run when"): a saved symptom entry runs
R1-R9, R12 and R11 detection; a saved exercise log runs R10. The screening functions run inside
the caller's transaction (``symptoms.services``, ``exercises.services``): an entry and the alerts
it raises commit together or not at all."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import Clinic
from exercises.models import ExerciseLog as ExerciseLogRow
from symptoms.models import SymptomEntry

from . import selectors
from .alerts import alert_raise
from .engine.rules.evaluate import evaluate_entry, evaluate_exercise_log
from .engine.rules.registry import emergency_answers
from .flares import flares_sync
from .models import Alert
from .rule_sets import current_rule_set


def _distinct(alerts: Iterable[Alert]) -> list[Alert]:
    return list({alert.pk: alert for alert in alerts}.values())


def screen_symptom_entry(entry: SymptomEntry) -> list[Alert]:
    """Evaluate R1-R9 and R12 for the entry just saved, and R11 detection (section 5, "Which
    rules run when"). Called inside the entry's transaction; returns the alerts the entry
    opened or added evidence to. The rule set is read once; every window is read with a fixed
    number of queries (tests/redflags/test_entry_query_count.py)."""
    patient = entry.patient
    version = current_rule_set(patient.clinic)
    params = version.rule_params()
    context = selectors.entry_context(entry, params)
    findings = evaluate_entry(
        context.entry,
        intake=context.intake,
        earlier_entries=context.earlier_entries,
        day_pains=context.day_pains,
        sessions_post_pain=context.sessions_post_pain,
        pre_session_pain=context.pre_session_pain,
        r12_already_fired=context.r12_already_fired,
        params=params,
    )
    alerts = [
        alert_raise(patient, finding, day=entry.day, rule_set_version=version, entry=entry)[0]
        for finding in findings
    ]
    alerts += flares_sync(
        patient,
        rule_set_version=version,
        params=params,
        intake=context.intake,
        day=entry.day,
        touched_day=entry.day,
    )
    return _distinct(alerts)


def emergency_answers_for(clinic: Clinic) -> tuple[str, ...]:
    """The entry answers that alone raise an emergency alert under the clinic's rule set in
    force (the log page renders them for the offline emergency advice)."""
    return emergency_answers(current_rule_set(clinic).rule_params())


def screen_exercise_log(log: ExerciseLogRow) -> list[Alert]:
    """Evaluate R10 for the exercise log just saved, inside its transaction."""
    patient = log.patient
    version = current_rule_set(patient.clinic)
    params = version.rule_params()
    findings = evaluate_exercise_log(
        selectors.exercise_log_to_domain(log),
        earlier_logs=selectors.logs_around(log, params),
        params=params,
    )
    return _distinct(
        alert_raise(patient, finding, day=log.day, rule_set_version=version, exercise_log=log)[0]
        for finding in findings
    )
