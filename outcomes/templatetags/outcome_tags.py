"""Filters for outcome figures: a score to one decimal, a signed change, labels."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from ..choices import GROC_LABELS, AssessmentKind
from ..measures import Verdict

register = template.Library()

VERDICT_LABELS = {
    Verdict.IMPROVED: _("Improved"),
    Verdict.NOT_YET: _("Not yet"),
    Verdict.WORSE: _("Worse"),
    Verdict.UNMEASURED: _("No measures yet"),
}


def _one_decimal(value: Fraction | int | float) -> Decimal:
    fraction = Fraction(value)
    return (Decimal(fraction.numerator) / Decimal(fraction.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


@register.filter
def score(value) -> str:
    """A mean or median to one decimal, half up, in the page's number format ("6.4", "6,4")."""
    if value is None or value == "":
        return "–"
    rounded = _one_decimal(value)
    if rounded == rounded.to_integral_value():
        return number_format(int(rounded))
    return number_format(rounded, 1)


@register.filter
def signed(value) -> str:
    """A change with its sign: "+2.4", "−1", "0"."""
    if value is None or value == "":
        return "–"
    rounded = _one_decimal(value)
    text = score(abs(rounded))
    if rounded > 0:
        return f"+{text}"
    if rounded < 0:
        return f"−{text}"
    return text


@register.filter
def verdict_label(value) -> str:
    try:
        return str(VERDICT_LABELS[Verdict(value)])
    except ValueError:
        return ""


@register.filter
def assessment_kind(value) -> str:
    try:
        return str(AssessmentKind(value).label)
    except ValueError:
        return ""


@register.filter
def groc_label(value) -> str:
    """The answer as offered ("+4 Moderately better")."""
    if value is None or value == "":
        return "–"
    return str(GROC_LABELS.get(int(value), ""))


@register.filter
def groc_words(value) -> str:
    """The answer in words only ("Moderately better"): the label without its number."""
    label = groc_label(value)
    return label.split(" ", 1)[1] if " " in label else label


@register.filter
def as_percent(value) -> int:
    """A fraction as whole percent (3/10 -> 30)."""
    return round(Fraction(value) * 100)
