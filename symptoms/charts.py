"""Server-rendered SVG charts of daily pain (CLINICAL.md section 2), pure and tested.

No canvas and no script: the markup prints, and reads without colour (points, self-reported
flare days, sessions and flare-up periods differ by shape and pattern, not only by hue). Each
chart carries a <title> and a <desc> that says in words what it shows; pages put a data table
beside it. Text is escaped here, so the result is safe to insert as it is.

    trend_chart(days, sessions, flares, start=..., end=...)   the full chart with axes
    sparkline(days, start=..., end=...)                       a small line for lists

The clinician's overview adds to trend_chart a baseline band (``baseline``), alert markers
(``alerts``), short intervention labels on sessions (``SessionMark.short``) and clinician
wording (``clinician=True``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

PAIN_TOP = 10


@dataclass(frozen=True)
class DayPoint:
    """One logged day: its daily pain, and whether an entry that day said it was a flare-up."""

    day: date
    pain: int
    flare_reported: bool = False


@dataclass(frozen=True)
class SessionMark:
    day: date
    label: str = ""
    #: A few letters drawn above the marker (e.g. interventions "NM MT") where there is room.
    short: str = ""


@dataclass(frozen=True)
class BaselineDay:
    """The band drawn on one day: from the baseline (``low``) up to ``high`` (e.g. the smallest
    meaningful rise over it)."""

    day: date
    low: float
    high: float


@dataclass(frozen=True)
class AlertMark:
    """An alert opened on ``day``; ``serious`` (urgent or emergency) draws a filled marker."""

    day: date
    label: str
    serious: bool = False


@dataclass(frozen=True)
class Period:
    """A flare-up from start to end inclusive; an open one (end None) runs to the chart's end."""

    start: date
    end: date | None = None


