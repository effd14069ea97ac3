"""Server-rendered SVG charts of daily pain (spec.md section 4), pure and tested.

No canvas and no script: the markup prints, and reads without colour (points, self-reported
flare days, sessions and flare-up periods differ by shape and pattern, not only by hue). Each
chart carries a <title> and a <desc> that says in words what it shows; pages put a data table
beside it. Text is escaped here, so the result is safe to insert as it is. The full chart fills
its container at any width with text that keeps its size (``core.charts``).

    trend_chart(days, sessions, flares, start=..., end=...)   the full chart with axes
    sparkline(days, start=..., end=...)                       a small line for lists

The clinician's overview adds to trend_chart a baseline band (``baseline``), alert markers
(``alerts``), sessions named with their interventions (``SessionMark.label``) and clinician
wording (``clinician=True``). This module draws the marks; ``symptoms.chart_frame`` holds the
data types, the frame (days to x, pain to y), the axes and the formatting they share.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.charts import KeyItem, chart, key, open_plot, pct, symbol_defs, use

from .chart_frame import (
    PAIN_TOP,
    AlertMark,
    BaselineDay,
    DayPoint,
    Frame,
    Period,
    SessionMark,
    axes,
    clip,
    day_label,
    grid,
    hatch_defs,
    n,
    open_svg,
)

__all__ = [
    "PAIN_TOP",
    "AlertMark",
    "BaselineDay",
    "DayPoint",
    "Period",
    "SessionMark",
    "describe",
    "sparkline",
    "trend_chart",
]


def describe(
    days: Sequence[DayPoint],
    sessions: Sequence[SessionMark] = (),
    flares: Sequence[Period] = (),
    *,
    start: date,
    end: date,
) -> str:
    """The chart in one or two plain sentences: its text alternative."""
    days, sessions, flares = clip(start, end, days=days, sessions=sessions, flares=flares)
    return _sentences(days, sessions, flares, start=start, end=end)


def _sentences(
    days: Sequence[DayPoint],
    sessions: Sequence[SessionMark],
    flares: Sequence[Period],
    *,
    start: date,
    end: date,
) -> str:
    """``describe`` of what is already clipped to start..end."""
    span = _("From %(start)s to %(end)s.") % {"start": day_label(start), "end": day_label(end)}
    if not days:
        parts = [span, _("No pain scores logged.")]
    else:
        pains = [point.pain for point in days]
        parts = [
            span,
            ngettext("%(count)d day logged", "%(count)d days logged", len(days))
            % {"count": len(days)}
            + ": "
            + _("lowest daily pain %(low)d, highest %(high)d, latest %(latest)d on %(day)s.")
            % {
                "low": min(pains),
                "high": max(pains),
                "latest": pains[-1],
                "day": day_label(days[-1].day),
            },
        ]
    if sessions:
        parts.append(
            ngettext("%(count)d session.", "%(count)d sessions.", len(sessions))
            % {"count": len(sessions)}
        )
    if flares:
        parts.append(
            ngettext("%(count)d flare-up.", "%(count)d flare-ups.", len(flares))
            % {"count": len(flares)}
        )
    return " ".join(parts)


def _flare_bands(frame: Frame, flares: Sequence[Period], prefix: str) -> list[str]:
    parts = []
    unit = frame.unit
    for period in flares:
        end = period.end or frame.end  # an open flare-up runs to the chart's end
        x = frame.band_left(period.start)
        width = frame.band_left(end) + frame.band - x
        label = _("Flare-up from %(start)s to %(end)s") % {
            "start": day_label(period.start),
            "end": day_label(end),
        }
        parts.append(
            f'<rect class="chart-flare" x="{n(x)}{unit}" y="{n(frame.top)}" '
            f'width="{n(width)}{unit}" height="{n(frame.bottom - frame.top)}" '
            f'fill="url(#{prefix}-hatch)"><title>{escape(label)}</title></rect>'
        )
    return parts


def _session_marks(frame: Frame, sessions: Sequence[SessionMark], prefix: str) -> list[str]:
    """A triangle above the plot and a dashed line through it, per session. Each marker takes
    the keyboard focus and names the session in full (its kind and every intervention): in its
    title for a mouse or a screen reader, and in words over the plot while it is hovered or
    focused (``.chart-session-full`` in assets/scss/_app.scss)."""
    parts = []
    for mark in sessions:
        x = pct(frame.x(mark.day))
        label = _("Session on %(day)s") % {"day": day_label(mark.day)}
        if mark.label:
            label = f"{label}: {mark.label}"
        at = frame.x(mark.day)
        anchor = "start" if at < 35 else "end" if at > 65 else "middle"
        parts.append(
            f'<g class="chart-session" tabindex="0" role="img" aria-label="{escape(label)}">'
            f"<title>{escape(label)}</title>"
            f'<line x1="{x}" y1="{n(frame.top)}" x2="{x}" y2="{n(frame.bottom)}" '
            'stroke="currentColor" stroke-width="1" stroke-dasharray="3 3" stroke-opacity="0.6"/>'
            + use(prefix, "target", x, frame.top - 6)
            + use(prefix, "triangle", x, frame.top - 1, attrs='class="chart-session-mark"')
            + f'<text class="chart-session-full" x="{x}" y="{n(frame.top + 16)}" '
            f'text-anchor="{anchor}" aria-hidden="true">{_lines(label, x)}</text></g>'
        )
    return parts


def _lines(text: str, x: str, width: int = 28) -> str:
    """``text`` in lines of about ``width`` characters (SVG text does not wrap by itself), so
    that a session's full name fits on a phone."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "".join(
        f'<tspan x="{x}" dy="{"0" if index == 0 else "1.25em"}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )


