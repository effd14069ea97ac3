"""The SVG chart module: pure functions of plain data, no database. A full chart is a box
holding the plot (an SVG as wide as its container, x in percentages) and an HTML key."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from symptoms.chart_frame import Frame, n
from symptoms.charts import DayPoint, Period, SessionMark, describe, sparkline, trend_chart

SVG = "{http://www.w3.org/2000/svg}"
START = dt.date(2026, 11, 1)
END = dt.date(2026, 11, 28)


def parse(markup: str) -> ET.Element:
    """The plot of a full chart (a sparkline is the SVG itself)."""
    root = ET.fromstring(str(markup))
    return root if root.tag == f"{SVG}svg" else root.find(f".//{SVG}svg[@role='group']")


def key_text(markup: str) -> list[str]:
    root = ET.fromstring(str(markup))
    return ["".join(item.itertext()) for item in root.iter("li")]


def points(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if "chart-point" in el.get("class", "")]


def pc(value: str) -> float:
    assert value.endswith("%"), value
    return float(value[:-1])


def test_chart_is_a_named_group_with_a_description():
    root = parse(trend_chart([DayPoint(START, 3)], start=START, end=END, id_prefix="t1"))
    assert root.get("role") == "group"
    assert root.get("aria-labelledby") == "t1-title"
    assert root.get("aria-describedby") == "t1-desc"
    assert root.find(f"{SVG}title").text == "Daily pain, 1 Nov to 28 Nov"
    assert root.find(f"{SVG}desc").get("id") == "t1-desc"


def test_the_plot_fills_its_container_and_keeps_its_text_size():
    """No viewBox (it would scale the text with the drawing) and no fixed width: the plot is
    100% wide, x positions are percentages, the height is in CSS pixels."""
    root = parse(trend_chart([DayPoint(START, 3)], start=START, end=END, height=250))
    assert root.get("viewBox") is None
    assert (root.get("width"), root.get("height")) == ("100%", "250")
    (point,) = points(root)
    assert 0 < pc(point.get("cx")) < 100


def test_the_pain_axis_has_a_title():
    root = parse(trend_chart([], start=START, end=END))
    titles = [el for el in root.iter(f"{SVG}text") if el.get("class") == "chart-axis-title"]
    assert [el.text for el in titles] == ["Pain (0-10)"]


def test_one_point_per_logged_day_inside_the_range():
    days = [DayPoint(START - dt.timedelta(days=1), 9), DayPoint(START, 2), DayPoint(END, 5)]
    root = parse(trend_chart(days, start=START, end=END))
    assert len(points(root)) == 2


def test_higher_pain_is_drawn_higher():
    root = parse(trend_chart([DayPoint(START, 1), DayPoint(END, 9)], start=START, end=END))
    low, high = points(root)
    assert float(high.get("cy")) < float(low.get("cy"))
    assert pc(low.get("cx")) < pc(high.get("cx"))


def test_pain_0_and_10_sit_on_the_axis_ends():
    root = parse(trend_chart([DayPoint(START, 0), DayPoint(END, 10)], start=START, end=END))
    zero, ten = points(root)
    labels = {
        el.text: float(el.get("y")) for el in root.iter(f"{SVG}text") if el.text in {"0", "10"}
    }
    assert pc(zero.get("cx")) < pc(ten.get("cx"))
    # Axis labels sit 4 px below their gridline to centre the text.
    assert float(zero.get("cy")) == pytest.approx(labels["0"] - 4)
    assert float(ten.get("cy")) == pytest.approx(labels["10"] - 4)


def test_self_reported_flare_days_are_squares_not_circles():
    days = [DayPoint(START, 3), DayPoint(START + dt.timedelta(days=1), 8, flare_reported=True)]
    root = parse(trend_chart(days, start=START, end=END))
    shapes = [el.tag.removeprefix(SVG) for el in points(root)]
    assert shapes == ["circle", "use"]
    assert points(root)[1].get("href").endswith("-square")
    assert "you said it was a flare-up" in points(root)[1].find(f"{SVG}title").text


def test_days_without_entries_are_bridged_by_a_dashed_line():
    days = [DayPoint(START, 3), DayPoint(START + dt.timedelta(days=1), 4), DayPoint(END, 5)]
    root = parse(trend_chart(days, start=START, end=END))
    lines = [el for el in root.iter(f"{SVG}line") if "chart-line" in el.get("class", "")]
    assert [el.get("stroke-dasharray") for el in lines] == [None, "2 4"]


def test_sessions_get_a_focusable_triangle_marker_named_in_full():
    label = "Treatment (Manual therapy, Nerve mobilisation, Dry needling)"
    mark = SessionMark(dt.date(2026, 11, 10), label)
    root = parse(trend_chart([], [mark], start=START, end=END, id_prefix="s"))
    (group,) = [el for el in root.iter(f"{SVG}g") if el.get("class") == "chart-session"]
    full = f"Session on 10 Nov: {label}"
    assert group.find(f"{SVG}title").text == full
    assert (group.get("tabindex"), group.get("aria-label")) == ("0", full)
    target, mark = group.findall(f"{SVG}use")
    assert mark.get("href") == "#s-triangle"
    # A 44 px square around it takes the tap (WCAG 2.5.5).
    assert target.get("href") == "#s-target"
    (square,) = [el for el in root.iter(f"{SVG}rect") if el.get("id") == "s-target"]
    assert (square.get("width"), square.get("height")) == ("44", "44")
    # The same words show over the plot on hover or focus (CSS), never cut to letters.
    words = group.find(f"{SVG}text[@class='chart-session-full']")
    lines = [line.text for line in words]
    assert " ".join(lines) == full
    assert max(len(line) for line in lines) <= 28  # lines that fit on a phone


def test_flare_periods_are_hatched_bands_cut_to_the_range():
    flares = [Period(START - dt.timedelta(days=3), START + dt.timedelta(days=1)), Period(END)]
    root = parse(trend_chart([], [], flares, start=START, end=END, id_prefix="c"))
    bands = [el for el in root.iter(f"{SVG}rect") if el.get("class") == "chart-flare"]
    assert len(bands) == 2
    assert all(band.get("fill") == "url(#c-hatch)" for band in bands)
    assert bands[0].find(f"{SVG}title").text == "Flare-up from 1 Nov to 2 Nov"
    # An open flare-up runs to the chart's end.
    assert bands[1].find(f"{SVG}title").text == "Flare-up from 28 Nov to 28 Nov"
    assert root.find(f".//{SVG}pattern").get("id") == "c-hatch"


def test_periods_outside_the_range_are_left_out():
    flares = [Period(START - dt.timedelta(days=9), START - dt.timedelta(days=2))]
    root = parse(trend_chart([], [], flares, start=START, end=END))
    assert not [el for el in root.iter(f"{SVG}rect") if el.get("class") == "chart-flare"]


def test_the_key_is_an_html_list_of_only_what_is_drawn():
    only_points = trend_chart([DayPoint(START, 3)], start=START, end=END)
    assert key_text(only_points) == ["Daily pain"]
    everything = trend_chart(
        [DayPoint(START, 3, flare_reported=True)],
        [SessionMark(START)],
        [Period(START, START)],
        start=START,
        end=END,
    )
    assert key_text(everything) == ["Daily pain", "You said flare-up", "Session", "Flare-up"]


def test_an_empty_chart_says_so():
    root = parse(trend_chart([], start=START, end=END))
    assert any(el.text == "Nothing logged in these days yet." for el in root.iter(f"{SVG}text"))
    assert "No pain scores logged." in root.find(f"{SVG}desc").text


def test_labels_are_escaped():
    mark = SessionMark(START, '<script>alert("x")</script>')
    markup = str(trend_chart([], [mark], start=START, end=END))
    assert "<script>" not in markup
    parse(markup)


def test_description_sums_up_the_chart_in_words():
    days = [DayPoint(START, 2), DayPoint(START + dt.timedelta(days=3), 7), DayPoint(END, 4)]
    text = describe(days, [SessionMark(START)], [Period(START, START)], start=START, end=END)
    assert text == (
        "From 1 Nov to 28 Nov. 3 days logged: lowest daily pain 2, highest 7, latest 4 on "
        "28 Nov. 1 session. 1 flare-up."
    )


def test_x_axis_labels_count_back_a_week_at_a_time_from_the_end():
    root = parse(trend_chart([], start=START, end=END))
    labels = [
        el.text for el in root.iter(f"{SVG}text") if el.text and re.fullmatch(r"\d+ Nov", el.text)
    ]
    assert labels == ["7 Nov", "14 Nov", "21 Nov", "28 Nov"]


def test_end_before_start_is_an_error():
    with pytest.raises(ValueError):
        trend_chart([], start=END, end=START)


def test_sparkline_is_small_and_labelled():
    days = [DayPoint(START, 2), DayPoint(END, 6)]
    root = parse(sparkline(days, start=START, end=END, width=100, height=24, id_prefix="s9"))
    assert root.get("viewBox") == "0 0 100 24"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").get("id") == "s9-title"
    assert len(root.findall(f"{SVG}g[@class='chart-points']/{SVG}circle")) == 2
    assert not list(root.iter(f"{SVG}text"))


def test_sparkline_draws_each_mark_kind_in_one_group():
    days = [
        DayPoint(START, 2),
        DayPoint(START + dt.timedelta(days=1), 7, flare_reported=True),
        DayPoint(START + dt.timedelta(days=4), 3),
    ]
    sessions = [SessionMark(START), SessionMark(END)]
    root = parse(sparkline(days, sessions, start=START, end=END, id_prefix="s1"))
    line = root.find(f"{SVG}g[@class='chart-line']")
    assert (line.get("stroke"), line.get("stroke-width")) == ("currentColor", "2")
    # Solid to the next day, dashed across the two days with nothing logged.
    assert [el.get("stroke-dasharray") for el in line] == [None, "2 4"]
    shapes = [el.tag.removeprefix(SVG) for el in root.find(f"{SVG}g[@class='chart-points']")]
    assert shapes == ["circle", "rect", "circle"]
    session_group = root.find(f"{SVG}g[@class='chart-session']")
    assert (session_group.get("stroke-dasharray"), len(session_group)) == ("2 2", 2)
    # No flare-up: no hatching to define.
    assert root.find(f"{SVG}defs") is None


def test_sparkline_hatches_flare_ups():
    root = parse(sparkline([], flares=[Period(START, None)], start=START, end=END, id_prefix="s2"))
    (band,) = [el for el in root.iter(f"{SVG}rect") if el.get("class") == "chart-flare"]
    assert band.get("fill") == "url(#s2-hatch)"
    assert root.find(f"{SVG}defs/{SVG}pattern").get("id") == "s2-hatch"


def test_sparkline_coordinates_are_the_frames():
    # The precomputed grid gives the same coordinates as the frame itself.
    days = [DayPoint(START + dt.timedelta(days=n), n % 11) for n in range(28)]
    root = parse(sparkline(days, start=START, end=END, width=120, height=32))
    frame = Frame(start=START, end=END, left=2, right=118, top=3, bottom=29)
    circles = root.findall(f"{SVG}g[@class='chart-points']/{SVG}circle")
    assert [(c.get("cx"), c.get("cy")) for c in circles] == [
        (n(frame.x(point.day)), n(frame.y(point.pain))) for point in days
    ]
