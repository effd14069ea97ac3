"""Reads for the logging page and the diary (symptoms.selectors)."""

import datetime as dt

import pytest

from redflags.models import FlareEpisode
from symptoms.charts import DayPoint, Period, SessionMark
from symptoms.models import DailySummary
from symptoms.selectors import (
    alerts_for_entry,
    context_suggestion_for_patient,
    daily_pains,
    diary_groups,
    diary_page,
    flare_periods,
    suggest_context,
    trend_for_patient,
)
from tests.factories import PTSessionFactory, SymptomEntryFactory
from tests.symptoms.conftest import LONDON, NOW, make_alert

SESSION_DAY = dt.date(2026, 11, 10)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(SESSION_DAY, 8), "before_session"),
        (at(SESSION_DAY, 11, 59), "before_session"),
        (at(SESSION_DAY, 12), "after_session"),
        (at(SESSION_DAY, 21), "after_session"),
        (at(SESSION_DAY + dt.timedelta(days=1), 0, 30), "next_morning"),
        (at(SESSION_DAY + dt.timedelta(days=1), 11, 59), "next_morning"),
        (at(SESSION_DAY + dt.timedelta(days=1), 12), "daily"),
        (at(SESSION_DAY + dt.timedelta(days=2), 8), "daily"),
        (at(SESSION_DAY - dt.timedelta(days=1), 18), "daily"),
    ],
)
def test_context_suggestion_follows_the_session_and_the_clock(moment, expected):
    assert suggest_context(moment, {SESSION_DAY}) == expected


def test_a_session_today_wins_over_one_yesterday():
    both = {SESSION_DAY, SESSION_DAY - dt.timedelta(days=1)}
    assert suggest_context(at(SESSION_DAY, 9), both) == "before_session"


@pytest.mark.django_db
def test_suggestion_uses_the_patients_own_clock(patient):
    patient.time_zone = "America/New_York"
    patient.save()
    PTSessionFactory(patient=patient, date=SESSION_DAY)
    # 16:00 in London is 11:00 in New York: still before noon there.
    suggestion = context_suggestion_for_patient(patient, at(SESSION_DAY, 16))
    assert suggestion.context == "before_session"
    assert suggestion.session_today.date == SESSION_DAY
    assert suggestion.session_yesterday is None


@pytest.mark.django_db
def test_daily_pains_come_from_the_daily_summaries(patient, other_patient):
    DailySummary.objects.create(patient=patient, day=SESSION_DAY, daily_pain=4, flare_yes=True)
    DailySummary.objects.create(
        patient=patient, day=SESSION_DAY + dt.timedelta(days=30), daily_pain=9
    )
    DailySummary.objects.create(patient=other_patient, day=SESSION_DAY, daily_pain=7)
    assert daily_pains(patient, SESSION_DAY, SESSION_DAY + dt.timedelta(days=5)) == [
        DayPoint(SESSION_DAY, 4, flare_reported=True)
    ]


@pytest.mark.django_db
def test_trend_holds_the_last_28_days(patient):
    end = SESSION_DAY
    PTSessionFactory(
        patient=patient,
        date=end - dt.timedelta(days=27),
        kind="assessment",
        interventions=["nerve_mobilisation", "dry_needling"],
    )
    PTSessionFactory(patient=patient, date=end - dt.timedelta(days=28))
    FlareEpisode.objects.create(
        patient=patient,
        start=end - dt.timedelta(days=40),
        end=end - dt.timedelta(days=20),
        baseline_at_start=2,
        peak=7,
    )
    FlareEpisode.objects.create(
        patient=patient, start=end - dt.timedelta(days=2), baseline_at_start=2, peak=6
    )
    FlareEpisode.objects.create(
        patient=patient,
        start=end - dt.timedelta(days=60),
        end=end - dt.timedelta(days=50),
        baseline_at_start=2,
        peak=6,
    )
    trend = trend_for_patient(patient, end=end)
    assert (trend.start, trend.end) == (end - dt.timedelta(days=27), end)
    # The session in full: its kind and every intervention (the chart's marker, the table).
    assert trend.sessions == [
        SessionMark(end - dt.timedelta(days=27), "Assessment (Dry needling, Nerve mobilisation)")
    ]
    assert trend.flares == [
        Period(end - dt.timedelta(days=40), end - dt.timedelta(days=20)),
        Period(end - dt.timedelta(days=2), None),
    ]


