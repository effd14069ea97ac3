"""Formatting for the clinician dashboard: pain figures, durations, severities and labels."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dashboard import heatmap
from dashboard.overview import chart
from dashboard.overview.assembler import PatientOverview
from dashboard.summaries.pain import Direction
from dashboard.summaries.risk import Risk
from redflags.models import Severity
from symptoms.choices import SCREENING_QUESTIONS, Descriptor, Intervention, Region, Trigger

register = template.Library()

_CHOICES = {
    "descriptors": Descriptor,
    "regions": Region,
    "triggers": Trigger,
    "interventions": Intervention,
}


@register.filter
def pain(value: Fraction | int | None) -> str:
    """A pain figure: whole numbers as they are, a median half as ".5", else one decimal."""
    if value is None:
        return "–"
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.1f}"


@register.filter
def duration(value: timedelta | None) -> str:
    """A wait in days and hours, or hours and minutes, or minutes."""
    if value is None:
        return "–"
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


@register.filter
def days_count(value: int | Fraction | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, Fraction) and value.denominator != 1:
        return _("%(days)s days") % {"days": pain(value)}
    count = int(value)
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


@register.filter
def choice_label(value: str, field_name: str) -> str:
    """The readable label of one stored choice, e.g. {{ region|choice_label:"regions" }}."""
    if field_name == "screening":
        return str(SCREENING_QUESTIONS.get(value, value))
    choices = _CHOICES[field_name]
    return str(choices(value).label) if value in choices.values else value


@register.filter
def choice_labels(values, field_name: str) -> list[str]:
    """The labels of a stored set, in a stable order."""
    return [choice_label(value, field_name) for value in sorted(values or ())]


@register.filter
def severity_label(value: str) -> str:
    return str(Severity(value).label) if value in Severity.values else value


@register.filter
def direction_label(value: Direction) -> str:
    return {
        Direction.RISE: _("Meaningful rise"),
        Direction.FALL: _("Meaningful fall"),
        Direction.STEADY: _("Steady"),
    }[Direction(value)]


@register.filter
def direction_arrow(value: Direction) -> str:
    return {Direction.RISE: "↑", Direction.FALL: "↓", Direction.STEADY: "→"}[Direction(value)]


@register.filter
def risk_label(value: Risk) -> str:
    """Why a patient sorts where they do, in a few words."""
    return {
        Risk.EMERGENCY: _("Emergency alert"),
        Risk.URGENT: _("Urgent alert"),
        Risk.ACTIVE_FLARE: _("Flare-up now"),
        Risk.REVIEW: _("Review alert"),
        Risk.NOT_LOGGING: _("Not logging"),
        Risk.OTHER: "",
    }[Risk(value)]


@register.filter
def risk_class(value: Risk) -> str:
    return f"risk-{Risk(value).name.lower().replace('_', '-')}"


@register.simple_tag
def heat_map(counts: list[tuple[str, int]], logged_days: int) -> SafeString:
    return heatmap.heat_map(dict(counts), logged_days, id_prefix="overview-heat")


@register.simple_tag
def overview_chart(overview: PatientOverview) -> SafeString:
    return chart.overview_chart(overview)
