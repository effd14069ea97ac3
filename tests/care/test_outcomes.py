"""Outcome measures across apps (care.outcomes): pain against its MCID from the intake, and the
summary of many patients in a fixed number of queries."""

from datetime import date, timedelta

import pytest

from care.outcomes import PAIN_NOW_DAYS, outcomes_for_patients, pain_outcome, patient_outcomes
from outcomes.measures import Verdict
from outcomes.services import groc_record, psfs_rate, psfs_setup
from redflags.engine.baseline import is_meaningful_fall
from redflags.engine.params import RuleParams
from symptoms.services import daily_summary_refresh
from tests.factories import PatientFactory, SymptomEntryFactory
from tests.symptoms.conftest import LONDON

pytestmark = pytest.mark.django_db
PARAMS = RuleParams()
D = date(2026, 3, 2)


def days(*pains, start=D):
    return [(start + timedelta(days=i), pain) for i, pain in enumerate(pains)]


@pytest.mark.parametrize(
    ("baseline", "pains", "verdict"),
    [
        (6, days(3, 4, 4), Verdict.IMPROVED),  # median 4: 2 points and 33%
        (6, days(5, 4, 5), Verdict.NOT_YET),  # median 5: 1 point
        (8, days(6, 6, 6), Verdict.NOT_YET),  # 2 points but 25%: not 30%
        (10, days(7, 7, 7), Verdict.IMPROVED),  # 3 points and exactly 30%
        (3, days(5, 6, 5), Verdict.WORSE),  # median 5: a meaningful rise over 3
        (3, [], Verdict.UNMEASURED),
        (None, days(3), Verdict.UNMEASURED),
    ],
)
def test_pain_against_its_mcid_is_two_points_and_thirty_percent_from_the_intake(
    baseline, pains, verdict
):
    assert pain_outcome(baseline, pains, PARAMS).verdict == verdict


def test_pain_now_is_the_median_of_the_last_seven_logged_days_only():
    # Ten logged days: the first three (high) are left out.
    pains = days(9, 9, 9, 2, 3, 2, 3, 2, 3, 2)
    outcome = pain_outcome(6, pains, PARAMS)
    assert outcome.days == PAIN_NOW_DAYS
    assert outcome.now == 2
    assert outcome.first_day == D + timedelta(days=3)
    assert outcome.fall == 4 and outcome.fall_percent == 67


def test_pain_improvement_is_the_rule_sets_meaningful_fall():
    # The outcome uses the clinic's thresholds: a stricter rule set moves the verdict with it.
    strict = RuleParams(rise_min_points=3)
    pains = days(4, 4, 4)
    assert is_meaningful_fall(6, 4, PARAMS) and not is_meaningful_fall(6, 4, strict)
    assert pain_outcome(6, pains, PARAMS).verdict == Verdict.IMPROVED
    assert pain_outcome(6, pains, strict).verdict == Verdict.NOT_YET


def _log(patient, day, pain):
    from datetime import datetime, time

    entry = SymptomEntryFactory(
        patient=patient,
        recorded_at=datetime.combine(day, time(12), tzinfo=LONDON),
        pain_now=pain,
        pain_worst=pain,
    )
    daily_summary_refresh(patient, entry.day)


def _patient_with_history(clinic, therapist, *, baseline, pains, psfs, groc):
    patient = PatientFactory(clinic=clinic, therapists=[therapist])
    patient.intake.baseline_pain = baseline
    patient.intake.save()
    for day, pain in days(*pains):
        _log(patient, day, pain)
    from datetime import datetime, time

    first = datetime.combine(D, time(9), tzinfo=LONDON)
    psfs_setup(
        patient, [("Stairs", psfs[0]), ("Socks", psfs[0])], actor=therapist, recorded_at=first
    )
    ids = list(patient.psfs_activities.values_list("pk", flat=True))
    psfs_rate(
        patient,
        dict.fromkeys(ids, psfs[1]),
        actor=None,
        recorded_at=first + timedelta(days=14),
    )
    groc_record(patient, groc, actor=None, recorded_at=first + timedelta(days=7))
    return patient


@pytest.mark.parametrize("size", [2, 6])
def test_outcomes_of_many_patients_take_four_queries_whatever_their_number(
    clinic, therapist, size, django_assert_num_queries
):
    patients = [
        _patient_with_history(clinic, therapist, baseline=6, pains=(3, 3, 4), psfs=(3, 6), groc=4)
        for _ in range(size)
    ]
    ids = [p.pk for p in patients]
    with django_assert_num_queries(4):
        summaries = outcomes_for_patients(ids, baselines=dict.fromkeys(ids, 6), params=PARAMS)
    first = summaries[ids[0]]
    assert first.pain.verdict == Verdict.IMPROVED
    assert first.psfs.verdict == Verdict.IMPROVED and first.psfs.change == 3
    assert first.groc.verdict == Verdict.IMPROVED
    assert first.overall == Verdict.IMPROVED


def test_days_the_caller_already_read_spare_a_query_only_when_they_hold_pain_now(
    clinic, therapist, django_assert_num_queries
):
    # Eight logged days: high at first, low for the last seven.
    pains = (9, 2, 2, 3, 2, 3, 2, 2)
    full = _patient_with_history(clinic, therapist, baseline=6, pains=pains, psfs=(3, 6), groc=4)
    short = _patient_with_history(clinic, therapist, baseline=6, pains=pains, psfs=(3, 6), groc=4)
    ids = [full.pk, short.pk]
    baselines = dict.fromkeys(ids, 6)
    read = outcomes_for_patients(ids, baselines=baselines, params=PARAMS)

    newest = {full.pk: days(*pains[1:], start=D + timedelta(days=1))}
    with django_assert_num_queries(3):  # PSFS (two) and GROC: "pain now" is in the days given
        given = outcomes_for_patients(
            [full.pk], baselines=baselines, params=PARAMS, newest_days=newest
        )
    assert given[full.pk] == read[full.pk]
    assert given[full.pk].pain.now == 2 and given[full.pk].pain.days == PAIN_NOW_DAYS

    # Fewer than seven days given: they may not be the last seven, so the days are read.
    newest[short.pk] = days(2, 2, start=D + timedelta(days=6))
    with django_assert_num_queries(4):
        mixed = outcomes_for_patients(ids, baselines=baselines, params=PARAMS, newest_days=newest)
    assert mixed == read


def test_one_worse_measure_makes_the_patient_worse(clinic, therapist):
    patient = _patient_with_history(
        clinic, therapist, baseline=6, pains=(3, 3, 3), psfs=(5, 6), groc=-4
    )
    summary = patient_outcomes(patient, params=PARAMS)
    assert summary.pain.verdict == Verdict.IMPROVED
    assert summary.groc.verdict == Verdict.WORSE
    assert summary.overall == Verdict.WORSE


def test_outcomes_up_to_a_day_leave_out_what_came_after(clinic, therapist):
    patient = _patient_with_history(
        clinic, therapist, baseline=6, pains=(6, 6, 6, 2, 2, 2), psfs=(3, 8), groc=5
    )
    early = patient_outcomes(patient, params=PARAMS, until=D + timedelta(days=2))
    assert early.pain.now == 6 and early.pain.verdict == Verdict.NOT_YET
    assert early.psfs.verdict == Verdict.NOT_YET  # only the intake rating by then
    assert early.groc.verdict == Verdict.UNMEASURED
