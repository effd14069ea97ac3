"""Template helpers for symptom pages: labels of choice sets and the daily-pain chart."""

from django import template
from django.utils.safestring import SafeString

from symptoms import charts
from symptoms.body_map import VIEW_WIDTH, body_map_views
from symptoms.choices import CHOICE_SETS, SCREENING_QUESTIONS
from symptoms.selectors import Trend

register = template.Library()


@register.filter
def choice_labels(values, field_name: str) -> list[str]:
    """The readable labels of a stored set in the choices' own order (regions run near to
    far), e.g. {{ entry.regions|choice_labels:"regions" }}."""
    chosen = set(values or ())
    return [str(label) for value, label in CHOICE_SETS[field_name].choices if value in chosen]


@register.simple_tag
def trend_chart(trend: Trend, height: int = 240, id_prefix: str = "trend") -> SafeString:
    return charts.trend_chart(
        trend.days,
        trend.sessions,
        trend.flares,
        start=trend.start,
        end=trend.end,
        height=height,
        id_prefix=id_prefix,
    )


@register.simple_tag
def body_map() -> dict:
    """The body map's views and their shapes, for templates/symptoms/includes/body_map.html."""
    return {"views": body_map_views(), "half": VIEW_WIDTH // 2 - 6}


@register.filter
def screening_labels(entry) -> list[str]:
    """The screening questions this entry answered yes to, in the patient's words."""
    return [str(SCREENING_QUESTIONS[name]) for name in entry.screening_answers]
