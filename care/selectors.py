"""Reads that span apps, for the patient pages of care."""

from __future__ import annotations

from accounts.models import Patient
from exercises.traffic_light import Light, traffic_light
from redflags.rule_sets import current_rule_set


def light_for(patient: Patient, pain_during: int) -> Light:
    """The traffic light with the thresholds of the patient's clinic's rule set (spec.md
    section 4; red is R10's red zone, so the light and the rule never disagree)."""
    params = current_rule_set(patient.clinic).rule_params()
    return traffic_light(
        pain_during,
        green_max_pain=params.exercise_green_max_pain,
        red_above_pain=params.r10_red_pain_above,
    )