@pytest.mark.django_db
def test_flare_periods_are_the_patients_own(patient, other_patient):
    FlareEpisode.objects.create(
        patient=other_patient, start=SESSION_DAY, baseline_at_start=1, peak=5
    )
    assert flare_periods(patient, SESSION_DAY, SESSION_DAY) == []


@pytest.mark.django_db
def test_alerts_for_entry_are_those_it_is_evidence_of(patient):
    entry = SymptomEntryFactory(patient=patient)
    open_alert = make_alert(entry, rule="R4")
    # A resolved alert still explains the advice the entry got.
    resolved = make_alert(entry, rule="R6", state="resolved")
    make_alert(SymptomEntryFactory(patient=patient), rule="R7")
    assert set(alerts_for_entry(entry)) == {open_alert, resolved}


def _entry(pk, day, session=None, hour=12):
    # Unsaved rows are enough: grouping reads what is loaded and makes no queries.
    entry = SymptomEntryFactory.build(
        pk=pk,
        day=day,
        recorded_at=at(day, hour),
        session=session,
        patient=None,
        context="after_session" if session else "daily",
    )
    entry.session_id = session.pk if session else None
    return entry


def test_diary_groups_put_session_entries_on_the_session_day():
    session = PTSessionFactory.build(pk=7, date=SESSION_DAY, patient=None)
    next_morning = _entry(3, SESSION_DAY + dt.timedelta(days=1), session, hour=8)
    after = _entry(2, SESSION_DAY, session, hour=18)
    daily = _entry(1, SESSION_DAY + dt.timedelta(days=1), hour=20)
    groups = diary_groups([daily, next_morning, after], [session])
    assert [g.day for g in groups] == [SESSION_DAY + dt.timedelta(days=1), SESSION_DAY]
    assert groups[0].entries == [daily] and groups[0].sessions == []
    assert groups[1].entries == []
    assert groups[1].sessions[0].session is session
    assert groups[1].sessions[0].entries == [next_morning, after]


def test_diary_groups_can_leave_out_sessions_without_entries():
    session = PTSessionFactory.build(pk=7, date=SESSION_DAY, patient=None)
    assert [g.sessions for g in diary_groups([], [session])][0][0].entries == []
    assert diary_groups([], [session], keep_empty_sessions=False) == []


@pytest.mark.django_db
def test_diary_page_points_to_the_latest_older_day_and_back(patient):
    today = NOW.date()
    SymptomEntryFactory(patient=patient, recorded_at=at(today - dt.timedelta(days=50), 9))
    PTSessionFactory(patient=patient, date=today - dt.timedelta(days=30))
    SymptomEntryFactory(patient=patient, recorded_at=at(today, 9))
    import time_machine

    with time_machine.travel(NOW, tick=False):
        first = diary_page(patient)
        older = diary_page(patient, until=first.older_until)
        oldest = diary_page(patient, until=older.older_until)
    assert (first.start, first.end) == (today - dt.timedelta(days=13), today)
    assert first.newer_until is None
    assert first.older_until == today - dt.timedelta(days=30)
    assert older.end == today - dt.timedelta(days=30)
    assert older.newer_until == today - dt.timedelta(days=16)
    assert older.older_until == today - dt.timedelta(days=50)
    assert oldest.older_until is None


@pytest.mark.django_db
def test_diary_page_never_runs_past_today(patient, frozen_now):
    page = diary_page(patient, until=NOW.date() + dt.timedelta(days=100))
    assert page.end == NOW.date()
