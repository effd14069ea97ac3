"""The progress report's figures (dashboard.progress_report) against the hand-worked history of
tests/dashboard/conftest.py (sessions on days 0, 7 and 14; flare-ups on days 1-4, 10-13 and
from 16; a resolved R9 and an open R11)."""

from datetime import timedelta

import pytest

from dashboard.progress_report import progress_report
from outcomes.measures import Verdict
from outcomes.services import groc_record, psfs_rate, psfs_setup
from tests.factories import ExerciseLogFactory, PlanItemFactory, PlanVersionFactory

from .conftest import TODAY, build_history, day, log, moment, session

pytestmark = pytest.mark.django_db


def with_outcomes(patient, therapist):
    psfs_setup(
        patient, [("Stairs", 2), ("Socks", 3)], actor=therapist, recorded_at=moment(patient, 0)
    )
    ids = list(patient.psfs_activities.values_list("pk", flat=True))
    psfs_rate(patient, dict.fromkeys(ids, 5), actor=None, recorded_at=moment(patient, 14))
    groc_record(patient, 3, actor=None, recorded_at=moment(patient, 15))


def test_report_gathers_sessions_interventions_flares_and_alerts(patient, therapist):
    build_history(patient, therapist)
    with_outcomes(patient, therapist)
    report = progress_report(patient, day(0), day(TODAY), day(TODAY))
    assert report.attended == 3
    assert dict(report.interventions) == {
        "Nerve mobilisation": 2,
        "Manual therapy": 1,
        "Education": 1,
    }
    assert [f.start for f in report.flares] == [day(1), day(10), day(16)]
    first, second, third = report.flares
    assert first.after.day == day(0) and first.after.intervention_labels == ["Nerve mobilisation"]
    assert first.days == 3 and first.self_reported
    assert second.after is None  # 3 days after the day-7 session
    assert third.after.day == day(14) and third.end is None
    rules = [(a.alert.rule, a.alert.state) for a in report.alerts]
    assert rules == [("R9", "resolved"), ("R11", "open")]
    assert report.alerts[0].resolution_note == "Settled by phone."
    assert report.alerts[0].resolved_by == therapist
    assert report.open_alerts == 1


def test_report_measures_are_against_the_intake_up_to_the_end_of_the_range(patient, therapist):
    build_history(patient, therapist)
    with_outcomes(patient, therapist)
    report = progress_report(patient, day(0), day(TODAY), day(TODAY))
    # PSFS 2.5 -> 5: 2.5 points, past the MCID of 2.
    assert report.outcomes.psfs.verdict == Verdict.IMPROVED
    assert report.outcomes.groc.verdict == Verdict.IMPROVED
    # Intake pain 3; the last seven logged days (days 6-17) have a median of 5: a rise of 2
    # and 67%, so pain is worse.
    assert report.outcomes.pain.now == 5
    assert report.outcomes.pain.verdict == Verdict.WORSE
    early = progress_report(patient, day(0), day(7), day(TODAY))
    assert early.outcomes.psfs.verdict == Verdict.NOT_YET
    assert early.outcomes.groc.verdict == Verdict.UNMEASURED
    assert [f.start for f in early.flares] == [day(1)]
    assert early.attended == 2


def test_weekly_pain_is_the_median_of_each_weeks_logged_days(patient, therapist):
    build_history(patient, therapist)
    report = progress_report(patient, day(0), day(13), day(TODAY))
    # Week 1 (days 0-6): daily pains 7, 8, 4, 4, 3, 3 -> median 4; week 2: 5, 6, 6 -> 6.
    assert [(w[0], w[2], w[3]) for w in report.pain_weeks] == [(day(0), 4, 6), (day(7), 6, 3)]


def test_adherence_covers_the_range(patient, therapist):
    version = PlanVersionFactory(plan__patient=patient, start_date=day(0))
    item = PlanItemFactory(version=version, times_per_day=1, days_per_week=7)
    for number in range(7):
        ExerciseLogFactory(patient=patient, exercise=item.exercise, day=day(number))
    report = progress_report(patient, day(0), day(13), day(TODAY))
    assert report.adherence.days == 14
    assert report.adherence.overall.percent == 50


@pytest.mark.parametrize("weeks", [2, 8])
def test_report_query_count_does_not_grow_with_the_history(
    patient, therapist, weeks, django_assert_max_num_queries
):
    with_outcomes(patient, therapist)
    for week in range(weeks):
        number = TODAY - 7 * week
        session(patient, number, ["manual_therapy"])
        log(patient, number, pain_now=3)
        log(patient, number - 1, pain_now=4, is_flare="yes")
    start = day(TODAY) - timedelta(days=7 * weeks)
    with django_assert_max_num_queries(17):
        progress_report(patient, start, day(TODAY), day(TODAY))
