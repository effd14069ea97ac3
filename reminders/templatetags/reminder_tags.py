"""Template tags: the due check-ins on the patient's home, and labels for the panel."""

from django import template
from django.utils.functional import Promise

from accounts.models import Patient

from ..choices import ReminderKind, SkipReason
from ..selectors import due_checkins

register = template.Library()


@register.inclusion_tag("reminders/includes/due_checkins.html")
def due_checkins_for(patient: Patient) -> dict:
    """Prompts such as "You had a session today: how do you feel now?" (selectors.due_checkins)."""
    return {"checkins": due_checkins(patient)}


@register.filter
def reminder_kind_label(kind: str) -> str | Promise:
    return ReminderKind(kind).label if kind in ReminderKind.values else kind


@register.filter
def reminder_skip_label(reason: str) -> str | Promise:
    return SkipReason(reason).label if reason in SkipReason.values else reason
