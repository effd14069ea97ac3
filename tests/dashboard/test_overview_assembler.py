"""The overview's pure assembler: ``OverviewData`` in, the page's view model out, without a
database (no test here is marked ``django_db``, so any query would fail).

The history is the hand-computed one of tests/dashboard/test_summaries.py: sessions on days 0
(nerve mobilisation), 7 (manual therapy) and 14 (nerve mobilisation, education); flare-ups from
day 1 to 4 (self-reported), 10 to 13, and from 16 on; "today" is day 20.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest

from dashboard.overview.assembler import (
    AlertFact,
    AlertHistoryItem,
    OverviewData,
    RangeEntry,
    build_overview,
    range_start,
)
from dashboard.summaries.pain import current_pain, rise_threshold
from dashboard.summaries.responses import Flare
from redflags.engine.domain import DayPain, Entry, Session
from redflags.engine.params import RuleParams

D0 = date(2026, 3, 2)
PARAMS = RuleParams()
TODAY = 20


def day(n: int) -> date:
    return D0 + timedelta(days=n)


S1 = Session(id=1, day=day(0), interventions=frozenset({"nerve_mobilisation"}))
S2 = Session(id=2, day=day(7), interventions=frozenset({"manual_therapy"}))
S3 = Session(id=3, day=day(14), interventions=frozenset({"nerve_mobilisation", "education"}))
F1 = Flare(start=day(1), end=day(4), self_reported=True)
F3 = Flare(start=day(10), end=day(13))
F2 = Flare(start=day(16), end=None)
PAINS = [
    DayPain(day(-30), 2),
    DayPain(day(0), 7),
    DayPain(day(1), 8, flare_yes=True),
    DayPain(day(2), 4),
    DayPain(day(3), 4),
    DayPain(day(4), 3),
    DayPain(day(8), 5),
    DayPain(day(14), 3),
]
REVIEW = AlertFact(day(1), "R9", "review", "Review", "Slow to settle.", resolved=True)
URGENT = AlertFact(day(17), "R11", "urgent", "Urgent", "Rising pain.")
OLD = AlertFact(day(-40), "R13", "low", "Low", "Long ago.", resolved=True)


def morning(n: int, session_id: int, pain: int) -> Entry:
    recorded_at = datetime.combine(day(n), datetime.min.time(), tzinfo=UTC) + timedelta(hours=8)
    return Entry(
        id=None,
        day=day(n),
        recorded_at=recorded_at,
        context="next_morning",
        session_id=session_id,
        pain_now=pain,
        pain_worst=pain,
    )


def overview_data(**changes) -> OverviewData:
    data = OverviewData(
        patient=None,
        range_key="4w",
        today=day(TODAY),
        start=range_start("4w", day(TODAY), None),
        params=PARAMS,
        intake=None,
        intake_baseline=3,
        day_pains=PAINS,
        sessions=[S1, S2, S3],
        next_session=day(21),
        linked_entries=[morning(1, 1, 8), morning(8, 2, 5)],
        flares=[F1, F3, F2],
        entries=[
            RangeEntry(day(1), triggers=frozenset({"sitting"}), screening=("saddle_numbness",)),
            RangeEntry(
                day(2),
                descriptors=frozenset({"burning"}),
                regions=frozenset({"left_thigh", "left_foot"}),
                triggers=frozenset({"sitting", "lifting"}),
            ),
            RangeEntry(day(2), descriptors=frozenset({"burning", "aching"})),
            RangeEntry(day(6), screening=("fever_or_unwell", "saddle_numbness")),
        ],
        alerts=[AlertHistoryItem(alert="newest"), AlertHistoryItem(alert="oldest")],
        alert_facts=[URGENT, REVIEW, OLD],
        last_entry_at=datetime(2026, 3, 16, 12, tzinfo=UTC),
        adherence=[],
    )
    return replace(data, **changes)


# --- Range ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("range_key", "earliest", "expected"),
    [
        ("4w", None, day(TODAY - 27)),
        ("12w", day(-100), day(TODAY - 83)),
        ("all", day(-100), day(-100)),
        ("all", None, day(TODAY)),
        ("all", day(TODAY + 3), day(TODAY)),
    ],
)
def test_range_starts_weeks_back_or_at_the_earliest_record(range_key, earliest, expected):
    assert range_start(range_key, day(TODAY), earliest) == expected


# --- Key figures ---------------------------------------------------------------------------------


def test_key_figures_come_from_the_whole_history_and_the_range():
    overview = build_overview(overview_data())
    assert overview.start == day(-7)
    assert overview.range_days == 28
    # Day -30 is before the range: it counts for the baseline only.
    assert overview.logged_days == 7
    assert overview.current == current_pain(PAINS, 3, PARAMS)
    assert overview.open_alerts == 1
    assert overview.has_entries
    assert overview.next_session == day(21)
    assert overview.alerts == overview_data().alerts


def test_sessions_newest_first_with_their_responses():
    overview = build_overview(overview_data())
    assert [row.session.id for row in overview.responses] == [3, 2, 1]
    s3, s2, s1 = overview.responses
    assert (s1.next_morning, s1.settled, s1.flare) == (8, False, F1)
    assert (s2.next_morning, s2.settled, s2.flare) == (5, True, None)
    assert s3.flare == F2


def test_flare_summary_counts_the_flare_ups_that_began_in_the_range():
    overview = build_overview(overview_data(start=day(5)))
    assert overview.flares == [F3, F2]
    summary = overview.flare_summary
    assert (summary.count, summary.open_count, summary.after_session) == (2, 1, 1)
    # The triggers were named on days 1 and 2, before either flare-up.
    assert summary.triggers == ()


def test_frequencies_count_days_and_screening_keeps_question_order():
    overview = build_overview(overview_data())
    # "burning" is named twice on day 2: one day.
    assert overview.descriptors == [("aching", 1), ("burning", 1)]
    assert overview.regions == [("left_foot", 1), ("left_thigh", 1)]
    assert [(row.question, row.days) for row in overview.screening] == [
        ("saddle_numbness", (day(1), day(6))),
        ("fever_or_unwell", (day(6),)),
    ]


# --- Trend and its table -------------------------------------------------------------------------


def test_trend_shows_the_range_with_a_band_up_to_a_meaningful_rise():
    trend = build_overview(overview_data()).trend
    assert [d.day for d in trend.days] == [day(n) for n in (0, 1, 2, 3, 4, 8, 14)]
    assert [s.id for s in trend.sessions] == [1, 2, 3]
    assert trend.flares == [F1, F3, F2]
    assert [band.day for band in trend.baseline] == [day(n) for n in range(-7, TODAY + 1)]
    for band in trend.baseline:
        assert band.rise == rise_threshold(band.baseline, PARAMS)
    # Before day 0 fewer than three days were logged: the intake's baseline.
    assert trend.baseline[0].baseline == 3
    # The alert of day -40 is before the range.
    assert trend.alerts == [URGENT, REVIEW]


def test_chart_table_has_a_row_for_each_day_with_something_on_it():
    overview = build_overview(overview_data())
    assert overview.chart_weeks == []
    rows = {row.day: row for row in overview.chart_days}
    assert sorted(rows) == [day(n) for n in (0, 1, 2, 3, 4, 7, 8, 14, 17)]
    assert (rows[day(0)].pain, rows[day(0)].sessions, rows[day(0)].in_flare) == (
        7,
        ["Nerve mobilisation"],
        False,
    )
    assert (rows[day(1)].flare_reported, rows[day(1)].in_flare, rows[day(1)].alerts) == (
        True,
        True,
        ["R9 Review"],
    )
    assert rows[day(7)].pain is None
    assert rows[day(14)].sessions == ["Education, Nerve mobilisation"]
    assert (rows[day(17)].alerts, rows[day(17)].in_flare) == (["R11 Urgent"], True)
    # The median of days 0-4 and 8 (7, 8, 4, 4, 3, 5).
    assert rows[day(14)].baseline == Fraction(9, 2)


def test_a_range_longer_than_twelve_weeks_is_tabulated_by_week():
    overview = build_overview(overview_data(range_key="all", start=day(-100)))
    assert overview.chart_days == []
    weeks = overview.chart_weeks
    assert (weeks[0].start, weeks[0].end) == (day(14), day(20))
    assert sum(week.logged_days for week in weeks) == 8
    assert sum(week.sessions for week in weeks) == 3
    assert sum(week.alerts for week in weeks) == 3


def test_an_empty_history_gives_empty_figures():
    overview = build_overview(
        overview_data(
            day_pains=[],
            sessions=[],
            next_session=None,
            linked_entries=[],
            flares=[],
            entries=[],
            alerts=[],
            alert_facts=[],
            last_entry_at=None,
        )
    )
    assert (overview.current, overview.logged_days, overview.open_alerts) == (None, 0, 0)
    assert (overview.chart_days, overview.chart_weeks, overview.responses) == ([], [], [])
    assert overview.flare_summary.count == 0
    assert not overview.has_entries
    assert all(band.baseline == 3 for band in overview.trend.baseline)


def test_adherence_rows_pair_each_exercise_with_its_week_and_month():
    class Exercise:
        def __init__(self, pk):
            self.pk = pk

    class Report:
        def __init__(self, rows):
            self.rows = rows

    squat, bridge = Exercise(1), Exercise(2)
    week, month = Report([(squat, "w1")]), Report([(squat, "m1"), (bridge, "m2")])
    overview = build_overview(overview_data(adherence=[week, month]))
    assert overview.adherence_rows == [(squat, "w1", "m1"), (bridge, None, "m2")]
