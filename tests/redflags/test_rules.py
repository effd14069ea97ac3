"""The red-flag rules R1-R14 (CLINICAL.md section 5), at and around every threshold."""

import itertools
import json
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

import pytest

from redflags.domain import (
    RULE_CODES,
    DayPain,
    Entry,
    ExerciseLog,
    Finding,
    Intake,
    PlanItem,
    Session,
)
from redflags.flare import FlareEpisode
from redflags.params import RuleParams
from redflags.rules import (
    evaluate_day_end,
    evaluate_entry,
    evaluate_exercise_log,
    exercise_traffic_light,
    r1_cauda_equina,
    r2_new_bilateral_leg,
    r3_progressive_weakness,
    r4_function_limiting_nerve,
    r5_spreading_symptoms,
    r6_serious_pathology,
    r7_severe_unrelieved_pain,
    r8_worsening_after_sessions,
    r9_failed_24h_response,
    r10_exercise_pain_red_zone,
    r11_escalation_finding,
    r11_flare_finding,
    r12_neuropathic_pattern,
    r13_disengaged_plan,
    r13_disengaged_session,
    r14_not_improving,
)

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


# --- R1 cauda equina ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sign", ["bladder_bowel_change", "saddle_numbness", "sexual_dysfunction_new"]
)
def test_r1_any_cauda_equina_sign_is_an_emergency_whatever_the_pain(sign):
    e = entry(pain=0, **{sign: True})
    finding = check_finding(r1_cauda_equina(e), "R1", "emergency")
    assert finding.evidence_entry_ids == (e.id,)
    assert finding.data["signs"] == [sign]


def test_r1_saddle_numbness_is_told_plainly_to_the_patient():
    finding = r1_cauda_equina(entry(saddle_numbness=True))
    assert finding.patient_reason == "You told us you have numbness between your legs."


def test_r1_silent_without_signs():
    assert r1_cauda_equina(entry(pain=10, descriptors={"numbness"})) is None


# --- R2 new bilateral leg -----------------------------------------------------------------------

BOTH = {"left_thigh", "right_lower_leg"}


def test_r2_new_symptoms_in_both_legs_are_urgent():
    finding = r2_new_bilateral_leg(entry(20, regions=BOTH), INTAKE, [], P)
    check_finding(finding, "R2", "urgent")


@pytest.mark.parametrize(
    "regions",
    [{"left_thigh", "left_foot"}, {"left_thigh", "lower_back"}, {"left_hand", "right_hand"}],
)
def test_r2_needs_leg_regions_on_both_sides(regions):
    assert r2_new_bilateral_leg(entry(20, regions=regions), INTAKE, [], P) is None


def test_r2_silent_when_the_intake_already_had_both_legs():
    intake = Intake(2, frozenset({"left_foot", "right_foot"}))
    assert r2_new_bilateral_leg(entry(20, regions=BOTH), intake, [], P) is None


@pytest.mark.parametrize(("earlier_day", "fires"), [(5, True), (6, False), (19, False)])
def test_r2_earlier_entry_with_both_legs_counts_within_the_previous_14_days(earlier_day, fires):
    earlier = [entry(earlier_day, regions={"left_buttock", "right_buttock"})]
    assert (r2_new_bilateral_leg(entry(20, regions=BOTH), INTAKE, earlier, P) is not None) is fires


def test_r2_earlier_today_counts():
    earlier = [entry(20, at="08:00", regions=BOTH)]
    assert r2_new_bilateral_leg(entry(20, at="18:00", regions=BOTH), INTAKE, earlier, P) is None


def test_r2_one_side_earlier_and_the_other_later_do_not_add_up():
    intake = Intake(2, frozenset({"left_thigh"}))
    earlier = [entry(15, regions={"right_thigh"}), entry(18, regions={"left_foot"})]
    check_finding(r2_new_bilateral_leg(entry(20, regions=BOTH), intake, earlier, P), "R2", "urgent")


# --- R3 progressive weakness --------------------------------------------------------------------


