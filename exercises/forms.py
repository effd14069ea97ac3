"""Forms for the library, the plan builder and dose logging.

The plan builder keeps its draft in the form: adding, removing and reordering rows are submit
buttons (``name="action"``) that post the whole draft; without JavaScript the page comes back
re-rendered, with htmx only the part the action changed. Only "Save" validates and writes a
version.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, cast

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .access import exercises_for_clinic
from .field_lists import EXERCISE_FIELDS, PLAN_ITEM_FIELDS
from .models import BodyArea, Difficulty, Exercise, PlanItem, PlanVersion
from .selectors import exercise_search
from .traffic_light import PAIN_MAX, PAIN_MIN

# --- Library -------------------------------------------------------------------------------------


class ExerciseForm(forms.ModelForm):
    class Meta:
        model = Exercise
        fields = list(EXERCISE_FIELDS)
        labels = {
            "starting_position": _("Starting position"),
            "movement": _("Movement"),
            "should_feel": _("What the patient should feel"),
            "should_not_feel": _("What the patient should not feel"),
            "when_to_stop": _("When to stop"),
            "video_url": _("Video link (optional)"),
            "default_sets": _("Sets"),
            "default_reps": _("Repetitions"),
            "default_hold_seconds": _("Hold (seconds)"),
            "default_times_per_day": _("Times a day"),
            "default_days_per_week": _("Days a week"),
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "starting_position",
                "movement",
                "should_feel",
                "should_not_feel",
                "when_to_stop",
                "precautions",
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["movement"].required = True
        cast(forms.IntegerField, self.fields["default_sets"]).min_value = 1
        self.fields["default_sets"].widget.attrs.update(min=1, max=20)
        self.fields["default_reps"].widget.attrs.update(min=0, max=200)
        self.fields["default_hold_seconds"].widget.attrs.update(min=0, max=600)
        self.fields["default_times_per_day"].widget.attrs.update(min=1, max=10)
        self.fields["default_days_per_week"].widget.attrs.update(min=1, max=7)
        self.helper = FormHelper()
        self.helper.form_tag = False


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    body_area = forms.ChoiceField(
        label=_("Body area"), required=False, choices=[("", _("All body areas")), *BodyArea.choices]
    )

    def results(self, clinic_id: int) -> QuerySet[Exercise]:
        if not self.is_valid():
            return exercise_search(clinic_id)
        return exercise_search(
            clinic_id, query=self.cleaned_data["q"], body_area=self.cleaned_data["body_area"]
        )


# --- Dose logging --------------------------------------------------------------------------------

PAIN_CHOICES = [(n, str(n)) for n in range(PAIN_MIN, PAIN_MAX + 1)]


class DoseLogForm(forms.Form):
    pain_during = forms.TypedChoiceField(
        label=_("How much did it hurt while you did it?"),
        help_text=_("0 means no pain. 10 means the worst pain you can imagine."),
        choices=PAIN_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={
            "required": _("Tap a number from 0 to 10 for your pain."),
            "invalid_choice": _("Pain must be a number from 0 to 10."),
        },
    )
    difficulty = forms.ChoiceField(
        label=_("How hard was it?"),
        choices=Difficulty.choices,
        initial=Difficulty.OK,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={"invalid_choice": _("Choose easy, OK or hard.")},
    )
    sets_done = forms.IntegerField(
        label=_("Sets done (optional)"),
        required=False,
        min_value=0,
        max_value=50,
        error_messages={
            "min_value": _("Sets cannot be a negative number."),
            "max_value": _("That is more sets than we can record (50 at most)."),
        },
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


# --- Plan builder --------------------------------------------------------------------------------

MAX_ITEMS = 40
MAX_RESULTS = 25
#: A builder row: the exercise and its dosage.
ROW_FIELDS = ("exercise", *PLAN_ITEM_FIELDS)


class PlanVersionForm(forms.Form):
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note_to_patient = forms.CharField(
        label=_("Note to the patient"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be on or after the start date."))
        return cleaned


class PlanItemForm(forms.Form):
    exercise = forms.IntegerField(widget=forms.HiddenInput)
    sets = forms.IntegerField(label=_("Sets"), min_value=1, max_value=20)
    reps = forms.IntegerField(label=_("Reps"), min_value=0, max_value=200)
    hold_seconds = forms.IntegerField(label=_("Hold (s)"), min_value=0, max_value=600)
    times_per_day = forms.IntegerField(label=_("Times a day"), min_value=1, max_value=10)
    days_per_week = forms.IntegerField(label=_("Days a week"), min_value=1, max_value=7)
    instructions = forms.CharField(
        label=_("Extra instructions"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1}),
    )

    exercise_obj: Exercise | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "exercise":
                field.widget.attrs["class"] = "form-control form-control-sm"

    def exercise_value(self) -> int | None:
        raw = (
            self.data.get(self.add_prefix("exercise"))
            if self.is_bound
            else self.initial.get("exercise")
        )
        if raw is None:
            return None
        try:
            return int(raw)
        except (TypeError, ValueError):
            return None


class BasePlanItemFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, exercises: dict[int, Exercise], **kwargs: Any) -> None:
        self.exercises = exercises
        super().__init__(*args, **kwargs)

    def add_fields(self, form: PlanItemForm, index: int | None) -> None:
        """Each row's form (the empty one too) gets its exercise from the draft's lookup."""
        super().add_fields(form, index)
        exercise_id = form.exercise_value()
        form.exercise_obj = self.exercises.get(exercise_id) if exercise_id is not None else None

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            exercise_id = form.cleaned_data["exercise"]
            if exercise_id not in self.exercises:
                raise ValidationError(_("One of the exercises is not in your clinic's library."))
            if exercise_id in seen:
                raise ValidationError(
                    _("%(name)s is in the plan twice.") % {"name": self.exercises[exercise_id].name}
                )
            seen.add(exercise_id)
        if not self.forms:
            raise ValidationError(_("Add at least one exercise to the plan."))

    def cleaned_items(self) -> list[dict[str, Any]]:
        return [
            {**form.cleaned_data, "exercise": self.exercises[form.cleaned_data["exercise"]]}
            for form in self.forms
        ]


# formset_factory makes a subclass of `formset`; its stub says only BaseFormSet.
PlanItemFormSet = cast(
    type[BasePlanItemFormSet],
    forms.formset_factory(
        PlanItemForm,
        formset=BasePlanItemFormSet,
        extra=0,
        max_num=MAX_ITEMS,
        validate_max=True,
        absolute_max=MAX_ITEMS,
    ),
)


@dataclass(frozen=True)
class Action:
    """What a builder submit button asked for: save, search, add:<exercise id>, remove:<row>,
    up:<row> or down:<row>."""

    verb: str
    arg: int | None = None

    @classmethod
    def parse(cls, value: str | None) -> Action:
        verb, _sep, arg = (value or "save").partition(":")
        if verb not in {"save", "search", "add", "remove", "up", "down"}:
            return cls("search")
        if verb in {"save", "search"}:
            return cls(verb)
        try:
            return cls(verb, int(arg))
        except ValueError:
            return cls("search")


def item_row(exercise: Exercise) -> dict[str, Any]:
    """A new row with the exercise's default dosage."""
    return {"exercise": exercise.pk, **exercise.default_dosage()}


