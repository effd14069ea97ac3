"""The pain-monitoring traffic light (spec.md section 7): boundaries 2/3 and 5/6."""

import pytest

from exercises.traffic_light import Colour, traffic_light


@pytest.mark.parametrize(
    ("pain", "colour"),
    [
        (0, Colour.GREEN),
        (1, Colour.GREEN),
        (2, Colour.GREEN),
        (3, Colour.AMBER),
        (4, Colour.AMBER),
        (5, Colour.AMBER),
        (6, Colour.RED),
        (7, Colour.RED),
        (10, Colour.RED),
    ],
)
def test_light_colour_follows_section_4(pain, colour):
    assert traffic_light(pain).colour is colour


def test_pain_2_is_green_and_3_is_amber():
    assert traffic_light(2).colour is Colour.GREEN
    assert traffic_light(3).colour is Colour.AMBER


def test_pain_5_is_amber_and_6_is_red():
    assert traffic_light(5).colour is Colour.AMBER
    assert traffic_light(6).colour is Colour.RED


def test_red_suggests_what_to_change_next_time():
    light = traffic_light(6)
    assert light.is_red
    assert len(light.next_time) >= 2
    assert "therapist" in str(light.guidance)


@pytest.mark.parametrize("pain", [0, 3, 5])
def test_green_and_amber_give_guidance_without_changes(pain):
    light = traffic_light(pain)
    assert not light.is_red
    assert light.next_time == ()
    assert str(light.guidance)


def test_amber_says_it_must_settle_by_the_morning():
    assert "morning" in str(traffic_light(4).guidance)


def test_light_keeps_the_pain_it_was_given():
    assert traffic_light(7).pain_during == 7


def test_thresholds_are_parameters():
    assert traffic_light(3, green_max_pain=3).colour is Colour.GREEN
    assert traffic_light(5, red_above_pain=4).colour is Colour.RED
    assert traffic_light(4, green_max_pain=1, red_above_pain=4).colour is Colour.AMBER


@pytest.mark.parametrize("pain", [-1, 11, 2.5, "3", True])
def test_pain_outside_0_to_10_or_not_an_integer_is_rejected(pain):
    with pytest.raises(ValueError):
        traffic_light(pain)


def test_crossed_thresholds_are_rejected():
    with pytest.raises(ValueError):
        traffic_light(3, green_max_pain=5, red_above_pain=5)
