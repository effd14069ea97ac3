"""Server-rendered SVG charts of daily pain (spec.md section 4), pure and tested.

No canvas and no script: the markup prints, and reads without colour (points, self-reported
flare days, sessions and flare-up periods differ by shape and pattern, not only by hue). Each
chart carries a <title> and a <desc> that says in words what it shows; pages put a data table
beside it. Text is escaped here, so the result is safe to insert as it is.

    trend_chart(days, sessions, flares, start=..., end=...)   the full chart with axes
    sparkline(days, start=..., end=...)                       a small line for lists

The clinician's overview adds to trend_chart a baseline band (``baseline``), alert markers
(``alerts``), short intervention labels on sessions (``SessionMark.short``) and clinician
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
    for period in flares:
        end = period.end or frame.end  # an open flare-up runs to the chart's end
        x = frame.band_left(period.start)
        width = frame.band_left(end) + frame.band - x
        label = _("Flare-up from %(start)s to %(end)s") % {
            "start": day_label(period.start),
            "end": day_label(end),
        }
        parts.append(
            f'<rect class="chart-flare" x="{n(x)}" y="{n(frame.top)}" width="{n(width)}" '
            f'height="{n(frame.bottom - frame.top)}" fill="url(#{prefix}-hatch)">'
            f"<title>{escape(label)}</title></rect>"
        )
    return parts


def _session_marks(frame: Frame, sessions: Sequence[SessionMark], *, size: float) -> list[str]:
    parts = []
    for mark in sessions:
        x = frame.x(mark.day)
        label = _("Session on %(day)s") % {"day": day_label(mark.day)}
        if mark.label:
            label = f"{label}: {mark.label}"
        # A downward triangle above the plot and a dashed line through it.
        tip = frame.top - 2
        parts.append(
            f'<g class="chart-session"><title>{escape(label)}</title>'
            f'<line x1="{n(x)}" y1="{n(frame.top)}" x2="{n(x)}" y2="{n(frame.bottom)}" '
            'stroke="currentColor" stroke-width="1" stroke-dasharray="3 3" stroke-opacity="0.6"/>'
            f'<path d="M{n(x - size)} {n(tip - size * 1.6)}H{n(x + size)}L{n(x)} {n(tip)}Z" '
            'fill="currentColor"/></g>'
        )
    return parts


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


def _points(
    frame: Frame, days: Sequence[DayPoint], *, radius: float, titled: bool, clinician: bool = False
) -> list[str]:
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
        title = ""
        if titled:
            label = pain_on % {"day": day_label(point.day), "pain": point.pain}
            if point.flare_reported:
                label += " " + said
            title = f"<title>{escape(label)}</title>"
        if point.flare_reported:
            parts.append(
                f'<rect class="chart-point chart-point-flare" {_square(frame, point, radius)} '
                f'fill="currentColor">{title}</rect>'
            )
        else:
            parts.append(
                f'<circle class="chart-point" cx="{at.x(frame, point.day)}" '
                f'cy="{at.y(frame, point.pain)}" r="{n(radius)}" '
                f'fill="currentColor">{title}</circle>'
            )
    return parts


def _square(frame: Frame, point: DayPoint, radius: float) -> str:
    """A flare-up reported that day is a square, not a circle: the shape says it."""
    side = radius * 2.2
    x, y = frame.x(point.day), frame.y(point.pain)
    return f'x="{n(x - side / 2)}" y="{n(y - side / 2)}" width="{n(side)}" height="{n(side)}"'


def _baseline_band(frame: Frame, baseline: Sequence[BaselineDay]) -> list[str]:
    """A shaded step band per run of consecutive days, with the baseline itself as a dashed
    line along its lower edge (a pattern of lines, so it reads in grey too)."""
    runs: list[list[BaselineDay]] = []
    for item in baseline:
        if runs and (item.day - runs[-1][-1].day).days == 1:
            runs[-1].append(item)
        else:
            runs.append([item])
    parts = []
    for run in runs:
        x0 = frame.band_left(run[0].day)
        upper = [f"M{n(x0)} {n(frame.y(run[0].high))}"]
        lower = [f"M{n(x0)} {n(frame.y(run[0].low))}"]
        for item in run:
            right = frame.band_left(item.day) + frame.band
            upper.append(f"V{n(frame.y(item.high))}H{n(right)}")
            lower.append(f"V{n(frame.y(item.low))}H{n(right)}")
        back = "".join(
            f"V{n(frame.y(item.low))}H{n(frame.band_left(item.day))}" for item in reversed(run)
        )
        parts.append(
            f'<path class="chart-baseline-band" d="{"".join(upper)}{back}Z" fill="currentColor" '
            'fill-opacity="0.1" stroke="none"/>'
            f'<path class="chart-baseline" d="{"".join(lower)}" fill="none" stroke="currentColor" '
            'stroke-width="1.5" stroke-dasharray="6 3" stroke-opacity="0.7"/>'
        )
    return parts


def _session_labels(frame: Frame, sessions: Sequence[SessionMark]) -> list[str]:
    """Short labels above session markers, only when every label fits beside its neighbours
    (about 5.5 px a character at this size); the markers' titles always carry the full text."""
    labelled = sorted((mark for mark in sessions if mark.short), key=lambda m: m.day)
    if not labelled:
        return []
    for before, after in zip(labelled, labelled[1:], strict=False):
        room = frame.x(after.day) - frame.x(before.day)
        if room < 5.5 * (len(before.short) + len(after.short)) / 2 + 4:
            return []
    return [
        f'<text class="chart-session-label" x="{n(frame.x(mark.day))}" y="{n(frame.top - 12)}" '
        f'text-anchor="middle" font-size="9" fill="currentColor">{escape(mark.short)}</text>'
        for mark in labelled
    ]