@dataclass(frozen=True)
class _Frame:
    """Where the plot sits inside the SVG, and how days and pain map onto it."""

    start: date
    end: date
    left: float
    right: float
    top: float
    bottom: float

    @property
    def day_count(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def band(self) -> float:
        return (self.right - self.left) / self.day_count

    def x(self, day: date) -> float:
        """The centre of the day's band."""
        return self.left + ((day - self.start).days + 0.5) * self.band

    def band_left(self, day: date) -> float:
        return self.left + (day - self.start).days * self.band

    def y(self, pain: float) -> float:
        return self.bottom - (self.bottom - self.top) * pain / PAIN_TOP


def _n(value: float) -> str:
    """Coordinates with at most one decimal, so the markup stays short and stable."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _day(day: date) -> str:
    return _day_in(day, get_language())


@functools.lru_cache(maxsize=4096)
def _day_in(day: date, language: str | None) -> str:
    # date_format is slow next to the rest of a chart, and a year-long chart or a page of
    # sparklines formats the same few hundred days over and over.
    return date_format(day, "j M")


def _clip(start: date, end: date, *, days, sessions=(), flares=()):
    if end < start:
        raise ValueError("The chart's end is before its start.")
    days = sorted((point for point in days if start <= point.day <= end), key=lambda p: p.day)
    sessions = [mark for mark in sessions if start <= mark.day <= end]
    periods = []
    for period in flares:
        last = period.end or end
        if period.start <= end and last >= start:
            periods.append(Period(max(period.start, start), min(last, end)))
    return days, sessions, periods


def describe(
    days: Sequence[DayPoint],
    sessions: Sequence[SessionMark] = (),
    flares: Sequence[Period] = (),
    *,
    start: date,
    end: date,
) -> str:
    """The chart in one or two plain sentences: its text alternative."""
    days, sessions, flares = _clip(start, end, days=days, sessions=sessions, flares=flares)
    span = _("From %(start)s to %(end)s.") % {"start": _day(start), "end": _day(end)}
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
                "day": _day(days[-1].day),
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


def _defs(prefix: str) -> str:
    # Diagonal hatching marks flare-up periods without relying on colour.
    return (
        f'<defs><pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="currentColor" stroke-width="2" '
        'stroke-opacity="0.35"/></pattern></defs>'
    )


def _flare_bands(frame: _Frame, flares: Sequence[Period], prefix: str) -> list[str]:
    parts = []
    for period in flares:
        x = frame.band_left(period.start)
        width = frame.band_left(period.end) + frame.band - x
        label = _("Flare-up from %(start)s to %(end)s") % {
            "start": _day(period.start),
            "end": _day(period.end),
        }
        parts.append(
            f'<rect class="chart-flare" x="{_n(x)}" y="{_n(frame.top)}" width="{_n(width)}" '
            f'height="{_n(frame.bottom - frame.top)}" fill="url(#{prefix}-hatch)">'
            f"<title>{escape(label)}</title></rect>"
        )
    return parts


def _session_marks(frame: _Frame, sessions: Sequence[SessionMark], *, size: float) -> list[str]:
    parts = []
    for mark in sessions:
        x = frame.x(mark.day)
        label = _("Session on %(day)s") % {"day": _day(mark.day)}
        if mark.label:
            label = f"{label}: {mark.label}"
        # A downward triangle above the plot and a dashed line through it.
        tip = frame.top - 2
        parts.append(
            f'<g class="chart-session"><title>{escape(label)}</title>'
            f'<line x1="{_n(x)}" y1="{_n(frame.top)}" x2="{_n(x)}" y2="{_n(frame.bottom)}" '
            'stroke="currentColor" stroke-width="1" stroke-dasharray="3 3" stroke-opacity="0.6"/>'
            f'<path d="M{_n(x - size)} {_n(tip - size * 1.6)}H{_n(x + size)}L{_n(x)} {_n(tip)}Z" '
            'fill="currentColor"/></g>'
        )
    return parts


def _line(frame: _Frame, days: Sequence[DayPoint]) -> list[str]:
    """Solid between consecutive days, dashed across days with nothing logged."""
    parts = []
    for before, after in zip(days, days[1:], strict=False):
        gap = (after.day - before.day).days > 1
        dash = ' stroke-dasharray="2 4"' if gap else ""
        parts.append(
            f'<line class="chart-line{" chart-gap" if gap else ""}" '
            f'x1="{_n(frame.x(before.day))}" y1="{_n(frame.y(before.pain))}" '
            f'x2="{_n(frame.x(after.day))}" y2="{_n(frame.y(after.pain))}" '
            f'stroke="currentColor" stroke-width="2"{dash}/>'
        )
    return parts


def _points(
    frame: _Frame, days: Sequence[DayPoint], *, radius: float, titled: bool, clinician: bool = False
) -> list[str]:
    parts = []
    for point in days:
        x, y = frame.x(point.day), frame.y(point.pain)
        title = ""
        if titled:
            label = _("%(day)s: daily pain %(pain)d") % {"day": _day(point.day), "pain": point.pain}
            if point.flare_reported:
                if clinician:
                    label += " " + _("(the patient said it was a flare-up)")
                else:
                    label += " " + _("(you said it was a flare-up)")
            title = f"<title>{escape(label)}</title>"
        if point.flare_reported:
            # A square, not a circle: the shape says "flare-up reported".
            side = radius * 2.2
            parts.append(
                f'<rect class="chart-point chart-point-flare" x="{_n(x - side / 2)}" '
                f'y="{_n(y - side / 2)}" width="{_n(side)}" height="{_n(side)}" '
                f'fill="currentColor">{title}</rect>'
            )
        else:
            parts.append(
                f'<circle class="chart-point" cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" '
                f'fill="currentColor">{title}</circle>'
            )
    return parts


def _x_ticks(frame: _Frame) -> list[date]:
    """Day labels counted back from the end, at most about six of them."""
    count = frame.day_count
    step = max(1, math.ceil(count / 6)) if count <= 14 else 7 * math.ceil(count / 42)
    ticks = []
    offset = 0
    while offset < count:
        ticks.append(frame.end.fromordinal(frame.end.toordinal() - offset))
        offset += step
    return sorted(ticks)


def _open_svg(prefix: str, width: int, height: int, css_class: str, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="xMidYMid meet" aria-labelledby="{prefix}-title {prefix}-desc">'
        f'<title id="{prefix}-title">{escape(title)}</title>'
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>'
    )


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
    days, sessions, flares = _clip(start, end, days=days, sessions=sessions, flares=flares)
    baseline = sorted((b for b in baseline if start <= b.day <= end), key=lambda b: b.day)
    alerts = [mark for mark in alerts if start <= mark.day <= end]
    title = title or _("Daily pain, %(start)s to %(end)s") % {
        "start": _day(start),
        "end": _day(end),
    }
    desc = describe(days, sessions, flares, start=start, end=end)
    if alerts:
        desc += " " + ngettext("%(count)d alert.", "%(count)d alerts.", len(alerts)) % {
            "count": len(alerts)
        }
    legend_height = 22
    frame = _Frame(
        start=start, end=end, left=34, right=width - 18, top=22, bottom=height - 26 - legend_height
    )
    parts = [_open_svg(id_prefix, width, height, "trend-chart", title, desc), _defs(id_prefix)]

    # The y axis: gridlines every 2 points, labelled.
    parts.append('<g class="chart-axis" fill="currentColor" font-size="11">')
    for pain in range(0, PAIN_TOP + 1, 2):
        y = frame.y(pain)
        parts.append(
            f'<line x1="{_n(frame.left)}" y1="{_n(y)}" x2="{_n(frame.right)}" y2="{_n(y)}" '
            f'stroke="currentColor" stroke-opacity="{"0.5" if pain == 0 else "0.15"}"/>'
            f'<text x="{_n(frame.left - 6)}" y="{_n(y + 4)}" text-anchor="end">{pain}</text>'
        )
    for tick in _x_ticks(frame):
        x = frame.x(tick)
        parts.append(
            f'<line x1="{_n(x)}" y1="{_n(frame.bottom)}" x2="{_n(x)}" y2="{_n(frame.bottom + 4)}" '
            'stroke="currentColor" stroke-opacity="0.5"/>'
            f'<text x="{_n(x)}" y="{_n(frame.bottom + 16)}" text-anchor="middle">'
            f"{escape(_day(tick))}</text>"
        )
    parts.append("</g>")

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
            f'<text class="chart-empty" x="{_n((frame.left + frame.right) / 2)}" '
            f'y="{_n((frame.top + frame.bottom) / 2)}" text-anchor="middle" font-size="13" '
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


def _baseline_band(frame: _Frame, baseline: Sequence[BaselineDay]) -> list[str]:
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
        upper = [f"M{_n(x0)} {_n(frame.y(run[0].high))}"]
        lower = [f"M{_n(x0)} {_n(frame.y(run[0].low))}"]
        for item in run:
            right = frame.band_left(item.day) + frame.band
            upper.append(f"V{_n(frame.y(item.high))}H{_n(right)}")
            lower.append(f"V{_n(frame.y(item.low))}H{_n(right)}")
        back = "".join(
            f"V{_n(frame.y(item.low))}H{_n(frame.band_left(item.day))}" for item in reversed(run)
        )
        parts.append(
            f'<path class="chart-baseline-band" d="{"".join(upper)}{back}Z" fill="currentColor" '
            'fill-opacity="0.1" stroke="none"/>'
            f'<path class="chart-baseline" d="{"".join(lower)}" fill="none" stroke="currentColor" '
            'stroke-width="1.5" stroke-dasharray="6 3" stroke-opacity="0.7"/>'
        )
    return parts


def _session_labels(frame: _Frame, sessions: Sequence[SessionMark]) -> list[str]:
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
        f'<text class="chart-session-label" x="{_n(frame.x(mark.day))}" y="{_n(frame.top - 12)}" '
        f'text-anchor="middle" font-size="9" fill="currentColor">{escape(mark.short)}</text>'
        for mark in labelled
    ]


def _alert_marks(frame: _Frame, alerts: Sequence[AlertMark]) -> list[str]:
    """A diamond on the bottom edge of the plot: filled for urgent or emergency, hollow else."""
    parts = []
    size = 5
    y = frame.bottom - size - 1
    for mark in alerts:
        x = frame.x(mark.day)
        fill = 'fill="currentColor"' if mark.serious else 'fill="none"'
        parts.append(
            f'<path class="chart-alert{" chart-alert-serious" if mark.serious else ""}" '
            f'd="M{_n(x)} {_n(y - size)}L{_n(x + size)} {_n(y)}L{_n(x)} {_n(y + size)}'
            f'L{_n(x - size)} {_n(y)}Z" {fill} stroke="currentColor" stroke-width="1.5">'
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
            parts.append(f'<circle cx="{_n(cursor + 5)}" cy="{_n(y - 4)}" r="4"/>')
        elif shape == "square":
            parts.append(f'<rect x="{_n(cursor + 1)}" y="{_n(y - 8)}" width="8" height="8"/>')
        elif shape == "triangle":
            parts.append(
                f'<path d="M{_n(cursor)} {_n(y - 9)}H{_n(cursor + 10)}L{_n(cursor + 5)} {_n(y)}Z"/>'
            )
        elif shape == "band":
            parts.append(
                f'<rect x="{_n(cursor)}" y="{_n(y - 10)}" width="12" height="11" '
                'fill-opacity="0.1"/>'
                f'<line x1="{_n(cursor)}" y1="{_n(y + 1)}" x2="{_n(cursor + 12)}" y2="{_n(y + 1)}" '
                'stroke="currentColor" stroke-dasharray="4 2"/>'
            )
        elif shape == "diamond":
            parts.append(
                f'<path d="M{_n(cursor + 5)} {_n(y - 10)}L{_n(cursor + 10)} {_n(y - 5)}'
                f'L{_n(cursor + 5)} {_n(y)}L{_n(cursor)} {_n(y - 5)}Z"/>'
            )
        else:
            parts.append(
                f'<rect x="{_n(cursor)}" y="{_n(y - 10)}" width="12" height="11" '
                f'fill="url(#{prefix}-hatch)" stroke="currentColor" stroke-opacity="0.4"/>'
            )
        parts.append(f'<text x="{_n(cursor + 15)}" y="{_n(y)}">{escape(label)}</text>')
        # Roughly 6 px a character at this size is enough to keep labels apart.
        cursor += 26 + 6 * len(label)
    parts.append("</g>")
    return "".join(parts)


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
    """A small line of daily pain on a fixed 0-10 scale, for lists and cards (no axis)."""
    days, sessions, flares = _clip(start, end, days=days, sessions=sessions, flares=flares)
    title = title or _("Daily pain, %(start)s to %(end)s") % {
        "start": _day(start),
        "end": _day(end),
    }
    desc = describe(days, sessions, flares, start=start, end=end)
    frame = _Frame(start=start, end=end, left=2, right=width - 2, top=3, bottom=height - 3)
    parts = [_open_svg(id_prefix, width, height, "sparkline", title, desc), _defs(id_prefix)]
    parts.extend(_flare_bands(frame, flares, id_prefix))
    for mark in sessions:
        x = frame.x(mark.day)
        parts.append(
            f'<line class="chart-session" x1="{_n(x)}" y1="{_n(frame.top)}" x2="{_n(x)}" '
            f'y2="{_n(frame.bottom)}" stroke="currentColor" stroke-dasharray="2 2" '
            'stroke-opacity="0.6"/>'
        )
    parts.extend(_line(frame, days))
    parts.extend(_points(frame, days, radius=1.8, titled=False))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