def test_r3_new_foot_drop_is_urgent():
    finding = r3_progressive_weakness(entry(20, foot_drop=True), [entry(19)], P)
    assert check_finding(finding, "R3", "urgent").data["new_foot_drop"] is True


@pytest.mark.parametrize(("earlier_day", "fires"), [(5, True), (6, False), (19, False)])
def test_r3_foot_drop_reported_in_the_previous_14_days_is_not_new(earlier_day, fires):
    earlier = [entry(earlier_day, foot_drop=True)]
    assert (r3_progressive_weakness(entry(20, foot_drop=True), earlier, P) is not None) is fires


def test_r3_foot_drop_earlier_today_is_not_new():
    earlier = [entry(20, at="08:00", foot_drop=True)]
    assert r3_progressive_weakness(entry(20, at="18:00", foot_drop=True), earlier, P) is None


@pytest.mark.parametrize(
    ("levels", "fires"),
    [
        (["none", "noticeable", "limits_activities"], True),
        (["none", "noticeable", "noticeable"], False),
        (["noticeable", "none", "limits_activities"], False),
        (["limits_activities", "noticeable", "none"], False),
        (["none", "none", "noticeable"], False),
        (["noticeable", "limits_activities"], False),  # only two entries so far
        (["limits_activities", "none", "noticeable", "limits_activities"], True),
    ],
)
def test_r3_weakness_strictly_increasing_over_the_last_three_entries(levels, fires):
    *earlier_levels, now = levels
    earlier = [entry(i, weakness=level) for i, level in enumerate(earlier_levels)]
    finding = r3_progressive_weakness(entry(10, weakness=now), earlier, P)
    assert (finding is not None) is fires


def test_r3_weakness_counts_whatever_the_gaps_between_entries():
    earlier = [entry(0, weakness="none"), entry(30, weakness="noticeable")]
    now = entry(90, weakness="limits_activities")
    finding = check_finding(r3_progressive_weakness(now, earlier, P), "R3", "urgent")
    assert finding.evidence_entry_ids == (earlier[0].id, earlier[1].id, now.id)


def test_r3_ignores_entries_recorded_after_this_one():
    later = entry(12, weakness="none")
    earlier = [entry(5, weakness="none"), entry(8, weakness="noticeable"), later]
    assert r3_progressive_weakness(entry(10, weakness="limits_activities"), earlier, P)


def test_r3_both_branches_make_one_finding():
    earlier = [entry(0, weakness="none"), entry(1, weakness="noticeable")]
    finding = r3_progressive_weakness(
        entry(2, weakness="limits_activities", foot_drop=True), earlier, P
    )
    assert finding.data["new_foot_drop"] and finding.data["weakness_rising"]


# --- R4 function-limiting nerve symptoms --------------------------------------------------------


def test_r4_nerve_symptoms_limiting_activities_are_urgent():
    check_finding(
        r4_function_limiting_nerve(entry(nerve_symptoms_limit_activities=True)), "R4", "urgent"
    )
    assert r4_function_limiting_nerve(entry(weakness="limits_activities")) is None


# --- R5 spreading symptoms ----------------------------------------------------------------------


@pytest.mark.parametrize("descriptor", ["numbness", "tingling", "pins_and_needles"])
def test_r5_nerve_symptoms_reaching_further_down_the_limb_are_urgent(descriptor):
    earlier = [entry(18, regions={"left_buttock", "left_thigh"}, descriptors={"aching"})]
    now = entry(20, regions={"left_lower_leg"}, descriptors={descriptor})
    finding = check_finding(r5_spreading_symptoms(now, INTAKE, earlier, P), "R5", "urgent")
    assert finding.data["spread"] == [
        {"limb_side": "left_leg", "reached": "left_lower_leg", "previous_furthest": "left_thigh"}
    ]


