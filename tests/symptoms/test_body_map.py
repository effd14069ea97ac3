"""The body map: every region of spec.md's list can be picked, once by keyboard."""

from collections import Counter

from symptoms.body_map import body_map_shapes
from symptoms.choices import Region


def test_every_region_has_exactly_one_primary_shape():
    primaries = Counter(shape.region for shape in body_map_shapes() if shape.primary)
    assert set(primaries) == set(Region.values)
    assert set(primaries.values()) == {1}


def test_back_regions_are_picked_on_the_back_view():
    views = {shape.region: shape.view for shape in body_map_shapes() if shape.primary}
    assert views["lower_back"] == views["upper_back"] == views["left_buttock"] == "back"
    assert views["chest"] == views["left_thigh"] == views["right_foot"] == "front"


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
