"""A small server-drawn SVG of the outcome measures over time: weekly pain (median daily pain of
each week's logged days) and the PSFS mean, both on 0-10, with the sessions as ticks along the
bottom and the MCID lines from where each started. A ``<title>``/``<desc>`` and a table beside
it serve screen readers. Drawn with ``core.charts`` like the pain charts: as wide as its
container, with text that keeps its size, and an HTML key that wraps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.charts import (
    KeyItem,
    Tick,
    chart,
    key,
    n,
    open_plot,
    pct,
    symbol_defs,
    use,
    x_labels,
    y_axis,
)

TOP = 10
PAIN_COLOUR = "#b02a37"
PSFS_COLOUR = "#0a58ca"
SESSION_COLOUR = "#6f42c1"


@dataclass(frozen=True)
class Point:
    day: date
    value: Fraction | float | int


@dataclass(frozen=True)
class _Frame:
    """How days (to 0-100% of the width) and values (to pixels) map onto the plot."""

    start: date
    end: date
    top: float
    bottom: float

    def x(self, day: date) -> float:
        span = max((self.end - self.start).days, 1)
        return 100 * (day - self.start).days / span

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
    height: int = 200,
) -> SafeString:
    """Pain (lower is better) and PSFS (higher is better) from ``start`` to ``end``; the dashed
    lines are what each would have to reach for a clinically important change."""
    frame = _Frame(start, end, 10.0, height - 40.0)
    title = _("Outcome measures, %(start)s to %(end)s") % {
        "start": date_format(start, "j M Y"),
        "end": date_format(end, "j M Y"),
    }
    desc = _(
        "Weekly pain (0-10, lower is better) on %(pain)d weeks and the activity score "
        "(PSFS, 0-10, higher is better) on %(psfs)d days; %(sessions)d sessions."
    ) % {"pain": len(pain), "psfs": len(psfs), "sessions": len(sessions)}
    parts = [
        open_plot(id_prefix, "outcome-chart-svg", height, title, desc),
        symbol_defs(id_prefix),
        y_axis(
            ((frame.y(value), str(value)) for value in range(0, TOP + 1, 5)),
            bottom=frame.bottom,
            title=_("Score (0-10)"),
        ),
        x_labels(
            [
                Tick(0, date_format(start, "j M")),
                Tick(100, date_format(end, "j M")),
            ],
            bottom=frame.bottom + 12,
        ),
        *_session_ticks(frame, sessions),
        '<g aria-hidden="true">',
        *_series(frame, pain, pain_target, PAIN_COLOUR, "", shape=None, prefix=id_prefix),
        *_series(
            frame,
            psfs,
            psfs_target,
            PSFS_COLOUR,
            ' stroke-dasharray="6 3"',
            shape="square",
            prefix=id_prefix,
        ),
        "</g></svg>",
    ]
    legend = key(
        [
            KeyItem("circle", _("Pain (weekly)"), "chart-key-outcome-pain"),
            KeyItem("square", _("Activities (PSFS)"), "chart-key-outcome-psfs"),
            KeyItem("tick", _("Session"), "chart-key-outcome-session"),
            KeyItem("dashed", _("Important change"), ""),
        ],
        _("Key"),
    )
    return mark_safe(chart("".join(parts), legend, "chart-outcomes"))  # noqa: S308 - escaped


def _session_ticks(frame: _Frame, sessions: Sequence[date]) -> list[str]:
    """Sessions: short ticks just under the axis, each with its date as a title."""
    parts = []
    for day in sessions:
        if frame.start <= day <= frame.end:
            label = escape(_("Session on %(day)s") % {"day": date_format(day, "j M Y")})
            x = pct(frame.x(day))
            parts.append(
                f'<line class="outcome-session" x1="{x}" y1="{n(frame.bottom + 2)}" '
                f'x2="{x}" y2="{n(frame.bottom + 10)}" stroke="{SESSION_COLOUR}" '
                f'stroke-width="2.5"><title>{label}</title></line>'
            )
    return parts


def _series(
    frame: _Frame,
    points: Sequence[Point],
    target: float | None,
    colour: str,
    dash: str,
    *,
    shape: str | None,
    prefix: str,
) -> list[str]:
    """One measure: its MCID line, its line and its marks (circles, or ``shape``)."""
    parts = []
    shown = [p for p in points if frame.start <= p.day <= frame.end]
    if target is not None:
        y = n(frame.y(target))
        parts.append(
            f'<line x1="0" y1="{y}" x2="100%" y2="{y}" '
            f'stroke="{colour}" stroke-opacity="0.6" stroke-dasharray="2 3"/>'
        )
    for before, after in zip(shown, shown[1:], strict=False):
        parts.append(
            f'<line x1="{pct(frame.x(before.day))}" y1="{n(frame.y(before.value))}" '
            f'x2="{pct(frame.x(after.day))}" y2="{n(frame.y(after.value))}" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
        )
    for p in shown:
        at, level = pct(frame.x(p.day)), frame.y(p.value)
        if shape is None:
            parts.append(f'<circle cx="{at}" cy="{n(level)}" r="4" fill="{colour}"/>')
        else:
            parts.append(use(prefix, shape, at, level, attrs=f'fill="{colour}"'))
    return parts
