"""The body map: every region of spec.md's list can be picked, on a figure large enough to
tap (issue 12), one view at a time."""

import re
from collections import defaultdict

from symptoms.body_map import MIN_REGION, VIEW_WIDTH, body_map_shapes, body_map_views
from symptoms.choices import Region


def _box(d: str) -> tuple[float, float, float, float]:
    """The extent of a path of M, H, V, L and A commands: a rounded corner's arc ends on the
    box; an ellipse (two half arcs through its left and right points) reaches ry above and
    below them."""
    xs, ys = [], []
    x = y = 0.0
    for command, args in re.findall(r"([MHVLAZ])([^MHVLAZ]*)", d):
        values = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if command in "ML":
            x, y = values
        elif command == "H":
            x = values[0]
        elif command == "V":
            y = values[0]
        elif command == "A":
            _rx, ry, _rotation, large, _sweep, x, y = values
            if large:
                ys.extend([y - ry, y + ry])
        xs.append(x)
        ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


def test_every_region_can_be_picked_and_each_view_has_its_own():
    views = {view.name: {shape.region for shape in view.shapes} for view in body_map_views()}
    assert views["front"] | views["back"] == set(Region.values)
    assert {"lower_back", "upper_back", "left_buttock", "right_buttock"} <= views["back"]
    assert not {"lower_back", "upper_back", "left_buttock"} & views["front"]
    assert {"chest", "abdomen", "groin"} <= views["front"] - views["back"]
    # Shoulders, arms and legs are seen from both sides.
    assert {"left_thigh", "right_foot", "left_shoulder"} <= views["front"] & views["back"]


def test_each_view_is_cut_to_its_own_figure():
    front, back = body_map_views()
    assert front.box.split()[2] == back.box.split()[2] == str(VIEW_WIDTH)
    for view in (front, back):
        left = float(view.box.split()[0])
        for shape in view.shapes:
            x0, _y0, x1, _y1 = _box(shape.d)
            assert left <= x0 and x1 <= left + VIEW_WIDTH, shape.region


def test_every_region_is_a_large_target():
    """At least MIN_REGION units each way; the browser test measures the pixels."""
    sizes = defaultdict(list)
    for shape in body_map_shapes():
        x0, y0, x1, y1 = _box(shape.d)
        sizes[shape.region].append((x1 - x0, y1 - y0))
    for region, boxes in sizes.items():
        for width, height in boxes:
            assert width >= MIN_REGION and height >= MIN_REGION, (region, width, height)


def test_limbs_are_mirrored_between_front_and_back():
    # Front view: the patient's left is on the viewer's right; back view: on the viewer's left.
    def start_x(region, view):
        (shape,) = [s for s in body_map_shapes() if s.region == region and s.view == view]
        return float(shape.d.removeprefix("M").split()[0])

    assert start_x("left_hand", "front") > start_x("right_hand", "front")
    assert start_x("left_hand", "back") < start_x("right_hand", "back")


def test_shapes_have_labels_from_the_region_list():
    shape = next(s for s in body_map_shapes() if s.region == "abdomen")
    assert shape.label == "Tummy"