def saved_row(item: PlanItem) -> dict[str, Any]:
    return {
        "exercise": item.exercise_id,
        **{name: getattr(item, name) for name in PLAN_ITEM_FIELDS},
    }


class PlanBuilder:
    """The builder's draft: plan fields, item rows and exercise search, rebuilt on each post.

    Rows are looked up in the clinic's library (shared plus own) with one query, so the
    builder's query count does not grow with the plan."""

    prefix = "items"

    def __init__(
        self,
        *,
        clinic_id: int,
        today: dt.date,
        latest: PlanVersion | None,
        latest_items: list[PlanItem],
        data: QueryDict | None = None,
    ) -> None:
        self.clinic_id = clinic_id
        self.available = exercises_for_clinic(clinic_id)
        self.errors: list[str | Promise] = []
        self.action = Action.parse(data.get("action")) if data is not None else Action("search")
        self.search = LibrarySearchForm(data if data is not None else None)

        if data is None:
            rows = [saved_row(item) for item in latest_items]
            self.exercises = {item.exercise_id: item.exercise for item in latest_items}
            self.form = PlanVersionForm(initial=self._initial_plan_fields(latest, today))
            self.formset = self._formset(rows=rows)
            return

        if self.action.verb == "save":
            self.exercises = self._lookup(self._row_ids(self._raw_rows(data)))
            self.form = PlanVersionForm(data)
            self.formset = PlanItemFormSet(data, prefix=self.prefix, exercises=self.exercises)
            return

        rows = self._raw_rows(data)
        extra_id = self.action.arg if self.action.verb == "add" else None
        self.exercises = self._lookup(
            self._row_ids(rows) + ([extra_id] if extra_id is not None else [])
        )
        rows = self._apply(rows)
        self.form = PlanVersionForm(
            initial={
                name: data.get(name, "") for name in ("start_date", "end_date", "note_to_patient")
            }
        )
        self.formset = self._formset(rows=rows)

    # -- reading and changing the draft --

    @staticmethod
    def _initial_plan_fields(latest: PlanVersion | None, today: dt.date) -> dict[str, Any]:
        if latest is None:
            return {"start_date": today}
        return {
            "start_date": max(today, latest.start_date),
            "end_date": latest.end_date,
            "note_to_patient": latest.note_to_patient,
        }

    def _raw_rows(self, data: QueryDict) -> list[dict[str, str]]:
        try:
            total = int(data.get(f"{self.prefix}-TOTAL_FORMS", 0))
        except ValueError:
            total = 0
        total = max(0, min(total, MAX_ITEMS))
        return [
            {name: data.get(f"{self.prefix}-{index}-{name}", "") for name in ROW_FIELDS}
            for index in range(total)
        ]

    @staticmethod
    def _row_ids(rows: list[dict[str, Any]]) -> list[int]:
        ids = []
        for row in rows:
            try:
                ids.append(int(row["exercise"]))
            except (TypeError, ValueError):
                continue
        return ids

    def _lookup(self, ids: list[int]) -> dict[int, Exercise]:
        return self.available.in_bulk(ids) if ids else {}

    def _apply(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        verb, arg = self.action.verb, self.action.arg
        if verb == "add":
            exercise = self.exercises.get(arg) if arg is not None else None
            if exercise is None:
                self.errors.append(_("That exercise is not in your clinic's library."))
            elif arg in self._row_ids(rows):
                self.errors.append(_("%(name)s is already in the plan.") % {"name": exercise.name})
            elif len(rows) >= MAX_ITEMS:
                self.errors.append(_("A plan can have at most %(n)d exercises.") % {"n": MAX_ITEMS})
            else:
                rows.append(item_row(exercise))
        elif arg is not None and 0 <= arg < len(rows):
            if verb == "remove":
                del rows[arg]
            elif verb == "up" and arg > 0:
                rows[arg - 1], rows[arg] = rows[arg], rows[arg - 1]
            elif verb == "down" and arg < len(rows) - 1:
                rows[arg + 1], rows[arg] = rows[arg], rows[arg + 1]
        return rows

    def _formset(self, *, rows: list[dict[str, Any]]) -> BasePlanItemFormSet:
        return PlanItemFormSet(initial=rows, prefix=self.prefix, exercises=self.exercises)

    # -- results --

    @property
    def results(self) -> QuerySet[Exercise] | None:
        """Search results, only once something was typed or a body area chosen."""
        if not self.search.is_valid() or not any(self.search.cleaned_data.values()):
            return None
        return self.search.results(self.clinic_id)[:MAX_RESULTS]

    @property
    def exercise_ids(self) -> set[int]:
        """Exercises already in the draft (search results show them as added)."""
        return {form.exercise_value() for form in self.formset.forms}

    def is_valid(self) -> bool:
        return self.action.verb == "save" and self.form.is_valid() and self.formset.is_valid()

    def cleaned(self) -> dict[str, Any]:
        return {
            "items": self.formset.cleaned_items(),
            "start_date": self.form.cleaned_data["start_date"],
            "end_date": self.form.cleaned_data["end_date"],
            "note": self.form.cleaned_data["note_to_patient"],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's errors beside the fields they are about."""
        for field, messages in getattr(error, "message_dict", {"__all__": error.messages}).items():
            if field in self.form.fields:
                for message in messages:
                    self.form.add_error(field, message)
            else:
                self.errors.extend(messages)

    @property
    def all_errors(self) -> list[str | Promise]:
        errors = list(self.errors)
        if self.formset.is_bound:
            # An ErrorList yields its messages (the stub says ValidationErrors too).
            errors.extend(str(message) for message in self.formset.non_form_errors())
        return errors
