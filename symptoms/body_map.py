"""Shapes of the body map: a simple figure seen from the front and from the back.

Every region of spec.md's region list has exactly one "primary" shape (the one a keyboard
or screen-reader user reaches); a region seen in both views gets a second, pointer-only shape.
On the front view the patient's right side is on the viewer's left; on the back view it is on
the viewer's right.
"""

from __future__ import annotations

from dataclasses import dataclass

from .choices import Region

WIDTH = 320
HEIGHT = 300
FRONT_X = 80
BACK_X = 240


@dataclass(frozen=True)
class Shape:
    region: str
    view: str  # "front" or "back"
    d: str  # SVG path data
    primary: bool

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
        "shoulder": _ellipse(cx + sign * 29, 60, 10, 9),
        "upper_arm": _rect(mirror(28, 12), 69, 12, 40),
        "forearm": _rect(mirror(30, 11), 110, 11, 38),
        "hand": _ellipse(cx + sign * 36, 158, 7, 10),
        "lower_leg": _rect(mirror(3, 15), 208, 15, 54),
        "foot": _ellipse(cx + sign * 11, 270, 9, 6),
    }
    if front:
        # The thigh narrows at the top to leave room for the groin.
        shapes["thigh"] = _polygon(
            (cx + sign * 21, 126),
            (cx + sign * 9, 126),
            (cx + sign * 9, 144),
            (cx + sign * 1, 144),
            (cx + sign * 1, 206),
            (cx + sign * 19, 206),
        )
    else:
        shapes["buttock"] = _rect(mirror(1, 19), 122, 19, 26, 8)
        shapes["thigh"] = _rect(mirror(1, 19), 149, 19, 57)
    return {f"{side}_{part}": d for part, d in shapes.items()}


def _figure(cx: float, *, front: bool) -> dict[str, str]:
    shapes = {
        "head": _ellipse(cx, 24, 15, 18),
        "neck": _rect(cx - 7, 42, 14, 10, 3),
    }
    if front:
        shapes |= {
            "chest": _rect(cx - 22, 52, 44, 40, 8),
            "abdomen": _rect(cx - 20, 92, 40, 34),
            "groin": _rect(cx - 9, 126, 18, 18, 4),
        }
    else:
        shapes |= {
            "upper_back": _rect(cx - 22, 52, 44, 40, 8),
            "lower_back": _rect(cx - 20, 92, 40, 30),
        }
    # Front: the patient's right is on the viewer's left. Back: on the viewer's right.
    right_sign = -1 if front else 1
    shapes |= _limbs(cx, "right", right_sign, front=front)
    shapes |= _limbs(cx, "left", -right_sign, front=front)
    return shapes


#: Regions whose primary shape is on the back view; all others are reached on the front.
BACK_PRIMARY = {"upper_back", "lower_back", "left_buttock", "right_buttock"}


def body_map_shapes() -> list[Shape]:
    """Front shapes, then back shapes, in region-list order within each view."""
    order = {region: index for index, region in enumerate(Region.values)}
    shapes = []
    for view, cx in (("front", FRONT_X), ("back", BACK_X)):
        figure = _figure(cx, front=view == "front")
        for region in sorted(figure, key=order.__getitem__):
            primary = (region in BACK_PRIMARY) == (view == "back")
            shapes.append(Shape(region=region, view=view, d=figure[region], primary=primary))
    return shapes