def _alert_marks(frame: Frame, alerts: Sequence[AlertMark]) -> list[str]:
    """A diamond on the bottom edge of the plot: filled for urgent or emergency, hollow else."""
    parts = []
    size = 5
    y = frame.bottom - size - 1
    for mark in alerts:
        x = frame.x(mark.day)
        fill = 'fill="currentColor"' if mark.serious else 'fill="none"'
        parts.append(
            f'<path class="chart-alert{" chart-alert-serious" if mark.serious else ""}" '
            f'd="M{n(x)} {n(y - size)}L{n(x + size)} {n(y)}L{n(x)} {n(y + size)}'
            f'L{n(x - size)} {n(y)}Z" {fill} stroke="currentColor" stroke-width="1.5">'
            f"<title>{escape(mark.label)}</title></path>"
        )
    return parts


def _legend(
    prefix, days, sessions, flares, *, x: float, y: float, baseline=(), alerts=(), clinician=False
) -> str:
    """Only what the chart shows, each with its shape."""
    items = []
    if days:
        items.append(("circle", _("Daily pain")))
    if any(point.flare_reported for point in days):
        said = _("Patient said flare-up") if clinician else _("You said flare-up")
        items.append(("square", said))
    if sessions:
        items.append(("triangle", _("Session")))
    if flares:
        items.append(("hatch", _("Flare-up")))
    if baseline:
        items.append(("band", _("Baseline band")))
    if alerts:
        items.append(("diamond", _("Alert")))
    parts = ['<g class="chart-legend" font-size="11" fill="currentColor" aria-hidden="true">']
    cursor = x
    for shape, label in items:
        if shape == "circle":
            parts.append(f'<circle cx="{n(cursor + 5)}" cy="{n(y - 4)}" r="4"/>')
        elif shape == "square":
            parts.append(f'<rect x="{n(cursor + 1)}" y="{n(y - 8)}" width="8" height="8"/>')
        elif shape == "triangle":
            parts.append(
                f'<path d="M{n(cursor)} {n(y - 9)}H{n(cursor + 10)}L{n(cursor + 5)} {n(y)}Z"/>'
            )
        elif shape == "band":
            parts.append(
                f'<rect x="{n(cursor)}" y="{n(y - 10)}" width="12" height="11" '
                'fill-opacity="0.1"/>'
                f'<line x1="{n(cursor)}" y1="{n(y + 1)}" x2="{n(cursor + 12)}" y2="{n(y + 1)}" '
                'stroke="currentColor" stroke-dasharray="4 2"/>'
            )
        elif shape == "diamond":
            parts.append(
                f'<path d="M{n(cursor + 5)} {n(y - 10)}L{n(cursor + 10)} {n(y - 5)}'
                f'L{n(cursor + 5)} {n(y)}L{n(cursor)} {n(y - 5)}Z"/>'
            )
        else:
            parts.append(
                f'<rect x="{n(cursor)}" y="{n(y - 10)}" width="12" height="11" '
                f'fill="url(#{prefix}-hatch)" stroke="currentColor" stroke-opacity="0.4"/>'
            )
        parts.append(f'<text x="{n(cursor + 15)}" y="{n(y)}">{escape(label)}</text>')
        # Roughly 6 px a character at this size is enough to keep labels apart.
        cursor += 26 + 6 * len(label)
    parts.append("</g>")
    return "".join(parts)


def trend_chart(
    days: Sequence[DayPoint],
    sessions: Sequence[SessionMark] = (),
    flares: Sequence[Period] = (),
    *,
    start: date,
    end: date,
    width: int = 640,
    height: int = 260,
    title: str | None = None,
    id_prefix: str = "trend",
    baseline: Sequence[BaselineDay] = (),
    alerts: Sequence[AlertMark] = (),
    clinician: bool = False,
) -> SafeString:
    """Daily pain from start to end with a 0-10 axis, session markers and flare-up bands.

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
    legend_height = 22
    frame = Frame(
        start=start, end=end, left=34, right=width - 18, top=22, bottom=height - 26 - legend_height
    )
    title = title or _default_title(start, end)
    parts = [open_svg(id_prefix, width, height, "trend-chart", title, desc), hatch_defs(id_prefix)]
    parts.append(axes(frame))
    parts.extend(_flare_bands(frame, flares, id_prefix))
    parts.extend(_baseline_band(frame, baseline))
    parts.extend(_session_marks(frame, sessions, size=5))
    parts.extend(_session_labels(frame, sessions))
    parts.extend(_alert_marks(frame, alerts))
    parts.append('<g class="chart-series">')
    parts.extend(_line(frame, days))
    parts.extend(_points(frame, days, radius=4, titled=True, clinician=clinician))
    parts.append("</g>")
    if not days:
        parts.append(
            f'<text class="chart-empty" x="{n((frame.left + frame.right) / 2)}" '
            f'y="{n((frame.top + frame.bottom) / 2)}" text-anchor="middle" font-size="13" '
            f'fill="currentColor">{escape(_("Nothing logged in these days yet."))}</text>'
        )
    parts.append(
        _legend(
            id_prefix,
            days,
            sessions,
            flares,
            x=frame.left,
            y=height - 8,
            baseline=baseline,
            alerts=alerts,
            clinician=clinician,
        )
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


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