def _line(frame: Frame, days: Sequence[DayPoint]) -> list[str]:
    """Solid between consecutive days, dashed across days with nothing logged."""
    at = grid(frame)
    parts = []
    for before, after in zip(days, days[1:], strict=False):
        gap = (after.day - before.day).days > 1
        dash = ' stroke-dasharray="2 4"' if gap else ""
        parts.append(
            f'<line class="chart-line{" chart-gap" if gap else ""}" '
            f'x1="{at.x(frame, before.day)}" y1="{at.y(frame, before.pain)}" '
            f'x2="{at.x(frame, after.day)}" y2="{at.y(frame, after.pain)}" '
            f'stroke="currentColor" stroke-width="2"{dash}/>'
        )
    return parts


def _points(frame: Frame, days: Sequence[DayPoint], prefix: str, *, clinician: bool) -> list[str]:
    at = grid(frame)
    # Translated once per chart, not once per point: a year-long chart has 365 of them.
    said = (
        _("(the patient said it was a flare-up)")
        if clinician
        else _("(you said it was a flare-up)")
    )
    pain_on = _("%(day)s: daily pain %(pain)d")
    parts = []
    for point in days:
        label = pain_on % {"day": day_label(point.day), "pain": point.pain}
        x, y = at.x(frame, point.day), at.y(frame, point.pain)
        if point.flare_reported:
            # A flare-up reported that day is a square, not a circle: the shape says it.
            title = f"<title>{escape(label + ' ' + said)}</title>"
            parts.append(
                f'<use class="chart-point chart-point-flare" href="#{prefix}-square" x="{x}" '
                f'y="{y}" fill="currentColor">{title}</use>'
            )
        else:
            title = f"<title>{escape(label)}</title>"
            parts.append(
                f'<circle class="chart-point" cx="{x}" cy="{y}" r="4.5" '
                f'fill="currentColor">{title}</circle>'
            )
    return parts


def _square(frame: Frame, point: DayPoint, radius: float) -> str:
    """A sparkline's flare-up day: a square, not a circle."""
    side = radius * 2.2
    x, y = frame.x(point.day), frame.y(point.pain)
    return f'x="{n(x - side / 2)}" y="{n(y - side / 2)}" width="{n(side)}" height="{n(side)}"'


