"""The red flags screened on every entry, R1-R7 (spec.md section 8), at and around every
threshold."""

import pytest

from redflags.engine.domain import Intake
from redflags.engine.rules.screening import (
    r1_cauda_equina,
    r2_new_bilateral_leg,
    r3_progressive_weakness,
    r4_function_limiting_nerve,
    r5_spreading_symptoms,
    r6_serious_pathology,
    r7_severe_unrelieved_pain,
)
from tests.redflags.rule_helpers import (
    BOTH,
    INTAKE,
    P,
    check_finding,
    entry,
)

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
