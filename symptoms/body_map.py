"""Shapes of the body map: a simple figure seen from the front and from the back.

The patient's map shows one view at a time, with a switch between them, and every region is
drawn at least 46 units wide and tall: at the map's size on a phone (a view 290 units wide drawn
about 320 CSS pixels wide) each is a touch target of 44 x 44 px or more (WCAG 2.5.5;
tests/browser/test_body_map.py measures them). A region seen in both views (a shoulder, a
thigh) has a shape in each, and each view's shapes can be reached with the keyboard. On the
front view the patient's right side is on the viewer's left; on the back view it is on the
viewer's right. The clinician's heat map draws both views side by side (``dashboard.heatmap``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .choices import Region

#: One view's width; the front view is centred on FRONT_X, the back view on BACK_X.
VIEW_WIDTH = 290
WIDTH = 2 * VIEW_WIDTH
HEIGHT = 590
FRONT_X = VIEW_WIDTH // 2
BACK_X = VIEW_WIDTH + VIEW_WIDTH // 2
#: The smallest width and height of any region, in the figure's units.
MIN_REGION = 46


@dataclass(frozen=True)
class Shape:
    region: str
    view: str  # "front" or "back"
    d: str  # SVG path data

    @property
    def label(self) -> str:
        return str(Region(self.region).label)


def _n(value: float) -> str:
    return f"{value:g}"


def _rect(x: float, y: float, w: float, h: float, r: float = 6) -> str:
    r = min(r, w / 2, h / 2)
    return (
        f"M{_n(x + r)} {_n(y)}H{_n(x + w - r)}A{_n(r)} {_n(r)} 0 0 1 {_n(x + w)} {_n(y + r)}"
        f"V{_n(y + h - r)}A{_n(r)} {_n(r)} 0 0 1 {_n(x + w - r)} {_n(y + h)}"
        f"H{_n(x + r)}A{_n(r)} {_n(r)} 0 0 1 {_n(x)} {_n(y + h - r)}"
        f"V{_n(y + r)}A{_n(r)} {_n(r)} 0 0 1 {_n(x + r)} {_n(y)}Z"
    )


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> str:
    return (
        f"M{_n(cx - rx)} {_n(cy)}A{_n(rx)} {_n(ry)} 0 1 0 {_n(cx + rx)} {_n(cy)}"
        f"A{_n(rx)} {_n(ry)} 0 1 0 {_n(cx - rx)} {_n(cy)}Z"
    )


def _polygon(*points: tuple[float, float]) -> str:
    first, *rest = points
    return f"M{_n(first[0])} {_n(first[1])}" + "".join(f"L{_n(x)} {_n(y)}" for x, y in rest) + "Z"


def _limbs(cx: float, side: str, sign: int, *, front: bool) -> dict[str, str]:
    """One side's arm and leg; sign -1 draws on the viewer's left, +1 on the viewer's right."""

    def mirror(x: float, w: float) -> float:
        # x is the offset of the shape's inner edge from the middle line.
        return cx + x if sign > 0 else cx - x - w

    shapes = {
        "shoulder": _ellipse(cx + sign * 105, 123, 25, 23),
        "upper_arm": _rect(mirror(81, 48), 150, 48, 90, 12),
        "forearm": _rect(mirror(81, 48), 244, 48, 90, 12),
        "hand": _ellipse(cx + sign * 105, 362, 26, 26),
        "lower_leg": _rect(mirror(14, 50), 424, 50, 106, 12),
        "foot": _ellipse(cx + sign * 39, 556, 28, 24),
    }
    if front:
        # The thigh is narrower at the top, beside the groin.
        shapes["thigh"] = _polygon(
            (cx + sign * 75, 272),
            (cx + sign * 27, 272),
            (cx + sign * 27, 320),
            (cx + sign * 3, 320),
            (cx + sign * 3, 420),
            (cx + sign * 75, 420),
        )
    else:
        shapes["buttock"] = _rect(mirror(3, 72), 272, 72, 50, 16)
        shapes["thigh"] = _rect(mirror(3, 72), 326, 72, 94, 10)
    return {f"{side}_{part}": d for part, d in shapes.items()}


def _figure(cx: float, *, front: bool) -> dict[str, str]:
    shapes = {
        "head": _ellipse(cx, 40, 30, 32),
        "neck": _rect(cx - 24, 72, 48, 46, 8),
    }
    if front:
        shapes |= {
            "chest": _rect(cx - 75, 118, 150, 82, 12),
            "abdomen": _rect(cx - 75, 200, 150, 72, 8),
            "groin": _rect(cx - 24, 272, 48, 48, 6),
        }
    else:
        shapes |= {
            "upper_back": _rect(cx - 75, 118, 150, 82, 12),
            "lower_back": _rect(cx - 75, 200, 150, 72, 8),
        }
    # Front: the patient's right is on the viewer's left. Back: on the viewer's right.
    right_sign = -1 if front else 1
    shapes |= _limbs(cx, "right", right_sign, front=front)
    shapes |= _limbs(cx, "left", -right_sign, front=front)
    return shapes


def body_map_shapes() -> list[Shape]:
    """Front shapes, then back shapes, in region-list order within each view."""
    order = {region: index for index, region in enumerate(Region.values)}
    shapes: list[Shape] = []
    for view, cx in (("front", FRONT_X), ("back", BACK_X)):
        figure = _figure(cx, front=view == "front")
        shapes.extend(
            Shape(region=region, view=view, d=figure[region])
            for region in sorted(figure, key=order.__getitem__)
        )
    return shapes


@dataclass(frozen=True)
class View:
    """One view of the patient's map: its name, its viewBox and its shapes."""

    name: str
    box: str
    centre: int
    shapes: list[Shape]


def body_map_views() -> list[View]:
    """The front view, then the back view, each cut to its own figure."""
    shapes = body_map_shapes()
    return [
        View(
            name=view,
            box=f"{cx - VIEW_WIDTH // 2} 0 {VIEW_WIDTH} {HEIGHT}",
            centre=cx,
            shapes=[shape for shape in shapes if shape.view == view],
        )
        for view, cx in (("front", FRONT_X), ("back", BACK_X))
    ]