def _baseline_band(frame: Frame, baseline: Sequence[BaselineDay]) -> list[str]:
    """A shaded band per run of days with the same baseline and rise, and the baseline itself
    as a dashed line along its lower edge (a pattern of lines, so it reads in grey too); a
    step joins two runs of consecutive days."""
    runs: list[list[BaselineDay]] = []
    for item in baseline:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and (item.day - last.day).days == 1
            and (item.low, item.high) == (last.low, last.high)
        ):
            runs[-1].append(item)
        else:
            runs.append([item])
    parts = ['<g class="chart-baseline-group" aria-hidden="true">']
    previous: list[BaselineDay] | None = None
    for run in runs:
        first, last = run[0], run[-1]
        x0 = frame.band_left(first.day)
        x1 = frame.band_left(last.day) + frame.band
        low, high = frame.y(first.low), frame.y(first.high)
        parts.append(
            f'<rect class="chart-baseline-band" x="{pct(x0)}" y="{n(high)}" '
            f'width="{pct(x1 - x0)}" height="{n(max(low - high, 0))}" fill="currentColor" '
            'fill-opacity="0.1"/>'
            f'<line class="chart-baseline" x1="{pct(x0)}" y1="{n(low)}" x2="{pct(x1)}" '
            f'y2="{n(low)}" stroke="currentColor" stroke-width="1.5" stroke-dasharray="6 3" '
            'stroke-opacity="0.7"/>'
        )
        if previous is not None and (first.day - previous[-1].day).days == 1:
            before = frame.y(previous[-1].low)
            parts.append(
                f'<line class="chart-baseline" x1="{pct(x0)}" y1="{n(before)}" x2="{pct(x0)}" '
                f'y2="{n(low)}" stroke="currentColor" stroke-width="1.5" stroke-opacity="0.7"/>'
            )
        previous = run
    parts.append("</g>")
    return parts


def _alert_marks(frame: Frame, alerts: Sequence[AlertMark], prefix: str) -> list[str]:
    """A diamond on the bottom edge of the plot: filled for urgent or emergency, hollow else."""
    parts = []
    y = frame.bottom - 7
    for mark in alerts:
        x = pct(frame.x(mark.day))
        if mark.serious:
            paint, cls = 'fill="currentColor"', "chart-alert chart-alert-serious"
        else:
            paint, cls = 'fill="none"', "chart-alert"
        parts.append(
            f'<use class="{cls}" href="#{prefix}-diamond" x="{x}" y="{n(y)}" {paint} '
            f'stroke="currentColor" stroke-width="1.5"><title>{escape(mark.label)}</title></use>'
        )
    return parts


def _key(days, sessions, flares, *, baseline=(), alerts=(), clinician=False) -> str:
    """Only what the chart shows, each with its shape."""
    items = []
    if days:
        items.append(KeyItem("circle", _("Daily pain"), "chart-key-pain"))
    if any(point.flare_reported for point in days):
        said = _("Patient said flare-up") if clinician else _("You said flare-up")
        items.append(KeyItem("square", said, "chart-key-pain"))
    if sessions:
        items.append(KeyItem("triangle", _("Session"), "chart-key-session"))
    if flares:
        items.append(KeyItem("hatch", _("Flare-up"), "chart-key-flare"))
    if baseline:
        items.append(KeyItem("band", _("Baseline band"), "chart-key-baseline"))
    if alerts:
        items.append(KeyItem("diamond", _("Alert"), "chart-key-alert"))
    return key(items, _("Key"))


def trend_chart(
    days: Sequence[DayPoint],
    sessions: Sequence[SessionMark] = (),
    flares: Sequence[Period] = (),
    *,
    start: date,
    end: date,
    height: int = 240,
    title: str | None = None,
    id_prefix: str = "trend",
    baseline: Sequence[BaselineDay] = (),
    alerts: Sequence[AlertMark] = (),
    clinician: bool = False,
) -> SafeString:
    """Daily pain from start to end with a 0-10 axis, session markers and flare-up bands: the
    plot as wide as its container and ``height`` CSS pixels tall, then its key
    (``core.charts``).

    Days, sessions and flare-ups outside start..end are left out (flare-ups are cut to it).
    `id_prefix` keeps the ids of several charts on one page apart. `baseline` draws a band per
    day, `alerts` a marker per alert along the bottom of the plot; `clinician` speaks of "the
    patient" rather than "you".
    """
    days, sessions, flares = clip(start, end, days=days, sessions=sessions, flares=flares)
    baseline = sorted((b for b in baseline if start <= b.day <= end), key=lambda b: b.day)
    alerts = [mark for mark in alerts if start <= mark.day <= end]
    desc = _sentences(days, sessions, flares, start=start, end=end)
    if alerts:
        desc += " " + ngettext("%(count)d alert.", "%(count)d alerts.", len(alerts)) % {
            "count": len(alerts)
        }
    frame = Frame(start=start, end=end, left=0, right=100, top=16, bottom=height - 26, unit="%")
    title = title or _default_title(start, end)
    parts = [
        open_plot(id_prefix, "trend-chart", height, title, desc),
        symbol_defs(id_prefix, hatch=bool(flares)),
        axes(frame),
    ]
    parts.extend(_flare_bands(frame, flares, id_prefix))
    if baseline:
        parts.extend(_baseline_band(frame, baseline))
    parts.extend(_alert_marks(frame, alerts, id_prefix))
    parts.append('<g class="chart-series" aria-hidden="true">')
    parts.extend(_line(frame, days))
    parts.extend(_points(frame, days, id_prefix, clinician=clinician))
    parts.append("</g>")
    # Last, so that a session's words on hover or focus are drawn over the points.
    parts.extend(_session_marks(frame, sessions, id_prefix))
    if not days:
        parts.append(
            f'<text class="chart-empty" x="50%" y="{n((frame.top + frame.bottom) / 2)}" '
            f'text-anchor="middle">{escape(_("Nothing logged in these days yet."))}</text>'
        )
    parts.append("</svg>")
    legend = _key(days, sessions, flares, baseline=baseline, alerts=alerts, clinician=clinician)
    return mark_safe(chart("".join(parts), legend, "chart-trend"))  # noqa: S308 - escaped


