"""The dashboard's arithmetic against hand-computed fixtures (no database).

Days count from D0; the figures in each test's comments are worked out by hand from
spec.md section 4 and 6 (daily pain, baseline, meaningful rise, pre- and post-session pain,
the flare's session link).
"""

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.summaries import clinic, responses, risk, tallies
from dashboard.summaries.pain import (
    CurrentPain,
    Direction,
    baselines_by_day,
    current_pain,
    pain_direction,
    rise_threshold,
)
from dashboard.summaries.responses import Flare
from dashboard.summaries.risk import Risk
from redflags.engine.baseline import baseline_on, median
from redflags.engine.domain import DayPain, Entry, Session
from redflags.engine.params import RuleParams

D0 = date(2026, 3, 2)
PARAMS = RuleParams()


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def at(n: int, hour: int) -> datetime:
    return datetime.combine(day(n), datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour)


def entry(n, hour, context, session_id, pain_now, pain_worst=None, entry_id=None):
    return Entry(
        id=entry_id,
        day=day(n),
        recorded_at=at(n, hour),
        context=context,
        session_id=session_id,
        pain_now=pain_now,
        pain_worst=pain_now if pain_worst is None else pain_worst,
    )


# --- Risk order ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "flare_open", "not_logging", "expected"),
    [
        ("emergency", True, True, Risk.EMERGENCY),
        ("urgent", True, True, Risk.URGENT),
        ("review", True, True, Risk.ACTIVE_FLARE),
        (None, True, False, Risk.ACTIVE_FLARE),
        ("review", False, True, Risk.REVIEW),
        ("low", False, True, Risk.NOT_LOGGING),
        (None, False, True, Risk.NOT_LOGGING),
        ("low", False, False, Risk.OTHER),
        (None, False, False, Risk.OTHER),
    ],
)
def test_risk_order_is_emergency_urgent_flare_review_not_logging_then_the_rest(
    severity, flare_open, not_logging, expected
):
    assert risk.risk_of(severity, flare_open=flare_open, not_logging=not_logging) == expected


@pytest.mark.parametrize(
    ("last_entry", "on_caseload_since", "expected"),
    [
        (day(10), day(0), False),  # logged today
        (day(8), day(0), False),  # two days ago: still within the last 3 days
        (day(7), day(0), True),  # three days ago: not logging
        (None, day(9), False),  # added yesterday, nothing yet: too early to say
        (None, day(8), False),
        (None, day(7), True),  # on the caseload three days and never logged
    ],
)
def test_not_logging_means_no_entry_in_the_last_three_days(last_entry, on_caseload_since, expected):
    assert risk.is_not_logging(last_entry, day(10), on_caseload_since=on_caseload_since) is expected


# --- Current pain and direction -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pain", "baseline", "expected"),
    [
        (7, 5, Direction.RISE),  # +2 and 2 >= 1.5
        (10, 8, Direction.STEADY),  # +2 but 2 < 2.4 (30% of 8)
        (2, 0, Direction.RISE),  # baseline 0: 2 points suffice
        (4, 6, Direction.FALL),  # -2 and 2 >= 1.8
        (5, 7, Direction.STEADY),  # -2 but 2 < 2.1
        (4, Fraction(7, 2), Direction.STEADY),
    ],
)
def test_direction_is_a_meaningful_rise_or_fall_against_the_baseline(pain, baseline, expected):
    assert pain_direction(pain, baseline, PARAMS) == expected


def test_current_pain_is_the_latest_logged_day_against_the_baseline_on_that_day():
    # Logged days 1, 2, 3, 5 with 3, 4, 6, 8; the latest is day 5 (8). The baseline on day 5 is
    # the median of days -9..4: 3, 4, 6 -> 4. 8 - 4 = 4 >= 2 and >= 1.2: a meaningful rise.
    pains = [DayPain(day(5), 8), DayPain(day(1), 3), DayPain(day(2), 4), DayPain(day(3), 6)]
    current = current_pain(pains, intake_baseline=2, params=PARAMS)
    assert current == CurrentPain(
        day=day(5),
        pain=8,
        baseline=Fraction(4),
        baseline_from_intake=False,
        direction=Direction.RISE,
    )


def test_current_pain_falls_back_to_the_intake_baseline_with_fewer_than_three_days():
    # Only day 1 before day 3: the intake's 5. 3 is a fall of 2 from 5 (2 >= 1.5).
    pains = [DayPain(day(1), 6), DayPain(day(3), 3)]
    current = current_pain(pains, intake_baseline=5, params=PARAMS)
    assert (current.pain, current.baseline, current.baseline_from_intake) == (3, 5, True)
    assert current.direction == Direction.FALL


