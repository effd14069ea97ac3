"""The date ranges of the progress report and of the clinic's flare-up analysis, read from the
query string (a report is a GET that can be bookmarked or sent on)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # django-stubs' helper types only (django_stubs_ext is not a run-time need)
    from django_stubs_ext import StrOrPromise

from .flare_analysis import GROUP_DIAGNOSIS, GROUP_NONE, GROUP_THERAPIST
from .progress_report import DEFAULT_REPORT_DAYS, MAX_REPORT_DAYS

#: The flare-up analysis looks back this far by default.
DEFAULT_ANALYSIS_DAYS = 90
#: ... and at most this far in one go.
MAX_ANALYSIS_DAYS = 3 * 366
DATE_ERRORS = {"invalid": _("Enter a date such as 2026-03-31.")}


def _date_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        error_messages=DATE_ERRORS,
    )


class _PeriodForm(forms.Form):
    start = _date_field(_("From"))
    end = _date_field(_("To"))
    default_days = DEFAULT_REPORT_DAYS
    max_days = MAX_REPORT_DAYS

    def __init__(self, *args, today: date, earliest: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        #: Without a chosen start, the period starts no earlier than this (the patient's start).
        self.earliest = earliest
        if not self.is_bound:
            # Show the period the page covers, not empty boxes.
            self.initial.setdefault("start", self._default_start(today))
            self.initial.setdefault("end", today)

    def _default_start(self, end: date) -> date:
        start = end - timedelta(days=self.default_days - 1)
        if self.earliest is not None and start < self.earliest <= end:
            return self.earliest
        return start

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        end = cleaned.get("end") or self.today
        start = cleaned.get("start") or self._default_start(end)
        if start > self.today:
            raise ValidationError(_("The period has not started yet."), "future")
        if start > end:
            raise ValidationError(_("The start date is after the end date."), "order")
        if (end - start).days + 1 > self.max_days:
            raise ValidationError(
                _("Choose at most %(days)d days.") % {"days": self.max_days}, "too_long"
            )
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def period(self) -> tuple[date, date]:
        """The valid period, or the default one when nothing was asked for."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self._default_start(self.today), self.today


class ReportRangeForm(_PeriodForm):
    """The progress report's range: the last 12 weeks (from the patient's start, if later)
    unless chosen; at most a year."""


class FlareAnalysisForm(_PeriodForm):
    """The period of the clinic's flare-up analysis and how to group it. Only clinic admins
    group by therapist (a therapist sees the clinic as a whole, not their colleagues)."""

    default_days = DEFAULT_ANALYSIS_DAYS
    max_days = MAX_ANALYSIS_DAYS
    group = forms.ChoiceField(
        label=_("Split"),
        required=False,
        choices=[
            (GROUP_NONE, _("The whole clinic")),
            (GROUP_THERAPIST, _("Per therapist")),
            (GROUP_DIAGNOSIS, _("Per diagnosis")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": _("Choose one of the groupings shown.")},
    )

    def __init__(self, *args, today: date, by_therapist: bool, **kwargs) -> None:
        super().__init__(*args, today=today, **kwargs)
        if not by_therapist:
            group = cast(forms.ChoiceField, self.fields["group"])
            choices = cast(list[tuple[str, Any]], group.choices)
            group.choices = [c for c in choices if c[0] != GROUP_THERAPIST]

    def group_by(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("group") or GROUP_NONE
        return GROUP_NONE
