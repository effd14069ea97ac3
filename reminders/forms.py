"""Forms: the quick-log entry form (the shared symptom form, its check-in fixed by the link)
and the patient's reminder preferences."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from symptoms.choices import Context
from symptoms.forms import SymptomEntryForm

from .choices import ReminderKind
from .models import ReminderPreference


class QuickLogEntryForm(SymptomEntryForm):
    """The symptom entry form with its "When is this?" answer fixed to the link's check-in:
    one choice, disabled, so whatever is posted for it is ignored (Django uses the initial)."""

    def __init__(self, data: Any = None, *, context: str, **kwargs: Any) -> None:
        initial = {**kwargs.pop("initial", {}), "context": context}
        super().__init__(data, initial=initial, **kwargs)
        field = cast(forms.ChoiceField, self.fields["context"])
        # The entry form offers Context.choices; this one only the link's.
        field.choices = [choice for choice in Context.choices if choice[0] == context]
        field.disabled = True


TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M")
TIME_ERRORS = {"invalid": _("Enter a time like 18:00."), "required": _("Enter a time like 18:00.")}


def _time_field(label) -> forms.TimeField:
    return forms.TimeField(label=label, widget=TIME_WIDGET, error_messages=TIME_ERRORS)


class ReminderPreferenceForm(forms.ModelForm):
    """Each kind on or off with its time, and quiet hours (all in the patient's local time)."""

    after_session_time = _time_field(_("Time"))
    next_morning_time = _time_field(_("Time"))
    daily_time = _time_field(_("Time"))
    exercise_time = _time_field(_("Time"))
    quiet_start = _time_field(_("From"))
    quiet_end = _time_field(_("Until"))

    class Meta:
        model = ReminderPreference
        fields = [
            "after_session_enabled",
            "after_session_time",
            "next_morning_enabled",
            "next_morning_time",
            "daily_enabled",
            "daily_time",
            "exercise_enabled",
            "exercise_time",
            "quiet_start",
            "quiet_end",
        ]
        widgets = {
            f"{kind}_enabled": forms.CheckboxInput(
                attrs={"class": "form-check-input", "role": "switch"}
            )
            for kind in ReminderKind.values
        }

    HELP = {
        ReminderKind.AFTER_SESSION: _("On the evening of each session day."),
        ReminderKind.NEXT_MORNING: _("On the morning after each session."),
        ReminderKind.DAILY: _("Every day, to note how you are."),
        ReminderKind.EXERCISE: _("On days with home exercises, if you have not done them all."),
    }

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("quiet_start"), cleaned.get("quiet_end")
        if start is not None and start == end:
            self.add_error("quiet_end", _("Quiet hours need a different start and end time."))
        return cleaned

    def kind_rows(self) -> list[dict[str, Any]]:
        """One row per kind for the template: its switch, its time and a line of help."""
        return [
            {
                "kind": kind,
                "label": kind.label,
                "help": self.HELP[kind],
                "enabled": self[f"{kind}_enabled"],
                "time": self[f"{kind}_time"],
            }
            for kind in ReminderKind
        ]