def test_current_pain_of_a_patient_who_never_logged_is_none():
    assert current_pain([], intake_baseline=3, params=PARAMS) is None


@pytest.mark.parametrize(
    ("baseline", "threshold"),
    [(Fraction(3), Fraction(5)), (Fraction(8), Fraction(52, 5)), (Fraction(7, 2), Fraction(11, 2))],
)
def test_rise_threshold_is_the_smallest_meaningful_rise(baseline, threshold):
    assert rise_threshold(baseline, PARAMS) == threshold
    from redflags.engine.baseline import is_meaningful_rise

    assert is_meaningful_rise(threshold, baseline, PARAMS)
    assert not is_meaningful_rise(threshold - Fraction(1, 10), baseline, PARAMS)


def test_baselines_by_day_agree_with_baseline_on_for_every_day():
    pains = [DayPain(day(n), (n * 7) % 11) for n in range(0, 60) if n % 4 != 3]
    days = [day(n) for n in range(-3, 65)]
    result = baselines_by_day(pains, days, intake_baseline=4, params=PARAMS)
    assert result == {d: baseline_on(d, pains, 4, PARAMS) for d in days}


# --- Session response and flare summary ---------------------------------------------------

# S1 on day 0 (nerve mobilisation), S2 on day 7 (manual therapy), S3 on day 14 (nerve
# mobilisation and education).
S1 = Session(id=1, day=day(0), interventions=frozenset({"nerve_mobilisation"}))
S2 = Session(id=2, day=day(7), interventions=frozenset({"manual_therapy"}))
S3 = Session(id=3, day=day(14), interventions=frozenset({"nerve_mobilisation", "education"}))
SESSIONS = [S3, S1, S2]  # any order

DAY_PAINS = [
    DayPain(day(0), 7),
    DayPain(day(1), 8, flare_yes=True),
    DayPain(day(2), 4),
    DayPain(day(3), 4),
    DayPain(day(4), 3),
    DayPain(day(8), 5),
    DayPain(day(14), 3),
]

LINKED = [
    # S1: two before-session entries, the later (5) counts; after-session worst 6 and 7 -> 7;
    # next morning 8, a rise of 3 over 5 (>= 2 and >= 1.5): not settled.
    entry(0, 9, "before_session", 1, 4),
    entry(0, 10, "before_session", 1, 5),
    entry(0, 13, "after_session", 1, 4, 6),
    entry(0, 15, "after_session", 1, 5, 7),
    entry(1, 8, "next_morning", 1, 8),
    # S2: nothing before, so pre-session pain is the baseline on day 7: the median of days
    # -7..6 (7, 8, 4, 4, 3) = 4. No after-session entry. Next morning 5: +1, settled.
    entry(8, 8, "next_morning", 2, 5),
    # S3: before 3, nothing after, no next-morning entry.
    entry(14, 9, "before_session", 3, 3),
    # An ordinary entry linked to nothing is ignored.
    entry(14, 20, "daily", None, 6),
]

F1 = Flare(start=day(1), end=day(4), self_reported=True)  # day 1 is within 0..2 of S1
F3 = Flare(start=day(10), end=day(13))  # 3 days after S2: follows no session
F2 = Flare(start=day(16), end=None)  # 2 days after S3: follows S3; still open
FLARES = [F2, F1, F3]


def test_session_response_rows_from_hand_computed_fixture():
    rows = responses.session_responses(SESSIONS, LINKED, DAY_PAINS, 3, FLARES, PARAMS)
    assert [r.session.id for r in rows] == [1, 2, 3]
    s1, s2, s3 = rows
    assert (s1.pre, s1.pre_from_entry, s1.post, s1.next_morning, s1.settled, s1.flare) == (
        5,
        True,
        7,
        8,
        False,
        F1,
    )
    assert (s2.pre, s2.pre_from_entry, s2.post, s2.next_morning, s2.settled, s2.flare) == (
        4,
        False,
        None,
        5,
        True,
        None,
    )
    assert (s3.pre, s3.pre_from_entry, s3.post, s3.next_morning, s3.settled, s3.flare) == (
        3,
        True,
        None,
        None,
        None,
        F2,
    )


def test_session_response_rows_start_at_since_but_link_flares_to_earlier_sessions():
    rows = responses.session_responses([S1], LINKED, DAY_PAINS, 3, [F1], PARAMS, since=day(1))
    assert rows == []
    summary = responses.flare_summary([F1], [S1], [], [], today=day(5), params=PARAMS, since=day(1))
    # F1 still counts as after a session, but S1 is not one of the range's sessions.
    assert summary.after_session == 1
    assert summary.interventions == (responses.InterventionLink("nerve_mobilisation", 1, 0),)


