"""The pain-monitoring traffic light shown after each exercise log (spec.md section 7).

Silbernagel et al. 2007, Am J Sports Med 35:897: pain during an exercise of 0-2 (NPRS) is safe,
3-5 is acceptable if it settles by the next morning, above 5 means ease off. Pure: no ORM, so
the boundaries are tested in milliseconds. The thresholds are parameters (NPRS points) so a
clinic's rule set can tune them; the defaults are what ships.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PAIN_MIN = 0
PAIN_MAX = 10
#: Section 4 defaults: green up to this NPRS value ...
GREEN_MAX_PAIN = 2
#: ... red strictly above this one (the same number as R10's red zone).
RED_ABOVE_PAIN = 5


class Colour(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class Light:
    """What the patient sees: the colour, a short title, plain guidance and, on red, what to
    change next time."""

    colour: Colour
    pain_during: int
    title: Promise
    guidance: Promise
    next_time: tuple[Promise, ...] = field(default=())

    @property
    def is_red(self) -> bool:
        return self.colour is Colour.RED


def traffic_light(
    pain_during: int,
    *,
    green_max_pain: int = GREEN_MAX_PAIN,
    red_above_pain: int = RED_ABOVE_PAIN,
) -> Light:
    """Green for pain_during 0 to ``green_max_pain``, amber up to ``red_above_pain``, red above
    it (spec.md section 7). Raises ValueError for pain outside 0-10 or crossed thresholds."""
    if isinstance(pain_during, bool) or not isinstance(pain_during, int):
        raise ValueError(f"pain_during must be an integer, not {pain_during!r}")
    if not PAIN_MIN <= pain_during <= PAIN_MAX:
        raise ValueError(f"pain_during={pain_during} is outside {PAIN_MIN}-{PAIN_MAX}")
    if not PAIN_MIN <= green_max_pain < red_above_pain <= PAIN_MAX:
        raise ValueError("need 0 <= green_max_pain < red_above_pain <= 10")

    if pain_during <= green_max_pain:
        return Light(
            Colour.GREEN,
            pain_during,
            _("Green: safe to carry on"),
            _("This amount of pain is fine. Keep doing this exercise as your plan says."),
        )
    if pain_during <= red_above_pain:
        return Light(
            Colour.AMBER,
            pain_during,
            _("Amber: OK if it settles"),
            _(
                "Some pain is OK, as long as it has settled by tomorrow morning. Keep the same "
                "amount for now. If it has not settled by the morning, do less next time."
            ),
        )
    return Light(
        Colour.RED,
        pain_during,
        _("Red: ease off"),
        _(
            "That was too much for now. Stop this exercise for today and tell your therapist. "
            "If your pain, numbness or tingling spreads further down your arm or leg, stop and "
            "tell your therapist too."
        ),
        next_time=(
            _("Do fewer repetitions, for example half as many."),
            _("Make the movement smaller: stop before it starts to hurt."),
            _("Go more slowly and rest longer between sets."),
        ),
    )
