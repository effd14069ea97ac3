"""Reads that span apps, for the patient pages of care."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import Patient
from exercises.traffic_light import Light, traffic_light
from redflags.engine.params import RuleParams
from redflags.rule_sets import current_rule_set


def light_for(patient: Patient, pain_during: int) -> Light:
    """The traffic light with the thresholds of the patient's clinic's rule set (spec.md
    section 4; red is R10's red zone, so the light and the rule never disagree)."""
    return lights_for(patient, [pain_during])[pain_during]


def lights_for(patient: Patient, pains: Iterable[int]) -> dict[int, Light]:
    """The traffic light of each pain, reading the rule set once (one query, none for no
    pains)."""
    wanted = set(pains)
    if not wanted:
        return {}
    params = current_rule_set(patient.clinic).rule_params()
    return {pain: _light(pain, params) for pain in wanted}


def _light(pain_during: int, params: RuleParams) -> Light:
    return traffic_light(
        pain_during,
        green_max_pain=params.exercise_green_max_pain,
        red_above_pain=params.r10_red_pain_above,
    )