def test_flare_summary_from_hand_computed_fixture():
    triggers = [
        (day(1), {"sitting"}),
        (day(2), {"sitting", "lifting"}),
        (day(6), {"gardening"}),  # in no flare-up
        (day(10), {"driving"}),
        (day(11), {"sitting"}),
        (day(17), {"lifting"}),  # F2 is open, so it runs to today (day 20)
    ]
    summary = responses.flare_summary(
        FLARES, SESSIONS, triggers, [day(1), day(6), day(17)], today=day(20), params=PARAMS
    )
    # Ended: F1 3 days (1 -> 4), F3 3 days (10 -> 13); F2 open.
    assert (summary.count, summary.open_count, summary.closed_count) == (3, 1, 2)
    assert (summary.total_days, summary.median_days) == (6, 3)
    # F1 followed S1 (nerve mobilisation), F2 followed S3 (nerve mobilisation, education).
    assert summary.after_session == 2
    assert summary.interventions == (
        responses.InterventionLink("nerve_mobilisation", flares_after=2, sessions_with=2),
        responses.InterventionLink("education", flares_after=1, sessions_with=1),
    )
    # Per flare-up: F1 sitting, lifting; F3 driving, sitting; F2 lifting.
    assert summary.triggers == (("lifting", 2), ("sitting", 2), ("driving", 1))
    assert (summary.self_reported, summary.computed) == (1, 2)
    # Said "flare-up" on days 1 (in F1), 6 (outside), 17 (in F2).
    assert (summary.reported_days, summary.reported_days_in_flares) == (3, 2)
    assert summary.reported_days_outside == 1


def test_flare_summary_of_a_patient_without_flares():
    summary = responses.flare_summary([], SESSIONS, [], [], today=day(20), params=PARAMS)
    assert summary.count == 0
    assert summary.median_days is None
    assert summary.interventions == ()
    assert summary.triggers == ()


def test_flare_median_duration_of_an_even_count_is_the_mean_of_the_middle_two():
    flares = [Flare(day(0), day(2)), Flare(day(10), day(15))]
    summary = responses.flare_summary(flares, [], [], [], today=day(20), params=PARAMS)
    assert summary.median_days == Fraction(7, 2)


# --- Clinic view ---------------------------------------------------------------------------------


def test_percentile_is_nearest_rank():
    values = [15, 20, 35, 40, 50]
    assert [clinic.percentile(values, p) for p in (30, 40, 50, 100)] == [20, 20, 35, 50]
    with pytest.raises(ValueError):
        clinic.percentile([], 90)


def test_time_to_acknowledgement_median_and_90th_percentile():
    waits = [timedelta(minutes=m) for m in (40, 10, 30, 20)] + [None]
    stats = clinic.ack_stats(waits)
    # Four acknowledged: median (20 + 30) / 2 = 25 min; 90th: rank ceil(3.6) = 4 -> 40 min.
    assert stats == clinic.AckStats(
        opened=5, acknowledged=4, median=timedelta(minutes=25), p90=timedelta(minutes=40)
    )
    assert stats.waiting == 1


def test_time_to_acknowledgement_of_ten_waits():
    stats = clinic.ack_stats([timedelta(hours=h) for h in range(1, 11)])
    assert (stats.median, stats.p90) == (timedelta(hours=5, minutes=30), timedelta(hours=9))


def test_time_to_acknowledgement_with_nothing_acknowledged():
    assert clinic.ack_stats([None, None]) == clinic.AckStats(2, 0, None, None)


def test_an_alert_resolved_without_acknowledgement_counts_at_its_resolution():
    opened = at(0, 9)
    assert clinic.acknowledgement_wait(opened, None, at(0, 12)) == timedelta(hours=3)
    assert clinic.acknowledgement_wait(opened, at(0, 10), at(0, 12)) == timedelta(hours=1)
    assert clinic.acknowledgement_wait(opened, None, None) is None


def test_open_alerts_by_severity_and_age():
    now = at(10, 12)
    alerts = [
        ("emergency", now - timedelta(hours=2)),
        ("urgent", now - timedelta(hours=30)),
        ("urgent", now - timedelta(hours=80)),
        ("review", now - timedelta(days=8)),
        ("review", now - timedelta(hours=24)),  # exactly a day: "1 to 3 days"
    ]
    rows = clinic.alerts_by_age(alerts, now)
    assert [(r.severity, r.counts) for r in rows] == [
        ("emergency", (1, 0, 0, 0)),
        ("urgent", (0, 1, 1, 0)),
        ("review", (0, 1, 0, 1)),
        ("low", (0, 0, 0, 0)),
    ]
    assert [r.total for r in rows] == [1, 2, 2, 0]


