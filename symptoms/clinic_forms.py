"""Clinician forms: record or schedule a PT session, edit a patient's intake (spec.md 2)."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PatientContactFields
from accounts.services import CONTACT_FIELDS

from .choices import PAIN_MAX, PAIN_MIN, Intervention, Region, SessionKind
from .field_lists import INTAKE_FIELDS, SESSION_FIELDS
from .models import PTSession

# How far from today a session may be dated: old paper records may be typed in, and sessions
# are booked a few months ahead at most. Anything further out is almost certainly a typo.
SESSION_MAX_DAYS_BACK = 5 * 365
SESSION_MAX_DAYS_AHEAD = 365
CONDITIONS_MAX_LENGTH = 2000
SESSION_NOTES_MAX_LENGTH = 4000


class IntakeForm(forms.Form):
    """The intake fields (spec.md section 2, "Intake"); the patient-invite form adds to it."""

    conditions = forms.CharField(
        label=_("Working diagnosis"),
        required=False,
        max_length=CONDITIONS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('For example "L5 radiculopathy".'),
    )
    baseline_pain = forms.IntegerField(
        label=_("Usual pain before treatment (0-10)"),
        min_value=PAIN_MIN,
        max_value=PAIN_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    baseline_regions = forms.MultipleChoiceField(
        label=_("Where symptoms already were at intake"),
        choices=Region.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For example both feet numb from diabetes."),
    )
    cancer_history = forms.BooleanField(label=_("History of cancer"), required=False)
    diabetes = forms.BooleanField(label=_("Diabetes"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has the token
        self.helper.layout = Layout(*self._layout_fields())

    def _layout_fields(self) -> list:
        return [
            name if name != "baseline_regions" else Div(name, css_class="region-columns")
            for name in self.fields
        ]

    def intake_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in INTAKE_FIELDS}

    @classmethod
    def initial_from(cls, intake) -> dict:
        if intake is None:
            return {}
        return {name: getattr(intake, name) for name in INTAKE_FIELDS}


class IntakeContactForm(PatientContactFields, IntakeForm):
    """The clinician's intake page: the intake and the patient's contact details (issue 11)."""

    field_order = [*INTAKE_FIELDS, *CONTACT_FIELDS]

    def __init__(self, *args, region: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_phone_region(region)


class PTSessionForm(forms.Form):
    """Record a session that happened or schedule one ahead (spec.md section 2)."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind of session"), choices=SessionKind.choices)
    interventions = forms.MultipleChoiceField(
        label=_("Interventions"),
        choices=Intervention.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=SESSION_NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only clinicians see these notes."),
    )

    def __init__(self, *args, today: dt.date, session: PTSession | None = None, **kwargs):
        if session is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(session, name) for name in SESSION_FIELDS}
        super().__init__(*args, **kwargs)
        self.today = today
        self.session = session
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has the token
        self.helper.layout = Layout("date", "kind", InlineCheckboxes("interventions"), "notes")

    def clean_date(self) -> dt.date:
        value = self.cleaned_data["date"]
        if value < self.today - timedelta(days=SESSION_MAX_DAYS_BACK):
            raise forms.ValidationError(
                _("That date is more than five years ago. Please check it."), code="too_old"
            )
        if value > self.today + timedelta(days=SESSION_MAX_DAYS_AHEAD):
            raise forms.ValidationError(
                _("Sessions can be scheduled up to a year ahead. Please check the date."),
                code="too_far_ahead",
            )
        session = self.session
        # Entries were linked to the session by its day; moving it would leave them pointing at
        # a session on another day, so a session with entries keeps its date.
        if session is not None and value != session.date and session.entries.exists():
            raise forms.ValidationError(
                _(
                    "Your patient has already logged symptoms for this session, so its date "
                    "cannot change. Record a new session instead."
                ),
                code="has_entries",
            )
        return value
