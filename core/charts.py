"""The pieces every chart of PT Tracker is drawn with: the pain charts of the diary and of the
clinician's overview (``symptoms.charts``) and the outcome measures' chart (``outcomes.charts``).

A chart fills the width of its container at any screen size, and its text stays readable:

- the plot is an ``<svg>`` 100% wide and a fixed number of CSS pixels tall, without a viewBox.
  Horizontal positions are percentages of its width, vertical ones pixels, and text is set in
  CSS pixels (``.chart-plot text`` in assets/scss/_app.scss, at least 12 px), so nothing is
  shrunk with the drawing: a viewBox would scale the text with the picture, to 6 px on a phone
  or 30 px on a wide screen (docs/decisions.md, "Charts");
- the axis labels and the "Pain (0-10)" title sit in the padding of the plot's box (the SVG
  draws outside its box, ``overflow: visible``), so the plot itself keeps the full width;
- the key (legend) is an HTML list under the plot, so it wraps like any text;
- marks that must keep their shape (squares, triangles, diamonds) are symbols placed with
  ``<use x="37.5%" y="120">``; round points are circles.

Pure and escaped: callers pass plain values and get markup that is safe to insert as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape

#: The shapes a key item can show; ``symbol_defs`` defines the marks they stand for.
KEY_SHAPES = ("circle", "square", "triangle", "diamond", "hatch", "band", "line", "dashed", "tick")


def n(value: float) -> str:
    """Coordinates with at most one decimal, so the markup stays short and stable."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def pct(value: float) -> str:
    """A horizontal position as a percentage of the plot's width (0-100)."""
    return f"{n(value)}%"


@dataclass(frozen=True)
class Tick:
    """A label along the bottom: where (0-100, % of the width) and what it says."""

    at: float
    label: str


def open_plot(prefix: str, css_class: str, height: float, title: str, desc: str) -> str:
    """The plot's ``<svg>``: as wide as its container, ``height`` CSS pixels tall, named by its
    title and described by its description (the page puts the numbers in a table beside it)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-plot {css_class}" role="group" '
        f'width="100%" height="{n(height)}" overflow="visible" '
        f'aria-labelledby="{prefix}-title" aria-describedby="{prefix}-desc">'
        f'<title id="{prefix}-title">{escape(title)}</title>'
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>'
    )


def y_axis(levels: Iterable[tuple[float, str]], *, bottom: float, title: str) -> str:
    """Gridlines across the plot at each (y, label), the labels to their left, and the axis
    title turned along the axis, all in the plot's left padding (``.chart-canvas``)."""
    parts = ['<g class="chart-axis" aria-hidden="true">']
    ys = []
    for y, label in levels:
        ys.append(y)
        opacity = "0.5" if y == bottom else "0.15"
        parts.append(
            f'<line x1="0" y1="{n(y)}" x2="100%" y2="{n(y)}" stroke="currentColor" '
            f'stroke-opacity="{opacity}"/>'
            f'<text x="-6" y="{n(y + 4)}" text-anchor="end">{escape(label)}</text>'
        )
    middle = (min(ys) + max(ys)) / 2 if ys else bottom / 2
    parts.append(
        f'<text class="chart-axis-title" transform="rotate(-90)" x="{n(-middle)}" y="-30" '
        f'text-anchor="middle">{escape(title)}</text></g>'
    )
    return "".join(parts)


def x_labels(ticks: Sequence[Tick], *, bottom: float) -> str:
    """Tick marks and labels under the plot. A label near either end is anchored to that end
    so that it never reaches past the plot's box."""
    parts = ['<g class="chart-axis" aria-hidden="true">']
    for tick in ticks:
        x = pct(tick.at)
        anchor = "start" if tick.at < 8 else "end" if tick.at > 92 else "middle"
        parts.append(
            f'<line x1="{x}" y1="{n(bottom)}" x2="{x}" y2="{n(bottom + 4)}" '
            'stroke="currentColor" stroke-opacity="0.5"/>'
            f'<text x="{x}" y="{n(bottom + 18)}" text-anchor="{anchor}">'
            f"{escape(tick.label)}</text>"
        )
    parts.append("</g>")
    return "".join(parts)