@pytest.mark.parametrize("descriptors", [{"aching"}, {"burning", "shooting"}, set()])
def test_r5_needs_numbness_tingling_or_pins_and_needles(descriptors):
    earlier = [entry(18, regions={"left_thigh"})]
    now = entry(20, regions={"left_foot"}, descriptors=descriptors)
    assert r5_spreading_symptoms(now, INTAKE, earlier, P) is None


@pytest.mark.parametrize(
    ("reached", "fires"), [("left_thigh", False), ("left_lower_leg", False), ("left_foot", True)]
)
def test_r5_must_go_further_than_any_earlier_region_of_that_limb_side(reached, fires):
    intake = Intake(2, frozenset({"left_buttock", "left_lower_leg"}))
    now = entry(20, regions={reached}, descriptors={"tingling"})
    assert (r5_spreading_symptoms(now, intake, [], P) is not None) is fires


def test_r5_limb_side_with_no_earlier_symptoms_does_not_fire():
    intake = Intake(2, frozenset({"left_buttock"}))
    now = entry(20, regions={"right_foot", "left_buttock"}, descriptors={"numbness"})
    assert r5_spreading_symptoms(now, intake, [], P) is None


def test_r5_sides_and_limbs_are_separate_chains():
    # Left leg reached the foot before; the right leg and the left arm are separate chains.
    intake = Intake(2, frozenset({"left_foot", "right_buttock", "left_shoulder"}))
    now = entry(20, regions={"right_thigh", "left_hand"}, descriptors={"tingling"})
    finding = r5_spreading_symptoms(now, intake, [], P)
    assert [s["limb_side"] for s in finding.data["spread"]] == ["left_arm", "right_leg"]


@pytest.mark.parametrize(("hand_day", "fires"), [(5, True), (6, False), (19, False)])
def test_r5_earlier_entries_count_within_the_previous_14_days(hand_day, fires):
    now = entry(20, regions={"right_forearm"}, descriptors={"pins_and_needles"})
    earlier = [entry(19, regions={"right_shoulder"}), entry(hand_day, regions={"right_hand"})]
    assert (r5_spreading_symptoms(now, INTAKE, earlier, P) is not None) is fires


def test_r5_earlier_entries_count_whatever_their_descriptors_including_earlier_today():
    shoulder = entry(19, regions={"right_shoulder"}, descriptors={"tingling"})
    today = entry(20, at="08:00", regions={"right_hand"}, descriptors={"aching"})
    now = entry(20, at="09:00", regions={"right_forearm"}, descriptors={"tingling"})
    assert r5_spreading_symptoms(now, INTAKE, [shoulder], P)
    assert r5_spreading_symptoms(now, INTAKE, [shoulder, today], P) is None


# --- R6 serious pathology -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "cancer", "fires"),
    [
        ({"fever_or_unwell": True}, False, True),
        ({"unexplained_weight_loss": True}, False, True),
        ({"night_pain_unrelieved": True}, True, True),
        ({"night_pain_unrelieved": True}, False, False),
        ({}, True, False),
    ],
)
def test_r6_serious_pathology(fields, cancer, fires):
    intake = Intake(2, cancer_history=cancer)
    finding = r6_serious_pathology(entry(**fields), intake)
    assert (finding is not None) is fires
    if fires:
        check_finding(finding, "R6", "urgent")


# --- R7 severe unrelieved pain ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("worst", "descriptor", "relief", "fires"),
    [
        (6, "stabbing", "no", False),
        (7, "stabbing", "no", True),
        (7, "shooting", "no", True),
        (10, "shooting", "no", True),
        (7, "aching", "no", False),
        (7, "stabbing", "partly", False),
        (7, "stabbing", "yes", False),
        (7, "stabbing", "not_tried", False),
    ],
)
def test_r7_severe_sharp_pain_not_eased_by_rest(worst, descriptor, relief, fires):
    e = entry(pain_now=3, pain_worst=worst, descriptors={descriptor}, rest_relief=relief)
    finding = r7_severe_unrelieved_pain(e, P)
    assert (finding is not None) is fires
    if fires:
        check_finding(finding, "R7", "urgent")


# --- R8 worsening after sessions ----------------------------------------------------------------