def test_highest_alert_is_the_most_serious_then_the_oldest():
    alerts = [
        {"id": 1, "severity": "review", "opened_at": at(0, 9)},
        {"id": 2, "severity": "urgent", "opened_at": at(2, 9)},
        {"id": 3, "severity": "urgent", "opened_at": at(1, 9)},
        {"id": 4, "severity": "low", "opened_at": at(0, 8)},
    ]
    assert risk.highest_alert(alerts)["id"] == 3
    assert risk.highest_alert([]) is None


# --- Frequencies and weeks -----------------------------------------------------------------


def test_frequencies_count_days_not_entries():
    entries = [
        (day(1), ["tingling", "burning"]),
        (day(1), ["tingling"]),
        (day(2), ["burning"]),
        (day(3), ["numbness", "tingling"]),
    ]
    assert tallies.day_frequencies(entries) == [("burning", 2), ("tingling", 2), ("numbness", 1)]


def test_screening_answers_over_time_in_question_order():
    answers = [(day(3), ["fever_or_unwell"]), (day(1), ["saddle_numbness", "fever_or_unwell"])]
    rows = tallies.screening_over_time(
        answers, ["bladder_bowel_change", "saddle_numbness", "fever_or_unwell"]
    )
    assert [(r.question, r.days) for r in rows] == [
        ("saddle_numbness", (day(1),)),
        ("fever_or_unwell", (day(1), day(3))),
    ]
    assert rows[1].count == 2
    assert rows[1].last == day(3)


def test_weekly_summary_counts_back_from_the_end():
    pains = [DayPain(day(n), n % 5 + 1) for n in range(0, 10)]  # days 0..9: 1 2 3 4 5 1 2 3 4 5
    weeks = tallies.weekly_summary(
        pains,
        start=day(0),
        end=day(9),
        flare_days=[day(8), day(9), day(1)],
        session_days=[day(3)],
        alert_days=[day(9)],
    )
    # Days 3..9 then 0..2.
    assert [(w.start, w.end) for w in weeks] == [(day(3), day(9)), (day(0), day(2))]
    latest, first = weeks
    # 4 5 1 2 3 4 5: lowest 1, median 4, highest 5.
    assert (latest.logged_days, latest.lowest, latest.median, latest.highest) == (7, 1, 4, 5)
    assert (latest.flare_days, latest.sessions, latest.alerts) == (2, 1, 1)
    assert (first.logged_days, first.median, first.flare_days, first.sessions) == (3, 2, 1, 0)


def _weeks_one_by_one(pains, *, start, end, flare_days, session_days, alert_days):
    """weekly_summary as its definition reads: each week in turn, every list scanned for it."""
    weeks, week_end = [], end
    while week_end >= start:
        week_start = max(start, week_end - timedelta(days=6))
        values = [d.daily_pain for d in pains if week_start <= d.day <= week_end]
        weeks.append(
            tallies.WeekSummary(
                start=week_start,
                end=week_end,
                logged_days=len(values),
                lowest=min(values, default=None),
                median=median(values) if values else None,
                highest=max(values, default=None),
                flare_days=len({d for d in flare_days if week_start <= d <= week_end}),
                sessions=sum(1 for d in session_days if week_start <= d <= week_end),
                alerts=sum(1 for d in alert_days if week_start <= d <= week_end),
            )
        )
        week_end = week_start - timedelta(days=1)
    return weeks


offsets = st.lists(st.integers(min_value=-10, max_value=120), max_size=40)


@given(
    logged=st.dictionaries(st.integers(min_value=-10, max_value=120), st.integers(0, 10)),
    length=st.integers(min_value=0, max_value=100),
    flares=offsets,
    sessions=offsets,
    alerts=offsets,
)
def test_weekly_summary_puts_each_day_in_its_week(logged, length, flares, sessions, alerts):
    pains = [DayPain(day(n), pain) for n, pain in sorted(logged.items())]
    lists = {
        "flare_days": [day(n) for n in flares],
        "session_days": [day(n) for n in sessions],
        "alert_days": [day(n) for n in alerts],
    }
    assert tallies.weekly_summary(
        pains, start=day(0), end=day(length), **lists
    ) == _weeks_one_by_one(pains, start=day(0), end=day(length), **lists)