def symbol_defs(prefix: str, *, hatch: bool = False) -> str:
    """Marks drawn around (0, 0) for ``<use>``: a square, a downward triangle whose tip is at
    (0, 0), a diamond; and the diagonal hatching of flare-ups (a pattern, not only a hue)."""
    parts = [
        "<defs>",
        f'<rect id="{prefix}-square" x="-4.5" y="-4.5" width="9" height="9"/>',
        f'<path id="{prefix}-triangle" d="M-6 -10H6L0 0Z"/>',
        f'<path id="{prefix}-diamond" d="M0 -6L6 0L0 6L-6 0Z"/>',
        # A 44 px square, unpainted but hit by a tap: a marker's touch target (WCAG 2.5.5).
        f'<rect id="{prefix}-target" x="-22" y="-22" width="44" height="44" fill="transparent"/>',
    ]
    if hatch:
        parts.append(
            f'<pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" '
            'stroke="currentColor" stroke-width="2" stroke-opacity="0.35"/></pattern>'
        )
    parts.append("</defs>")
    return "".join(parts)


def use(prefix: str, shape: str, x: str, y: float, *, attrs: str = "", inner: str = "") -> str:
    """One mark from ``symbol_defs`` at (x, y); ``attrs`` adds attributes (class, paint),
    ``inner`` markup such as a title."""
    extra = f" {attrs}" if attrs else ""
    return f'<use href="#{prefix}-{shape}" x="{x}" y="{n(y)}"{extra}>{inner}</use>'


_SWATCHES = {
    "circle": '<circle cx="8" cy="7" r="4.5" fill="currentColor"/>',
    "square": '<rect x="3.5" y="2.5" width="9" height="9" fill="currentColor"/>',
    "triangle": '<path d="M2 2H14L8 12Z" fill="currentColor"/>',
    "diamond": (
        '<path d="M8 1L14 7L8 13L2 7Z" fill="none" stroke="currentColor" stroke-width="1.5"/>'
    ),
    "hatch": (
        '<rect x="1" y="1" width="14" height="12" fill="none" stroke="currentColor" '
        'stroke-opacity="0.5"/><path d="M1 9L7 1M5 13L13 2M11 13L15 7" stroke="currentColor" '
        'stroke-width="1.5"/>'
    ),
    "band": (
        '<rect x="1" y="2" width="14" height="9" fill="currentColor" fill-opacity="0.15"/>'
        '<line x1="1" y1="11" x2="15" y2="11" stroke="currentColor" stroke-dasharray="4 2"/>'
    ),
    "line": '<line x1="1" y1="7" x2="15" y2="7" stroke="currentColor" stroke-width="2"/>',
    "dashed": (
        '<line x1="1" y1="7" x2="15" y2="7" stroke="currentColor" stroke-width="2" '
        'stroke-dasharray="2 3"/>'
    ),
    "tick": '<line x1="8" y1="2" x2="8" y2="13" stroke="currentColor" stroke-width="2.5"/>',
}


@dataclass(frozen=True)
class KeyItem:
    """One entry of a chart's key: the shape drawn, its words, and a class for its colour."""

    shape: str
    label: str
    css_class: str = ""


def key(items: Sequence[KeyItem], label: str) -> str:
    """The chart's key as an HTML list that wraps on a narrow screen."""
    if not items:
        return ""
    parts = [f'<ul class="chart-key" aria-label="{escape(label)}">']
    for item in items:
        cls = f" {item.css_class}" if item.css_class else ""
        parts.append(
            f'<li class="chart-key-item{cls}"><svg xmlns="http://www.w3.org/2000/svg" '
            'class="chart-key-swatch" width="16" height="14" aria-hidden="true" '
            f'focusable="false">{_SWATCHES[item.shape]}</svg>{escape(item.label)}</li>'
        )
    parts.append("</ul>")
    return "".join(parts)


def chart(svg: str, legend: str, css_class: str) -> str:
    """The plot in its padded box (room for the axis labels), then the key."""
    return f'<div class="chart {css_class}"><div class="chart-canvas">{svg}</div>{legend}</div>'
