"""A small server-drawn SVG of the outcome measures over time: weekly pain (median daily pain of
each week's logged days) and the PSFS mean, both on 0-10, with the sessions as ticks along the
bottom and the MCID lines from where each started. A ``<title>``/``<desc>`` and a table beside
it serve screen readers (STYLE.md, "Charts")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

TOP = 10


@dataclass(frozen=True)
class Point:
    day: date
    value: Fraction | float | int


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class _Frame:
    """Where the plot sits in the SVG, and how days and values map onto it."""

    start: date
    end: date
    left: float
    right: float
    top: float
    bottom: float

    def x(self, day: date) -> float:
        span = max((self.end - self.start).days, 1)
        return self.left + (self.right - self.left) * (day - self.start).days / span

    def y(self, value) -> float:
        return self.bottom - (self.bottom - self.top) * float(value) / TOP


def outcome_chart(
    *,
    pain: Sequence[Point],
    psfs: Sequence[Point],
    sessions: Sequence[date],
    start: date,
    end: date,
    pain_target: float | None = None,
    psfs_target: float | None = None,
    id_prefix: str = "outcomes",
    width: int = 480,
    height: int = 180,
) -> SafeString:
    """Pain (lower is better) and PSFS (higher is better) from ``start`` to ``end``; the dashed
    lines are what each would have to reach for a clinically important change."""
    frame = _Frame(start, end, 30.0, width - 12.0, 12.0, height - 40.0)
    title = _("Outcome measures, %(start)s to %(end)s") % {
        "start": date_format(start, "j M Y"),
        "end": date_format(end, "j M Y"),
    }
    desc = _(
        "Weekly pain (0-10, lower is better) on %(pain)d weeks and the activity score "
        "(PSFS, 0-10, higher is better) on %(psfs)d days; %(sessions)d sessions."
    ) % {"pain": len(pain), "psfs": len(psfs), "sessions": len(sessions)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="outcome-chart-svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc">'
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(desc)}</desc>',
        *_axes(frame),
        *_session_ticks(frame, sessions),
        *_series(frame, pain, pain_target, "#b02a37", "", circles=True),
        *_series(frame, psfs, psfs_target, "#0a58ca", ' stroke-dasharray="6 3"', circles=False),
        _legend(frame.left, height - 4),
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _axes(frame: _Frame) -> list[str]:
    parts = ['<g fill="currentColor" font-size="10">']
    left, right, bottom = frame.left, frame.right, frame.bottom
    for value in range(0, TOP + 1, 5):
        y = frame.y(value)
        parts.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(right)}" y2="{_n(y)}" '
            f'stroke="currentColor" stroke-opacity="{"0.5" if value == 0 else "0.15"}"/>'
            f'<text x="{_n(left - 5)}" y="{_n(y + 3)}" text-anchor="end">{value}</text>'
        )
    first, last = escape(date_format(frame.start, "j M")), escape(date_format(frame.end, "j M"))
    parts.append(
        f'<text x="{_n(left)}" y="{_n(bottom + 22)}">{first}</text>'
        f'<text x="{_n(right)}" y="{_n(bottom + 22)}" text-anchor="end">{last}</text></g>'
    )
    return parts


def _session_ticks(frame: _Frame, sessions: Sequence[date]) -> list[str]:
    """Sessions: short ticks just under the axis, each with its date as a title."""
    parts = []
    for day in sessions:
        if frame.start <= day <= frame.end:
            label = escape(_("Session on %(day)s") % {"day": date_format(day, "j M Y")})
            x = _n(frame.x(day))
            parts.append(
                f'<line class="outcome-session" x1="{x}" y1="{_n(frame.bottom + 2)}" '
                f'x2="{x}" y2="{_n(frame.bottom + 10)}" stroke="#6f42c1" stroke-width="2">'
                f"<title>{label}</title></line>"
            )
    return parts


def _series(
    frame: _Frame,
    points: Sequence[Point],
    target: float | None,
    colour: str,
    dash: str,
    *,
    circles: bool,
) -> list[str]:
    """One measure: its MCID line, its line and its marks (circles or squares)."""
    parts = []
    shown = [p for p in points if frame.start <= p.day <= frame.end]
    if target is not None:
        y = _n(frame.y(target))
        parts.append(
            f'<line x1="{_n(frame.left)}" y1="{y}" x2="{_n(frame.right)}" y2="{y}" '
            f'stroke="{colour}" stroke-opacity="0.6" stroke-dasharray="2 3"/>'
        )
    if len(shown) > 1:
        path = " ".join(f"{_n(frame.x(p.day))},{_n(frame.y(p.value))}" for p in shown)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
        )
    for p in shown:
        cx, cy = frame.x(p.day), frame.y(p.value)
        if circles:
            parts.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="3.5" fill="{colour}"/>')
        else:
            parts.append(
                f'<rect x="{_n(cx - 3.5)}" y="{_n(cy - 3.5)}" width="7" height="7" '
                f'fill="{colour}"/>'
            )
    return parts


def _legend(left: float, y: float) -> str:
    # Outside the f-strings below, so that makemessages finds them.
    pain_label = escape(_("Pain (weekly)"))
    psfs_label = escape(_("Activities (PSFS)"))
    session_label = escape(_("Session"))
    change_label = escape(_("Important change"))
    return (
        f'<g font-size="10" fill="currentColor">'
        f'<circle cx="{_n(left + 4)}" cy="{y - 3}" r="3.5" fill="#b02a37"/>'
        f'<text x="{_n(left + 12)}" y="{y}">{pain_label}</text>'
        f'<rect x="{_n(left + 102)}" y="{y - 6.5}" width="7" height="7" fill="#0a58ca"/>'
        f'<text x="{_n(left + 114)}" y="{y}">{psfs_label}</text>'
        f'<line x1="{_n(left + 222)}" y1="{y - 6}" x2="{_n(left + 222)}" '
        f'y2="{y + 1}" stroke="#6f42c1" stroke-width="2"/>'
        f'<text x="{_n(left + 228)}" y="{y}">{session_label}</text>'
        f'<line x1="{_n(left + 282)}" y1="{y - 3}" x2="{_n(left + 300)}" '
        f'y2="{y - 3}" stroke="currentColor" stroke-dasharray="2 3"/>'
        f'<text x="{_n(left + 304)}" y="{y}">{change_label}</text></g>'
    )
