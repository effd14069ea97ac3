"""Words and marks for the dashboard's figures: pain figures, severities, directions and risk.

The template filters of ``templatetags.dashboard_tags`` are these functions; the caseload table
(``caseload_table``) calls them once per page for each value rather than once per row.
"""

from __future__ import annotations

from fractions import Fraction

from django.utils.translation import gettext as _

from redflags.models import Severity

from .summaries.pain import Direction
from .summaries.risk import Risk


def pain(value: Fraction | int | None) -> str:
    """A pain figure: whole numbers as they are, a median half as ".5", else one decimal."""
    if value is None:
        return "–"
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.1f}"


def severity_label(value: str) -> str:
    return str(Severity(value).label) if value in Severity.values else value


def direction_labels() -> dict[Direction, str]:
    return {
        Direction.RISE: _("Meaningful rise"),
        Direction.FALL: _("Meaningful fall"),
        Direction.STEADY: _("Steady"),
    }


def direction_label(value: Direction) -> str:
    return direction_labels()[Direction(value)]


ARROWS = {Direction.RISE: "↑", Direction.FALL: "↓", Direction.STEADY: "→"}


def direction_arrow(value: Direction) -> str:
    return ARROWS[Direction(value)]


def risk_labels() -> dict[Risk, str]:
    """Why a patient sorts where they do, in a few words."""
    return {
        Risk.EMERGENCY: _("Emergency alert"),
        Risk.URGENT: _("Urgent alert"),
        Risk.ACTIVE_FLARE: _("Flare-up now"),
        Risk.REVIEW: _("Review alert"),
        Risk.NOT_LOGGING: _("Not logging"),
        Risk.OTHER: "",
    }


def risk_label(value: Risk) -> str:
    return risk_labels()[Risk(value)]


def risk_class(value: Risk) -> str:
    return f"risk-{Risk(value).name.lower().replace('_', '-')}"
