"""What an alert found, in words for a clinician (issue 11): one sentence per rule from the data
the rule recorded, the rule's name when the data cannot be read, and when: "reported at" for
what the patient told us, "found on" for the daily check."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from redflags.finding_words import finding_headline, finding_summary

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("rule", "data", "words"),
    [
        ("R1", {"signs": ["bladder_bowel_change"]}, "Bladder or bowel change"),
        (
            "R1",
            {"signs": ["saddle_numbness", "sexual_dysfunction_new"]},
            "Saddle numbness and new sexual dysfunction",
        ),
        ("R2", {"leg_regions": ["left_thigh", "right_calf"]}, "New symptoms in both legs"),
        ("R3", {"new_foot_drop": True, "weakness_rising": False}, "New foot drop"),
        (
            "R5",
            {"spread": [{"limb_side": "left_leg"}, {"limb_side": "right_arm"}]},
            "Symptoms spreading down the left leg and right arm",
        ),
        ("R6", {"signs": ["unexplained_weight_loss"]}, "Unexplained weight loss"),
        (
            "R7",
            {"pain_worst": 8, "descriptors": ["shooting", "stabbing"], "rest_relief": "no"},
            "Severe shooting and stabbing pain (worst 8/10) not eased by rest",
        ),
        (
            "R9",
            {"pain_now": 6, "pre_session_pain": 3},
            "Next-morning pain 6, above 3 before the session",
        ),
        (
            "R10",
            {"pain_during": 8, "red_days": []},
            "Exercise pain 8/10, in the red zone on more than one day",
        ),
        ("R11", {"escalated": True, "days_open": 8}, "Flare-up open for 8 days"),
        ("R13", {"part": "plan"}, "Fewer than half of the home exercise doses logged"),
        ("R14", {}, "No improvement since the start"),
    ],
)
def test_each_rule_says_what_it_found(rule, data, words):
    assert finding_summary(rule, data) == words


@pytest.mark.parametrize(("rule", "data"), [("R1", {}), ("R5", {"spread": "x"}), ("R7", None)])
def test_unreadable_data_falls_back_to_the_rule_s_name(rule, data):
    assert finding_summary(rule, data) in {
        "Cauda equina signs",
        "Spreading nerve symptoms",
        "Severe pain not eased by rest",
    }


def test_a_report_says_when_in_the_patient_s_zone():
    opened = datetime(2026, 12, 1, 2, 23, tzinfo=UTC)
    words = finding_headline(
        "R1",
        {"signs": ["bladder_bowel_change"]},
        reported_at=opened,
        opened_day=date(2026, 12, 1),
        zone=LONDON,
    )
    assert words == "Bladder or bowel change reported at 02:23 on Tue 1 Dec"
    madrid = finding_headline(
        "R1",
        {"signs": ["saddle_numbness"]},
        reported_at=opened,
        opened_day=date(2026, 12, 1),
        zone=ZoneInfo("Europe/Madrid"),
    )
    assert madrid == "Saddle numbness reported at 03:23 on Tue 1 Dec"


def test_the_daily_check_s_findings_say_the_day():
    words = finding_headline(
        "R11",
        {"escalated": True, "days_open": 8},
        reported_at=datetime(2026, 12, 2, 0, 5, tzinfo=UTC),
        opened_day=date(2026, 12, 1),
        zone=LONDON,
    )
    assert words == "Flare-up open for 8 days found on Tue 1 Dec"


def test_the_words_are_in_the_reader_s_language():
    with translation.override("es"):
        words = finding_headline(
            "R1",
            {"signs": ["bladder_bowel_change"]},
            reported_at=datetime(2026, 12, 1, 2, 23, tzinfo=UTC),
            opened_day=date(2026, 12, 1),
            zone=LONDON,
        )
    assert words.startswith("Cambio en la vejiga o el intestino")
    assert "02:23" in words


def test_an_alert_with_no_record_behind_it_says_the_day_it_was_found():
    words = finding_headline(
        "R7",
        {"pain_worst": 8, "descriptors": ["stabbing"]},
        reported_at=None,
        opened_day=date(2026, 12, 1),
        zone=LONDON,
    )
    assert words == "Severe stabbing pain (worst 8/10) not eased by rest found on Tue 1 Dec"
