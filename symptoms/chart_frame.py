"""Where things go on a pain chart (``symptoms.charts`` draws the marks): the data a chart is
given, the frame that maps days to x and pain to y, coordinates and day labels formatted once,
and the axes (drawn with ``core.charts``, the pieces every chart shares).

Pure and escaped like the charts themselves.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.charts import Tick, n, x_labels, y_axis

__all__ = ["PAIN_TOP", "Frame", "n"]

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
    #: The session in full (its kind and interventions): the marker's title and words.
    label: str = ""


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
class Frame:
    """Where the plot sits inside the SVG, and how days and pain map onto it. ``unit`` follows
    each x: "" for a sparkline's viewBox units, "%" for a full chart, whose x runs 0-100% of
    its width (``core.charts``)."""

    start: date
    end: date
    left: float
    right: float
    top: float
    bottom: float
    unit: str = ""

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


@dataclass(frozen=True)
class Grid:
    """A frame's coordinates as text: the x of each day (by days from the start) and the y of
    each pain score 0-10."""

    xs: tuple[str, ...]
    ys: tuple[str, ...]

    def x(self, frame: Frame, day: date) -> str:
        offset = (day - frame.start).days
        return self.xs[offset] if 0 <= offset < len(self.xs) else n(frame.x(day)) + frame.unit

    def y(self, frame: Frame, pain: float) -> str:
        if type(pain) is int and 0 <= pain <= PAIN_TOP:
            return self.ys[pain]
        return n(frame.y(pain))


@functools.lru_cache(maxsize=64)
def grid(frame: Frame) -> Grid:
    # Formatting coordinates is most of a chart's cost: a page of sparklines, all on the same
    # frame, would format the same 28 x values and 11 y values for every row.
    return Grid(
        xs=tuple(
            n(frame.left + (offset + 0.5) * frame.band) + frame.unit
            for offset in range(frame.day_count)
        ),
        ys=tuple(n(frame.y(pain)) for pain in range(PAIN_TOP + 1)),
    )


def day_label(day: date) -> str:
    return _day_in(day, get_language())


@functools.lru_cache(maxsize=4096)
def _day_in(day: date, language: str | None) -> str:
    # date_format is slow next to the rest of a chart, and a year-long chart or a page of
    # sparklines formats the same few hundred days over and over.
    return date_format(day, "j M")


def clip(
    start: date,
    end: date,
    *,
    days: Iterable[DayPoint],
    sessions: Iterable[SessionMark] = (),
    flares: Iterable[Period] = (),
) -> tuple[list[DayPoint], list[SessionMark], list[Period]]:
    """What falls inside start..end, days in order and flare-ups cut to it."""
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


def x_ticks(frame: Frame) -> list[date]:
    """Day labels counted back from the end, at most about six of them."""
    count = frame.day_count
    step = max(1, math.ceil(count / 6)) if count <= 14 else 7 * math.ceil(count / 42)
    ticks = []
    offset = 0
    while offset < count:
        ticks.append(frame.end.fromordinal(frame.end.toordinal() - offset))
        offset += step
    return sorted(ticks)


def axes(frame: Frame) -> str:
    """The pain axis (gridlines every 2 points, labelled, and its title) and the day ticks, on a
    frame whose x is a percentage of the plot's width."""
    return y_axis(
        ((frame.y(pain), str(pain)) for pain in range(0, PAIN_TOP + 1, 2)),
        bottom=frame.bottom,
        title=_("Pain (0-10)"),
    ) + x_labels(
        [Tick(frame.x(tick), day_label(tick)) for tick in x_ticks(frame)], bottom=frame.bottom
    )


def open_svg(prefix: str, width: int, height: int, css_class: str, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="xMidYMid meet" aria-labelledby="{prefix}-title {prefix}-desc">'
        f'<title id="{prefix}-title">{escape(title)}</title>'
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>'
    )


def hatch_defs(prefix: str) -> str:
    # Diagonal hatching marks flare-up periods without relying on colour.
    return (
        f'<defs><pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="currentColor" stroke-width="2" '
        'stroke-opacity="0.35"/></pattern></defs>'
    )
