"""The pure replay simulator (spec.md section 10) against every clinical-safety case in
docs/clinical/cases, plus a few synthetic cases for sweep-driven behaviour they do not cover."""

import json

import pytest

from redflags.engine.params import RuleParams
from tests.clinical_docs import CASES, CASES_DIR
from tests.redflags.replay_pure import simulate_case


def alert_set(alerts):
    return {(a["rule"], a["severity"], a["day"]) for a in alerts}


def test_vignettes_are_found():
    assert CASES, f"no clinical-safety cases in {CASES_DIR}"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_vignette_is_reproduced(path):
    case = json.loads(path.read_text())
    result = simulate_case(case)
    assert result["id"] == case["id"]
    assert alert_set(result["alerts"]) == alert_set(case["expect"]["alerts"])
    expected_flares = sorted(case["expect"]["flares"], key=lambda f: f["start_day"])
    assert result["flares"] == expected_flares


def case(entries, **extra):
    return {
        "id": "synthetic",
        "intake": {"baseline_pain": 2, "baseline_regions": []},
        "sessions": extra.pop("sessions", []),
        "entries": entries,
        **extra,
    }


def daily(day, pain, **fields):
    return {"day": day, "context": "daily", "pain_now": pain, "pain_worst": pain, **fields}


@pytest.mark.parametrize(("last_day", "severity"), [(6, "review"), (7, "urgent")])
def test_open_flare_escalates_in_the_sweep_at_the_end_of_day_start_plus_seven(last_day, severity):
    entries = [daily(0, 6), daily(1, 6)]
    # A session on the last day extends the sweep without logging anything.
    result = simulate_case(case(entries, sessions=[{"day": last_day}]))
    assert alert_set(result["alerts"]) & {("R11", "review", 1), ("R11", "urgent", 1)} == {
        ("R11", severity, 1)
    }
    assert result["flares"] == [{"start_day": 0, "end_day": None}]


def test_flare_that_ends_before_day_seven_does_not_escalate():
    entries = [daily(0, 6), daily(1, 6), daily(5, 2)]
    result = simulate_case(case(entries, sessions=[{"day": 9}]))
    assert ("R11", "review", 1) in alert_set(result["alerts"])
    assert result["flares"] == [{"start_day": 0, "end_day": 5}]


def test_a_later_finding_of_the_same_rule_does_not_open_a_second_alert():
    entries = [daily(0, 2, fever_or_unwell=True), daily(3, 2, unexplained_weight_loss=True)]
    result = simulate_case(case(entries))
    assert alert_set(result["alerts"]) == {("R6", "urgent", 0)}


def test_r12_opens_once_only():
    burning = ["burning", "tingling", "numbness"]
    entries = [daily(0, 2, descriptors=burning), daily(1, 2, descriptors=burning)]
    assert alert_set(simulate_case(case(entries))["alerts"]) == {("R12", "review", 0)}


def test_r13_session_part_runs_in_the_sweep_at_the_end_of_the_second_day():
    result = simulate_case(case([daily(3, 2)], sessions=[{"day": 0}]))
    assert alert_set(result["alerts"]) == {("R13", "low", 2)}


def test_r13_plan_part_is_checked_from_day_start_plus_six():
    plan = [{"exercise": "bridge", "start_day": 0, "times_per_day": 1, "days_per_week": 7}]
    logs = [{"day": d, "exercise": "bridge", "pain_during": 1} for d in range(3)]
    entries = [daily(d, 2) for d in range(8)]
    result = simulate_case(case(entries, plan=plan, exercise_logs=logs))
    assert alert_set(result["alerts"]) == {("R13", "low", 6)}


def test_r10_from_exercise_logs_and_unplanned_exercises_are_simply_logged():
    logs = [
        {"day": 0, "exercise": "bridge", "pain_during": 6},
        {"day": 13, "exercise": "squat", "pain_during": 7},
    ]
    result = simulate_case(case([daily(d, 2) for d in range(0, 14, 2)], exercise_logs=logs))
    assert ("R10", "review", 13) in alert_set(result["alerts"])


def test_r14_runs_in_the_sweep_from_day_28():
    entries = [daily(d, 2) for d in range(29)]
    result = simulate_case(case(entries))
    assert alert_set(result["alerts"]) == {("R14", "review", 28)}


def test_disabled_optional_rule_does_not_open_an_alert():
    entries = [daily(0, 2, descriptors=["burning", "tingling", "numbness"])]
    params = RuleParams(enabled=frozenset({"R11"}))
    assert simulate_case(case(entries), params)["alerts"] == []


def test_entries_are_processed_in_time_order_within_a_day():
    # Listed falling, timed rising: weakness strictly increases only in time order (R3).
    entries = [
        daily(0, 2, time="20:00", weakness="limits_activities"),
        daily(0, 2, time="12:00", weakness="noticeable"),
        daily(0, 2, time="07:00"),
    ]
    assert alert_set(simulate_case(case(entries))["alerts"]) == {("R3", "urgent", 0)}


@pytest.mark.parametrize(
    ("levels", "fires"),
    [
        (["none", "noticeable", "limits_activities"], True),
        (["limits_activities", "noticeable", "none"], False),
    ],
)
def test_entries_at_the_same_time_keep_their_file_order(levels, fires):
    entries = [daily(0, 2, time="09:00", weakness=level) for level in levels]
    alerts = alert_set(simulate_case(case(entries))["alerts"])
    assert (("R3", "urgent", 0) in alerts) is fires


def test_plan_dosage_defaults_to_once_a_day_every_day():
    plan = [{"exercise": "bridge", "start_day": 0}]
    logs = [{"day": d, "exercise": "bridge", "pain_during": 1} for d in range(4)]
    entries = [daily(d, 2) for d in range(7)]
    # 4 of 7 doses logged is at least half: no R13.
    assert simulate_case(case(entries, plan=plan, exercise_logs=logs))["alerts"] == []
    assert simulate_case(case(entries, plan=plan, exercise_logs=logs[:3]))["alerts"] == [
        {"rule": "R13", "severity": "low", "day": 6}
    ]


def test_disabled_r11_still_reports_flares():
    result = simulate_case(case([daily(0, 6), daily(1, 6)]), RuleParams(enabled=frozenset()))
    assert result == {
        "id": "synthetic",
        "alerts": [],
        "flares": [{"start_day": 0, "end_day": None}],
    }


def test_unsure_does_not_keep_a_flare_open():
    entries = [daily(0, 6), daily(1, 6), daily(2, 2, is_flare="unsure")]
    assert simulate_case(case(entries))["flares"] == [{"start_day": 0, "end_day": 2}]
