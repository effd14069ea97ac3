"""Forms of the outcome measures: name the PSFS activities with their first ratings, re-rate
them, answer the weekly GROC. Bad input (a rating outside 0-10, a sixth activity, an activity
without a name) gets a message and stores nothing: the service saves only a valid whole."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # django-stubs' helper types only (django_stubs_ext is not a run-time need)
    from django_stubs_ext import StrOrPromise

from .choices import GROC_CHOICES, RequestKind
from .measures import PSFS_MAX, PSFS_MAX_ACTIVITIES, PSFS_MIN
from .models import ACTIVITY_NAME_MAX, PSFSActivity

RATING_CHOICES = [(value, str(value)) for value in range(PSFS_MIN, PSFS_MAX + 1)]
RATING_ERRORS = {
    "required": _("Choose a number from 0 to 10."),
    "invalid_choice": _("Choose a number from 0 to 10."),
}


def rating_field(label: StrOrPromise, *, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=RATING_CHOICES,
        coerce=int,
        required=required,
        empty_value=None,
        # Real radio inputs drawn as buttons (the pain scale's look), so the keyboard works.
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages=RATING_ERRORS,
    )


class PSFSActivityForm(forms.Form):
    """One activity and its rating; a row left wholly empty is skipped."""

    name = forms.CharField(
        label=_("Activity"),
        max_length=ACTIVITY_NAME_MAX,
        required=False,
        error_messages={"max_length": _("Keep each activity under %(limit_value)d characters.")},
    )
    rating = rating_field(_("How well can you do it now?"), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        name = " ".join((cleaned.get("name") or "").split())
        cleaned["name"] = name
        rating = cleaned.get("rating")
        if "rating" in self.errors or "name" in self.errors:
            return cleaned
        if rating is not None and not name:
            self.add_error("name", ValidationError(_("Name the activity you rated."), "empty"))
        elif name and rating is None:
            self.add_error("rating", ValidationError(_("Rate this activity from 0 to 10."), "none"))
        return cleaned

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("name") and data.get("rating") is None


class BasePSFSActivityFormSet(forms.BaseFormSet):
    # Django's own wording counts "forms"; say it the way people do.
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": _("Name at most %(num)d activities."),
        "missing_management_form": _("This form could not be read. Please fill it in again."),
    }

    def clean(self) -> None:
        super().clean()
        # A missing management form already has its message; keep it.
        if any(self.errors) or not self.management_form.is_valid():
            return
        filled = [form for form in self.forms if not form.is_blank]
        if not filled:
            raise ValidationError(_("Name at least one activity and rate it."), "none")
        names = [form.cleaned_data["name"].casefold() for form in filled]
        if len(set(names)) != len(names):
            raise ValidationError(_("Each activity can be named only once."), "duplicate")

    def items(self) -> list[tuple[str, int]]:
        return [
            (form.cleaned_data["name"], form.cleaned_data["rating"])
            for form in self.forms
            if not form.is_blank
        ]


PSFSActivityFormSet = forms.formset_factory(
    PSFSActivityForm,
    formset=BasePSFSActivityFormSet,
    extra=PSFS_MAX_ACTIVITIES,
    max_num=PSFS_MAX_ACTIVITIES,
    absolute_max=PSFS_MAX_ACTIVITIES,
    validate_max=True,
)


def activity_formset(data: Any = None) -> BasePSFSActivityFormSet:
    return cast(BasePSFSActivityFormSet, PSFSActivityFormSet(data, prefix="activity"))


class PSFSRatingForm(forms.Form):
    """Re-rate each named activity, 0 to 10."""

    def __init__(self, *args, activities: Sequence[PSFSActivity], **kwargs):
        super().__init__(*args, **kwargs)
        self.activities = list(activities)
        for activity in self.activities:
            self.fields[self.field_name(activity)] = rating_field(activity.name)

    @staticmethod
    def field_name(activity: PSFSActivity) -> str:
        return f"activity_{activity.pk}"

    def ratings(self) -> dict[int, int]:
        return {a.pk: self.cleaned_data[self.field_name(a)] for a in self.activities}


class GROCForm(forms.Form):
    """The weekly Global Rating of Change, asked in the check-in; it may be skipped."""

    groc = forms.TypedChoiceField(
        label=_(
            "Since you started treatment here, how would you describe how you are now, overall?"
        ),
        choices=[("", _("Skip this question")), *GROC_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"invalid_choice": _("Choose one of the answers, from -7 to +7.")},
    )


class PSFSRequestForm(forms.Form):
    kind = forms.ChoiceField(
        choices=RequestKind.choices,
        error_messages={"invalid_choice": _("Choose one of the requests shown.")},
    )
