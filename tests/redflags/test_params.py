"""Rule-set parameters: defaults from spec.md, JSON storage, mandatory rules."""

import dataclasses
import json
from fractions import Fraction

import pytest

from redflags.engine.domain import RULE_IDS
from redflags.engine.params import MANDATORY_RULES, RuleParams


def test_defaults_are_the_shipped_thresholds_of_clinical_md():
    p = RuleParams()
    assert (p.baseline_window_days, p.baseline_min_days) == (14, 3)
    assert (p.rise_min_points, p.rise_min_fraction) == (2, Fraction(3, 10))
    assert (p.flare_next_day_max_gap, p.flare_end_margin_points) == (2, 1)
    assert (p.flare_session_link_days, p.flare_escalate_after_days) == (2, 7)
    assert (p.r2_window_days, p.r3_window_days, p.r5_window_days) == (14, 14, 14)
    assert p.r3_rising_entries == 3
    assert p.r7_min_pain_worst == 7
    assert (p.r8_sessions, p.r8_min_total_rise) == (3, 2)
    assert (p.exercise_green_max_pain, p.r10_red_pain_above) == (2, 5)
    assert (p.r10_window_days, p.r10_min_red_days) == (14, 2)
    assert p.r12_min_dn4_items == 3
    assert (p.r13_session_days, p.r13_plan_days, p.r13_min_fraction) == (2, 7, Fraction(1, 2))
    assert (p.r14_min_days, p.r14_window_days, p.r14_min_logged_days) == (28, 7, 3)
    assert p.enabled == frozenset(RULE_IDS)


def test_params_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        RuleParams().r7_min_pain_worst = 8  # type: ignore[misc]


def test_to_dict_stores_fractions_as_strings_and_enabled_as_a_list():
    data = RuleParams().to_dict()
    assert data["rise_min_fraction"] == "3/10"
    assert data["r13_min_fraction"] == "1/2"
    assert data["enabled"] == list(RULE_IDS)
    assert json.loads(json.dumps(data)) == data


def test_round_trip_through_json_is_exact():
    tuned = RuleParams(
        rise_min_fraction=Fraction(1, 3), r7_min_pain_worst=8, enabled=frozenset({"R8", "R12"})
    )
    assert RuleParams.from_dict(json.loads(json.dumps(tuned.to_dict()))) == tuned


def test_from_dict_fills_missing_keys_with_defaults():
    assert RuleParams.from_dict({}) == RuleParams()
    assert RuleParams.from_dict({"r7_min_pain_worst": 8}).r7_min_pain_worst == 8


@pytest.mark.parametrize("stored", ["3/10", "0.3", " 3/10 ", 0.3, Fraction(3, 10)])
def test_fractions_are_read_exactly_from_strings_and_floats(stored):
    assert RuleParams.from_dict({"rise_min_fraction": stored}).rise_min_fraction == Fraction(3, 10)


def test_integer_fraction_is_accepted():
    assert RuleParams.from_dict({"r13_min_fraction": 1}).r13_min_fraction == 1


def test_from_dict_forces_mandatory_rules_on():
    params = RuleParams.from_dict({"enabled": ["R8"]})
    assert params.enabled == MANDATORY_RULES | {"R8"}
    assert {f"R{n}" for n in range(1, 8)} == MANDATORY_RULES


def test_mandatory_rules_cannot_be_disabled_by_the_constructor_either():
    assert RuleParams(enabled=frozenset()).enabled == MANDATORY_RULES
    assert all(RuleParams(enabled=frozenset()).is_enabled(r) for r in MANDATORY_RULES)


def test_optional_rules_can_be_disabled():
    params = RuleParams.from_dict({"enabled": ["R1"]})
    assert not any(params.is_enabled(f"R{n}") for n in range(8, 15))


@pytest.mark.parametrize(
    "data",
    [
        {"r7_min_pain": 7},  # misspelt: must not silently fall back to the default
        {"enabled": ["R15"]},
        {"rise_min_fraction": "three tenths"},
        {"rise_min_fraction": "1/0"},
        {"rise_min_fraction": "3/2"},
        {"rise_min_fraction": True},
        {"r7_min_pain_worst": "7"},
        {"r7_min_pain_worst": 7.0},
        {"r7_min_pain_worst": -1},
        {"r8_sessions": 1},
        {"r10_window_days": 0},
    ],
)
def test_invalid_stored_parameters_are_rejected(data):
    with pytest.raises(ValueError):
        RuleParams.from_dict(data)
