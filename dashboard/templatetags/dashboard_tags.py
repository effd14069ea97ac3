"""Template tags of the clinician dashboard: the figures' words (``dashboard.labels``), durations,
choice labels, the body-map heat view and the overview's chart."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dashboard import heatmap, labels
from dashboard.overview import chart
from dashboard.overview.assembler import PatientOverview
from symptoms.choices import CHOICE_SETS, SCREENING_QUESTIONS

register = template.Library()

pain = register.filter("pain", labels.pain)
register.filter("severity_label", labels.severity_label)
register.filter("direction_label", labels.direction_label)
register.filter("direction_arrow", labels.direction_arrow)
register.filter("risk_label", labels.risk_label)
register.filter("risk_class", labels.risk_class)


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
    choices = CHOICE_SETS[field_name]
    return str(choices(value).label) if value in choices.values else value


@register.filter
def choice_labels(values, field_name: str) -> list[str]:
    """The labels of a stored set, in a stable order."""
    return [choice_label(value, field_name) for value in sorted(values or ())]


@register.simple_tag
def heat_map(counts: list[tuple[str, int]], logged_days: int) -> SafeString:
    return heatmap.heat_map(dict(counts), logged_days, id_prefix="overview-heat")


@register.simple_tag
def overview_chart(overview: PatientOverview) -> SafeString:
    return chart.overview_chart(overview)