def sessions_with(pains: list[int]) -> list[tuple[Session, int]]:
    return [(Session(i + 1, day(7 * i)), pain) for i, pain in enumerate(pains)]


def after_last(pairs: list[tuple[Session, int]]) -> Entry:
    last, pain = pairs[-1]
    return entry(
        (last.day - D0).days, at="18:00", context="after_session", pain=pain, session_id=last.id
    )


@pytest.mark.parametrize(
    ("pains", "fires"),
    [
        ([4, 5, 6], True),
        ([3, 4, 5], True),  # exactly 2 points in all
        ([2, 5, 9], True),
        ([4, 5, 5], False),  # not strictly rising
        ([4, 6, 5], False),
        ([5, 6], False),  # only two sessions with post-session pain
        ([4, 5, 4, 5], False),  # V05: the last three are 5, 4, 5
        ([9, 4, 5, 6], True),  # only the last three count
    ],
)
def test_r8_post_session_pain_rising_over_the_last_three_sessions(pains, fires):
    pairs = sessions_with(pains)
    finding = r8_worsening_after_sessions(after_last(pairs), pairs, P)
    assert (finding is not None) is fires
    if fires:
        check_finding(finding, "R8", "review")


def test_r8_total_rise_is_a_parameter():
    pairs = sessions_with([4, 5, 6])
    assert (
        r8_worsening_after_sessions(after_last(pairs), pairs, RuleParams(r8_min_total_rise=3))
        is None
    )


def test_r8_is_only_checked_on_an_after_session_entry_of_one_of_the_last_sessions():
    pairs = sessions_with([4, 5, 6])
    assert r8_worsening_after_sessions(entry(15, context="daily"), pairs, P) is None
    late_for_first = entry(15, context="after_session", pain=4, session_id=1)
    assert r8_worsening_after_sessions(late_for_first, sessions_with([9, 4, 5, 6]), P) is None


# --- R9 failed 24-hour response -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pre", "now", "fires"),
    [
        (2, 3, False),
        (2, 4, True),
        (0, 2, True),
        (0, 1, False),
        (5, 7, True),
        (7, 9, False),  # 2 < 2.1
        (7, 10, True),
        (Fraction(7, 2), 5, False),  # baseline fallback with a half
        (Fraction(7, 2), 6, True),
    ],
)
def test_r9_next_morning_pain_meaningfully_above_pre_session_pain(pre, now, fires):
    e = entry(1, at="08:00", context="next_morning", pain=now, session_id=1)
    finding = r9_failed_24h_response(e, pre, P)
    assert (finding is not None) is fires
    if fires:
        check_finding(finding, "R9", "review")


@pytest.mark.parametrize("context", ["daily", "after_session", "before_session", "flare"])
def test_r9_only_next_morning_entries(context):
    assert r9_failed_24h_response(entry(1, context=context, pain=9), 2, P) is None


def test_r9_without_a_session_is_silent():
    assert r9_failed_24h_response(entry(1, context="next_morning", pain=9), None, P) is None


# --- R10 exercise pain in the red zone ----------------------------------------------------------


def log(n: int, pain: int, key: str = "bridge") -> ExerciseLog:
    return ExerciseLog(next(_ids), day(n), key, pain)


@pytest.mark.parametrize(
    ("apart", "fires"), [(0, False), (1, True), (12, True), (13, True), (14, False)]
)
def test_r10_red_exercise_pain_on_two_different_days_at_most_13_apart(apart, fires):
    first, second = log(0, 6), log(apart, 8, "squat")
    finding = r10_exercise_pain_red_zone(second, [first], P)
    assert (finding is not None) is fires
    if fires:
        finding = check_finding(finding, "R10", "review")
        assert finding.evidence_exercise_log_ids == (first.id, second.id)


@pytest.mark.parametrize(("earlier", "now", "fires"), [(5, 6, False), (6, 5, False), (6, 6, True)])
def test_r10_red_means_above_5(earlier, now, fires):
    assert (r10_exercise_pain_red_zone(log(3, now), [log(0, earlier)], P) is not None) is fires


