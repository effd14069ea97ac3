"""The dashboard's additions to symptoms.charts (baseline band, alert markers, intervention
labels, clinician wording), the body-map heat view and the row links."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from dashboard.heatmap import heat_level, heat_map
from dashboard.links import UrlPattern
from symptoms import charts

START = date(2026, 3, 2)


def d(n: int) -> date:
    return START + timedelta(days=n)


def chart(**kwargs) -> str:
    return str(charts.trend_chart([charts.DayPoint(d(1), 5)], start=START, end=d(27), **kwargs))


def test_baseline_band_is_one_shape_per_run_of_days():
    svg = chart(
        baseline=[
            charts.BaselineDay(d(0), 3, 5),
            charts.BaselineDay(d(1), 3, 5),
            charts.BaselineDay(d(5), 4, 6),
            charts.BaselineDay(d(40), 4, 6),  # outside the chart: left out
        ]
    )
    assert svg.count('class="chart-baseline-band"') == 2
    assert svg.count('class="chart-baseline"') == 2
    assert "Baseline band" in svg


def test_alert_markers_are_filled_only_when_serious():
    svg = chart(
        alerts=[
            charts.AlertMark(d(3), "R7 Urgent: <sharp> pain", serious=True),
            charts.AlertMark(d(9), "R9 Review"),
            charts.AlertMark(d(60), "outside"),
        ]
    )
    assert svg.count('class="chart-alert chart-alert-serious"') == 1
    assert svg.count('class="chart-alert"') == 1
    assert "R7 Urgent: &lt;sharp&gt; pain" in svg
    assert "2 alerts." in svg
    assert "outside" not in svg


def test_sessions_are_named_in_full_never_abbreviated():
    both = "Manual therapy, Dry needling"
    svg = chart(sessions=[charts.SessionMark(d(n), both) for n in (0, 1)])
    assert svg.count(f"Session on 2 Mar: {both}") == 2  # title and aria-label; lines on focus
    assert "DN MT" not in svg


def test_clinician_wording_speaks_of_the_patient():
    days = [charts.DayPoint(d(1), 6, flare_reported=True)]
    svg = str(charts.trend_chart(days, start=START, end=d(27), clinician=True))
    assert "Patient said flare-up" in svg
    assert "(the patient said it was a flare-up)" in svg
    assert "You said" not in svg
    assert "You said flare-up" in str(charts.trend_chart(days, start=START, end=d(27)))


@pytest.mark.parametrize(
    ("count", "highest", "level"),
    [(0, 5, 0), (1, 8, 1), (2, 8, 1), (3, 8, 2), (8, 8, 4), (5, 0, 0)],
)
def test_heat_levels(count, highest, level):
    assert heat_level(count, highest) == level


def test_heat_map_titles_every_region_with_its_days():
    svg = str(heat_map({"left_thigh": 4, "lower_back": 2}, 10))
    assert "Left thigh: 4 of 10 logged days" in svg
    assert 'data-region="left_thigh" d=' in svg
    assert 'class="heat-region heat-4" data-region="left_thigh"' in svg
    assert 'class="heat-region heat-2" data-region="lower_back"' in svg
    assert "No regions named" not in svg
    assert "No regions named" in str(heat_map({}, 0))


def test_url_pattern_matches_reverse_and_tolerates_missing_routes():
    assert UrlPattern("dashboard:patient_overview")(42) == reverse(
        "dashboard:patient_overview", args=[42]
    )
    assert UrlPattern("dashboard:no_such_page")(42) == ""
