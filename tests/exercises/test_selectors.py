"""Selectors: the version in force, today's doses, adherence from the database, history."""

import datetime as dt
from fractions import Fraction

import pytest

from care.services import dose_record
from exercises.selectors import (
    adherence,
    adherence_reports,
    current_version,
    item_spans,
    plan_history,
    plan_items_in_force,
    today_doses,
)
from exercises.services import plan_version_save
from tests.exercises.conftest import TODAY, days_ago, item
from tests.factories import ExerciseLogFactory

pytestmark = pytest.mark.django_db


def log_dose(patient, exercise, day=TODAY, pain=2):
    return dose_record(patient, exercise=exercise, day=day, pain_during=pain, actor=patient.user)


def test_no_plan_means_no_version_and_no_doses(patient):
    assert current_version(patient, TODAY) is None
    assert today_doses(patient, TODAY) == []


def test_current_version_is_the_newest_that_has_started(patient, therapist, plan_version, glide):
    future = plan_version_save(
        patient, [item(glide)], TODAY + dt.timedelta(days=3), None, "", therapist
    )
    assert current_version(patient, TODAY) == plan_version
    assert current_version(patient, TODAY + dt.timedelta(days=3)) == future
    assert current_version(patient, days_ago(11)) is None


def test_an_ended_plan_is_not_in_force_after_its_end(patient, therapist, glide):
    plan_version_save(patient, [item(glide)], days_ago(10), days_ago(1), "", therapist)
    assert current_version(patient, days_ago(1)) is not None
    assert current_version(patient, TODAY) is None
    assert plan_items_in_force(patient, TODAY) == []


def test_today_doses_count_logs_of_each_exercise_today(patient, plan_version, glide, bridge):
    log_dose(patient, glide)
    log_dose(patient, bridge)
    log_dose(patient, bridge, day=days_ago(1))
    doses = {dose.item.exercise: dose for dose in today_doses(patient, TODAY)}
    assert doses[glide].times_per_day == 2
    assert (doses[glide].logged_today, doses[glide].done, doses[glide].remaining) == (1, False, 1)
    assert (doses[bridge].logged_today, doses[bridge].done, doses[bridge].remaining) == (1, True, 0)


def test_today_doses_follow_the_plan_order(patient, plan_version):
    assert [dose.item.exercise.name for dose in today_doses(patient, TODAY)] == [
        "Sciatic glide",
        "Bridge",
    ]


def test_adherence_over_7_days_counts_capped_doses(patient, plan_version, glide, bridge):
    # Glide 2 a day, bridge 1 a day, in force all week: 21 doses prescribed.
    for offset in range(7):
        log_dose(patient, glide, day=days_ago(offset))
    for _ in range(3):
        log_dose(patient, bridge, day=TODAY)
    report = adherence(patient, TODAY, 7)
    assert report.overall.prescribed == 21
    assert report.overall.counted == 7 + 1
    assert report.overall.logged == 10
    rows = {exercise.name: share for exercise, share in report.rows}
    assert rows["Sciatic glide"].percent == 50
    assert rows["Bridge"].percent == 14


def test_adherence_prorates_a_plan_that_started_inside_the_window(patient, plan_version):
    # In force for 11 of the last 28 days: (2 + 1) a day x 11 days.
    assert adherence(patient, TODAY, 28).overall.prescribed == 33


def test_adherence_follows_each_version_over_its_own_days(patient, therapist, plan_version, glide):
    plan_version_save(
        patient, [item(glide, times_per_day=1, days_per_week=3)], TODAY, None, "", therapist
    )
    report = adherence(patient, TODAY, 7)
    # Six days of version 1 (3 a day) and today of version 2 (3/7 of a dose).
    assert report.overall.prescribed == 18 + Fraction(3, 7)


def test_adherence_reports_cover_7_and_28_days(patient, plan_version):
    assert [report.days for report in adherence_reports(patient, TODAY)] == [7, 28]


def test_logs_of_other_patients_do_not_count(patient, other_patient, plan_version, glide):
    ExerciseLogFactory(patient=other_patient, exercise=glide, day=TODAY)
    assert adherence(patient, TODAY, 7).overall.logged == 0


def test_item_spans_end_where_the_next_version_starts(patient, therapist, plan_version, glide):
    plan_version_save(patient, [item(glide)], TODAY, None, "", therapist)
    spans = [
        (i.version.number, span.first_day, span.last_day)
        for i, span in item_spans(patient, days_ago(30), TODAY)
    ]
    assert (1, days_ago(10), days_ago(1)) in spans
    assert (2, TODAY, None) in spans


def test_history_is_newest_first_with_items_and_days_in_force(
    patient, therapist, plan_version, glide
):
    second = plan_version_save(patient, [item(glide)], TODAY, None, "", therapist)
    spans = plan_history(second.plan)
    assert [span.version.number for span in spans] == [2, 1]
    assert spans[1].last_day == days_ago(1)
    assert spans[0].last_day is None
    assert [i.exercise.name for i in spans[1].version.items.all()] == ["Sciatic glide", "Bridge"]


def test_a_version_replaced_on_its_start_day_has_an_empty_span(
    patient, therapist, plan_version, glide
):
    plan_version_save(patient, [item(glide)], TODAY, None, "", therapist)
    third = plan_version_save(patient, [item(glide, reps=3)], TODAY, None, "", therapist)
    spans = plan_history(third.plan)
    assert spans[1].is_empty
    assert not spans[0].is_empty