def test_r10_single_red_log_gets_no_alert():
    assert r10_exercise_pain_red_zone(log(0, 9), [], P) is None


def test_r10_ignores_the_log_itself_if_passed_back():
    this = log(3, 9)
    assert r10_exercise_pain_red_zone(this, [this], P) is None


@pytest.mark.parametrize(
    ("pain", "light"),
    [(0, "green"), (2, "green"), (3, "amber"), (5, "amber"), (6, "red"), (10, "red")],
)
def test_exercise_traffic_light(pain, light):
    assert exercise_traffic_light(pain, P) == light


# --- R11 findings -------------------------------------------------------------------------------


def test_r11_flare_finding_is_review_and_escalation_is_urgent():
    episode = FlareEpisode(day(3), None, Fraction(7, 2), 7, False, day(4))
    finding = check_finding(r11_flare_finding(episode, [11, 12]), "R11", "review")
    assert finding.evidence_entry_ids == (11, 12)
    assert finding.data["baseline_at_start"] == 3.5
    escalated = check_finding(r11_escalation_finding(episode, day(10), [11]), "R11", "urgent")
    assert escalated.data["days_open"] == 7


def test_r11_self_reported_flare_says_so():
    episode = FlareEpisode(day(3), day(5), Fraction(2), 3, True, day(3))
    assert "Self-reported" in r11_flare_finding(episode, []).reason


# --- R12 neuropathic pattern --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("descriptors", "fires"),
    [
        ({"burning", "tingling"}, False),
        ({"burning", "tingling", "aching", "stabbing"}, False),
        ({"burning", "tingling", "itching"}, True),
        ({"painful_cold", "electric_shock", "pins_and_needles", "numbness"}, True),
    ],
)
def test_r12_three_dn4_items(descriptors, fires):
    finding = r12_neuropathic_pattern(entry(descriptors=descriptors), False, P)
    assert (finding is not None) is fires
    if fires:
        check_finding(finding, "R12", "review")


def test_r12_never_fires_again_once_it_has():
    e = entry(descriptors={"burning", "tingling", "itching", "numbness"})
    assert r12_neuropathic_pattern(e, True, P) is None


# --- R13 disengaged -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry_days", "fires"),
    [(set(), True), ({-1}, True), ({3}, True), ({0}, False), ({1}, False), ({2}, False)],
)
def test_r13_no_entry_on_the_session_day_or_the_two_days_after(entry_days, fires):
    sessions = [Session(1, day(0))]
    findings = r13_disengaged_session(day(2), sessions, {day(n) for n in entry_days}, P)
    assert bool(findings) is fires
    if fires:
        assert check_finding(findings[0], "R13", "low").data["part"] == "session"


@pytest.mark.parametrize("checked_on", [0, 1, 3])
def test_r13_session_part_is_checked_only_at_the_end_of_the_second_day_after(checked_on):
    assert r13_disengaged_session(day(checked_on), [Session(1, day(0))], set(), P) == []


def plan(
    start: int = 0, times: int = 1, days_per_week: int = 7, end: int | None = None
) -> PlanItem:
    return PlanItem("bridge", times, days_per_week, day(start), None if end is None else day(end))


def counts(*logged_days: int) -> dict[date, int]:
    result: dict[date, int] = {}
    for n in logged_days:
        result[day(n)] = result.get(day(n), 0) + 1
    return result


@pytest.mark.parametrize(("checked_on", "fires"), [(5, False), (6, True), (7, True)])
def test_r13_plan_part_is_checked_from_the_end_of_day_start_plus_six(checked_on, fires):
    assert (r13_disengaged_plan(day(checked_on), [plan()], counts(), P) is not None) is fires


