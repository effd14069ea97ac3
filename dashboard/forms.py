"""Filters of the caseload and the overview's range, read from the query string so that a
filtered view can be bookmarked."""

from __future__ import annotations

from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from outcomes.measures import Verdict

from .caseload import SHOW_ALERTS, SHOW_FLARING, SHOW_NOT_LOGGING, CaseloadFilters
from .overview.assembler import DEFAULT_RANGE, RANGE_4_WEEKS, RANGE_12_WEEKS, RANGE_ALL


class CaseloadFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Everyone")),
            (SHOW_ALERTS, _("Alerts only")),
            (SHOW_FLARING, _("Flaring")),
            (SHOW_NOT_LOGGING, _("Not logging")),
        ],
        widget=forms.RadioSelect,
    )
    therapist = forms.ModelChoiceField(
        label=_("Therapist"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("All therapists"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[
            ("", _("Any outcome")),
            (Verdict.IMPROVED.value, _("Improved")),
            (Verdict.NOT_YET.value, _("Not yet")),
            (Verdict.WORSE.value, _("Worse")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": _("Choose one of the outcomes shown.")},
    )
    q = forms.CharField(
        label=_("Search by name"),
        required=False,
        max_length=100,
        strip=True,
        widget=forms.TextInput(
            attrs={"type": "search", "class": "form-control", "autocomplete": "off"}
        ),
    )

    def __init__(self, *args, therapists: QuerySet[User] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only clinic admins choose a therapist; for a therapist the field does not exist.
        if therapists is None:
            del self.fields["therapist"]
        else:
            cast(forms.ModelChoiceField, self.fields["therapist"]).queryset = therapists

    def filters(self) -> CaseloadFilters:
        """The valid filters; an invalid one (say a therapist of another clinic) is dropped and
        its error shown beside the field."""
        data = self.cleaned_data if self.is_bound else {}
        return CaseloadFilters(
            show=data.get("show") or "",
            therapist=data.get("therapist"),
            query=data.get("q") or "",
        )

    def outcome_filter(self) -> str:
        """The outcome asked for (issue 16), "" for any."""
        data = self.cleaned_data if self.is_bound else {}
        return data.get("outcome") or ""

    @property
    def is_filtered(self) -> bool:
        filters = self.filters()
        return bool(filters.show or filters.therapist or filters.query or self.outcome_filter())


RANGE_CHOICES = [
    (RANGE_4_WEEKS, _("4 weeks")),
    (RANGE_12_WEEKS, _("12 weeks")),
    (RANGE_ALL, _("All")),
]


class RangeForm(forms.Form):
    range = forms.ChoiceField(label=_("Range"), required=False, choices=RANGE_CHOICES)

    def range_key(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["range"] or DEFAULT_RANGE
        return DEFAULT_RANGE