def _default_title(start: date, end: date) -> str:
    return _("Daily pain, %(start)s to %(end)s") % {
        "start": day_label(start),
        "end": day_label(end),
    }


def sparkline(
    days: Sequence[DayPoint],
    sessions: Sequence[SessionMark] = (),
    flares: Sequence[Period] = (),
    *,
    start: date,
    end: date,
    width: int = 120,
    height: int = 32,
    title: str | None = None,
    id_prefix: str = "spark",
) -> SafeString:
    """A small line of daily pain on a fixed 0-10 scale, for lists and cards (no axis).

    A caseload page draws one per row, so the marks are kept short: the lines of each kind in
    one group that carries their stroke, coordinates from the frame's ``grid`` (formatted once
    for every row on the same frame), and the hatching defined only when a flare-up uses it.
    Inherited presentation attributes draw exactly what the same attributes on each element
    would (Chromium renders the two pixel for pixel alike)."""
    days, sessions, flares = clip(start, end, days=days, sessions=sessions, flares=flares)
    desc = _sentences(days, sessions, flares, start=start, end=end)
    frame = Frame(start=start, end=end, left=2, right=width - 2, top=3, bottom=height - 3)
    title = title or _default_title(start, end)
    parts = [open_svg(id_prefix, width, height, "sparkline", title, desc)]
    if flares:
        parts.append(hatch_defs(id_prefix))
        parts.extend(_flare_bands(frame, flares, id_prefix))
    if sessions:
        parts.append(_spark_sessions(frame, sessions))
    # Each day's x and y once, for both its line ends and its point; clipped days all fall
    # on the frame's grid.
    at = grid(frame)
    xy = [(at.xs[(point.day - start).days], at.y(frame, point.pain)) for point in days]
    if len(days) > 1:
        parts.append(_spark_line(days, xy))
    if days:
        parts.append(_spark_points(frame, days, xy))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _spark_sessions(frame: Frame, sessions: Sequence[SessionMark]) -> str:
    at, top, bottom = grid(frame), n(frame.top), n(frame.bottom)
    lines = "".join(
        f'<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}"/>'
        for x in (at.x(frame, mark.day) for mark in sessions)
    )
    return (
        '<g class="chart-session" stroke="currentColor" stroke-dasharray="2 2" '
        f'stroke-opacity="0.6">{lines}</g>'
    )


def _spark_line(days: Sequence[DayPoint], xy: Sequence[tuple[str, str]]) -> str:
    """Solid between consecutive days, dashed across days with nothing logged."""
    parts = ['<g class="chart-line" stroke="currentColor" stroke-width="2">']
    for index in range(1, len(days)):
        gap = (days[index].day - days[index - 1].day).days > 1
        (x1, y1), (x2, y2) = xy[index - 1], xy[index]
        dash = ' class="chart-gap" stroke-dasharray="2 4"' if gap else ""
        parts.append(f'<line{dash} x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>')
    parts.append("</g>")
    return "".join(parts)


def _spark_points(frame: Frame, days: Sequence[DayPoint], xy: Sequence[tuple[str, str]]) -> str:
    parts = ['<g class="chart-points" fill="currentColor">']
    for point, (x, y) in zip(days, xy, strict=True):
        if point.flare_reported:
            parts.append(f'<rect class="chart-point-flare" {_square(frame, point, 1.8)}/>')
        else:
            parts.append(f'<circle cx="{x}" cy="{y}" r="1.8"/>')
    parts.append("</g>")
    return "".join(parts)