@pytest.mark.parametrize(("logged", "fires"), [(3, True), (4, False), (7, False)])
def test_r13_fewer_than_half_of_prescribed_doses(logged, fires):
    # 1 x 7 = 7 prescribed: 3 < 3.5 fires, 4 does not.
    finding = r13_disengaged_plan(day(6), [plan()], counts(*range(logged)), P)
    assert (finding is not None) is fires
    if fires:
        assert check_finding(finding, "R13", "low").data == {
            "part": "plan",
            "logged": 3,
            "prescribed": 7,
            "first_day": day(0).isoformat(),
            "last_day": day(6).isoformat(),
        }


def test_r13_exactly_half_is_enough():
    items = [plan(times=2, days_per_week=2)]  # 4 prescribed
    assert r13_disengaged_plan(day(6), items, counts(0, 1), P) is None
    assert r13_disengaged_plan(day(6), items, counts(0), P)


def test_r13_prescribed_doses_are_summed_over_the_plan_exercises():
    items = [plan(times=2, days_per_week=7), plan(times=1, days_per_week=3)]  # 17
    assert r13_disengaged_plan(day(6), items, counts(*[0] * 9), P) is None
    assert r13_disengaged_plan(day(6), items, counts(*[0] * 8), P)


def test_r13_only_logs_in_the_last_seven_days_count():
    assert r13_disengaged_plan(day(10), [plan()], counts(0, 1, 2, 3, 4, 5, 6), P)


def test_r13_ended_plan_is_not_checked():
    assert r13_disengaged_plan(day(10), [plan(end=9)], counts(), P) is None


# --- R14 not improving --------------------------------------------------------------------------


def pains(spec: dict[int, int]) -> list[DayPain]:
    return [DayPain(day(n), pain) for n, pain in sorted(spec.items())]


FLAT = pains({**dict.fromkeys(range(7), 5), **dict.fromkeys(range(22, 29), 5)})


@pytest.mark.parametrize(("checked_on", "fires"), [(27, False), (28, True)])
def test_r14_checked_28_days_after_the_first_entry(checked_on, fires):
    finding = r14_not_improving(day(checked_on), day(0), FLAT, P)
    assert (finding is not None) is fires
    if fires:
        check_finding(finding, "R14", "review")


@pytest.mark.parametrize(("last", "fires"), [(4, True), (3, False), (2, False), (6, True)])
def test_r14_fires_when_the_last_week_is_not_a_meaningful_fall(last, fires):
    spec = {**dict.fromkeys(range(7), 5), **dict.fromkeys(range(22, 29), last)}
    assert (r14_not_improving(day(28), day(0), pains(spec), P) is not None) is fires


@pytest.mark.parametrize(
    ("first_days", "last_days", "checked"), [(3, 3, True), (2, 7, False), (7, 2, False)]
)
def test_r14_each_window_needs_three_logged_days(first_days, last_days, checked):
    spec = {**dict.fromkeys(range(first_days), 5), **dict.fromkeys(range(29 - last_days, 29), 5)}
    assert (r14_not_improving(day(28), day(0), pains(spec), P) is not None) is checked


def test_r14_uses_medians_of_even_counts():
    # First week median (6 + 8) / 2 = 7; last week 5: a 2-point fall < 2.1 is not meaningful.
    spec = {0: 6, 1: 6, 2: 8, 3: 8, 24: 5, 25: 5, 26: 5}
    assert r14_not_improving(day(28), day(0), pains(spec), P).data["first_median"] == 7
    spec[27] = 4  # last median 5 -> 4.5 is still not a fall of 2.1 ...
    assert r14_not_improving(day(28), day(0), pains(spec), P)
    spec.update({27: 4, 28: 4, 23: 4})  # ... median 4.5 -> a 2.5 fall is
    assert r14_not_improving(day(28), day(0), pains(spec), P) is None


def test_r14_patient_at_zero_pain_cannot_fall_so_it_fires():
    spec = {**dict.fromkeys(range(7), 0), **dict.fromkeys(range(22, 29), 0)}
    assert r14_not_improving(day(28), day(0), pains(spec), P)


def test_r14_without_any_entry_is_silent():
    assert r14_not_improving(day(40), None, [], P) is None


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
