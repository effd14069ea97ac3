"""The symptom entry form: every field of the data dictionary (spec.md section 2).

Field names are the data dictionary's. `recorded_at` and `session` are not asked: the service
takes the time of saving and links the session from the context. An entry saved on the phone
while offline carries the time the patient logged it (`logged_at`, filled in by
assets/js/pwa.js), within the bounds of docs/clinical/spec.md section 11.12.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    NOTES_MAX_LENGTH,
    PAIN_MAX,
    PAIN_MIN,
    SCREENING_QUESTIONS,
    Context,
    Descriptor,
    Helped,
    IsFlare,
    Region,
    RestRelief,
    Trigger,
    Weakness,
)
from .field_lists import ENTRY_SCREENING_FIELDS, ENTRY_SET_FIELDS
from .models import SymptomEntry

TICKED = {"on", "true", "1", "yes"}
NOT_TICKED = {"", "off", "false", "0", "no"}

PAIN_CHOICES = [(value, str(value)) for value in range(PAIN_MIN, PAIN_MAX + 1)]
PAIN_ERRORS = {
    "required": _("Choose a number from 0 to 10."),
    "invalid_choice": _("Choose a number from 0 to 10."),
}
ONE_OF = {
    "required": _("Choose one of the answers."),
    "invalid_choice": _("Choose one of the answers shown."),
}
SOME_OF = {
    "invalid_choice": _("Choose from the answers shown."),
    "invalid_list": _("Choose from the answers shown."),
}

#: An entry logged offline keeps its time when it reaches the server at most this long after
#: (docs/clinical/spec.md section 11.12); an older one comes back to the patient.
LOGGED_AT_MAX_AGE = timedelta(hours=72)
#: A phone's clock may run this far ahead of the server's; a time in this margin counts as now.
LOGGED_AT_CLOCK_SKEW = timedelta(minutes=5)

# The optional section of the form, folded away until opened.
FOLDED_FIELDS = ("triggers", "helped", "sleep_disturbed", "notes")

#: Entries about a session, and the day of that session counted back from the entry's day.
SESSION_CONTEXT_DAYS_BACK: dict[str, int] = {
    Context.BEFORE_SESSION: 0,
    Context.AFTER_SESSION: 0,
    Context.NEXT_MORNING: 1,
}
#: The answers when the app knows no session for such an entry: go on (the entry links to the
#: session once the therapist records it), or make it an everyday check-in.
NO_SESSION_GO_ON = "go_on"
NO_SESSION_DAILY = "daily"
#: Questions of the form that are not answers of the entry itself.
FORM_ONLY_FIELDS = ("screening_none", "idempotency_key", "no_session", "logged_at")
NO_SESSION_CHOICES = [
    (NO_SESSION_GO_ON, _("I had a session: save it as it is")),
    (NO_SESSION_DAILY, _("Make it an everyday check-in")),
]


def _is_ticked(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TICKED


class TickInput(forms.CheckboxInput):
    """A checkbox that hands the raw value to its field, so nonsense is refused, not read as yes."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=_is_ticked)

    def value_from_datadict(self, data, files, name):
        return data.get(name) if name in data else False


class TickField(forms.Field):
    """A yes/no question answered by ticking a box (unticked means no)."""

    widget = TickInput(attrs={"class": "form-check-input"})
    default_error_messages = {"invalid": _("Tick the box or leave it empty.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if value is None:
            return False
        text = str(value).strip().lower()
        if text in TICKED:
            return True
        if text in NOT_TICKED:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


def _radio(choices, label, initial=None, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices,
        label=label,
        initial=initial,
        # Real radio inputs, drawn as buttons (Bootstrap's btn-check), so the keyboard works.
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages=ONE_OF,
        **kwargs,
    )


def _chips(choices, label, css_class: str = "btn-check") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices,
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": css_class}),
        error_messages=SOME_OF,
    )


class SymptomEntryForm(forms.Form):
    context = _radio(Context.choices, _("When is this?"), initial=Context.DAILY)
    pain_now = forms.TypedChoiceField(
        label=_("How bad is your pain right now?"),
        help_text=_("0 is no pain, 10 is the worst pain you can imagine."),
        choices=PAIN_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages=PAIN_ERRORS,
    )
    pain_worst = forms.TypedChoiceField(
        label=_("What was your worst pain since you last logged?"),
        choices=[("", _("Same as now")), *PAIN_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        initial="",
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages=PAIN_ERRORS,
    )
    descriptors = _chips(Descriptor.choices, _("What does it feel like?"))
    # Plain checkboxes; the body map ticks them (templates/symptoms/includes/body_map.html).
    regions = _chips(Region.choices, _("Where do you feel it?"), css_class="form-check-input")

    bladder_bowel_change = TickField(label=SCREENING_QUESTIONS["bladder_bowel_change"])
    saddle_numbness = TickField(label=SCREENING_QUESTIONS["saddle_numbness"])
    sexual_dysfunction_new = TickField(label=SCREENING_QUESTIONS["sexual_dysfunction_new"])
    fever_or_unwell = TickField(label=SCREENING_QUESTIONS["fever_or_unwell"])
    unexplained_weight_loss = TickField(label=SCREENING_QUESTIONS["unexplained_weight_loss"])
    night_pain_unrelieved = TickField(label=SCREENING_QUESTIONS["night_pain_unrelieved"])
    # Only the default answer of the checklist: a ticked symptom always counts, even when this
    # box was left ticked too (it starts ticked, so leaving it is not a deliberate answer).
    screening_none = TickField(label=_("None of these"), initial=True)

    rest_relief = _radio(RestRelief.choices, _("Did rest ease it?"), initial=RestRelief.NOT_TRIED)
    weakness = _radio(Weakness.choices, _("Any weakness in an arm or leg?"), initial=Weakness.NONE)
    foot_drop = TickField(label=_("My toes catch, I trip, or my foot slaps down when I walk"))
    nerve_symptoms_limit_activities = TickField(
        label=_("Numbness or weakness stops me doing everyday things")
    )
    is_flare = _radio(IsFlare.choices, _("Are you having a flare-up?"), initial=IsFlare.NO)

    triggers = _chips(Trigger.choices, _("What seemed to set it off?"))
    helped = _chips(Helped.choices, _("What helped?"))
    sleep_disturbed = TickField(label=_("It woke me up or kept me awake"))
    notes = forms.CharField(
        label=_("Anything else you want your therapist to know?"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _(
                "Your note is too long: it has %(show_value)d characters and can have "
                "%(limit_value)d at most."
            )
        },
    )
    # Asked only when the entry is about a session the app does not know (see clean()).
    no_session = forms.ChoiceField(
        label=_("We have no session of yours on that day"),
        choices=NO_SESSION_CHOICES,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages=ONE_OF,
    )
    # One per rendered form, so that a double submission stores one entry.
    idempotency_key = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("This form could not be read. Check your answers and save again.")
        },
    )

    def __init__(self, *args, session_days_back: frozenset[int] | None = None, **kwargs):
        """``session_days_back``: the days with a session, counted back from today (0 today,
        1 yesterday); None when the form is not to check them (a correction keeps its
        session)."""
        super().__init__(*args, **kwargs)
        self.session_days_back = session_days_back

    def session_missing(self, context: str | None) -> bool:
        """Whether an entry of ``context`` is about a session the app does not know."""
        back = SESSION_CONTEXT_DAYS_BACK.get(context or "")
        return (
            self.session_days_back is not None
            and back is not None
            and back not in self.session_days_back
        )

    @property
    def contexts_without_session(self) -> str:
        """The contexts whose session the app does not know, for the page's script."""
        return " ".join(
            context for context in SESSION_CONTEXT_DAYS_BACK if self.session_missing(context)
        )

    @property
    def asks_about_session(self) -> bool:
        """Show the question now: the chosen context's session is missing, or it was refused."""
        return "no_session" in self.errors or self.session_missing(self["context"].value())

    def _check_session(self, cleaned: dict[str, Any]) -> None:
        """An entry about a session that is not in the app: the patient says to go on, or to
        make it an everyday check-in; never saved without either."""
        if not self.session_missing(cleaned.get("context")) or "no_session" in self.errors:
            return
        answer = cleaned.get("no_session")
        if answer == NO_SESSION_DAILY:
            cleaned["context"] = Context.DAILY
        elif answer != NO_SESSION_GO_ON:
            self.add_error(
                "no_session",
                ValidationError(
                    _(
                        "We have no session of yours on that day. Choose “I had a session” to "
                        "save it as it is, or make it an everyday check-in."
                    ),
                    code="no_session",
                ),
            )

    # When the patient logged it, for an entry saved on the phone while offline (else empty: now).
    logged_at = forms.DateTimeField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("The time this entry was logged could not be read. Save it again.")
        },
    )

    def clean_logged_at(self) -> datetime | None:
        logged_at = self.cleaned_data.get("logged_at")
        if logged_at is None:
            return None
        now = timezone.now()
        if logged_at > now + LOGGED_AT_CLOCK_SKEW:
            raise ValidationError(
                _(
                    "This entry's time is in the future. Check the clock of your phone, then "
                    "save it again."
                ),
                code="logged_at_future",
            )
        if logged_at < now - LOGGED_AT_MAX_AGE:
            raise ValidationError(
                _(
                    "This entry was logged more than %(hours)d hours ago, too long ago to add "
                    "at its own time. Check your answers and save it again: it will be saved "
                    "with the time now."
                ),
                code="logged_at_too_old",
                params={"hours": LOGGED_AT_MAX_AGE // timedelta(hours=1)},
            )
        return min(logged_at, now)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        self._check_session(cleaned)
        now, worst = cleaned.get("pain_now"), cleaned.get("pain_worst")
        if now is not None and "pain_worst" not in self.errors:
            if worst is None:
                cleaned["pain_worst"] = now
            elif worst < now:
                self.add_error(
                    "pain_worst",
                    ValidationError(
                        _(
                            "Your worst pain can't be lower than your pain now (%(now)d). "
                            "Choose %(now)d or more, or “Same as now”."
                        ),
                        code="worst_below_now",
                        params={"now": now},
                    ),
                )
        return cleaned

    def idempotency_token(self) -> str:
        """The key to render: the one submitted if it was valid, else a fresh one."""
        if not hasattr(self, "_idempotency_token"):
            submitted = getattr(self, "cleaned_data", {}).get("idempotency_key")
            self._idempotency_token = str(submitted or uuid.uuid4())
        return self._idempotency_token

    def entry_data(self) -> dict[str, Any]:
        """The cleaned answers as SymptomEntry field values."""
        data = {
            name: value for name, value in self.cleaned_data.items() if name not in FORM_ONLY_FIELDS
        }
        for name in ENTRY_SET_FIELDS:
            data[name] = sorted(data[name])
        if self.cleaned_data.get("logged_at"):
            data["recorded_at"] = self.cleaned_data["logged_at"]
        return data

    @property
    def screening_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ENTRY_SCREENING_FIELDS]

    @property
    def folded_has_answers(self) -> bool:
        """Open the optional section when it holds answers or errors, so nothing is hidden."""
        if any(name in self.errors for name in FOLDED_FIELDS):
            return True
        values = [self[name].value() for name in FOLDED_FIELDS]
        return any(value not in (None, "", False, [], ()) for value in values)

    @classmethod
    def initial_for(cls, entry: SymptomEntry) -> dict[str, Any]:
        """The answers of a saved entry, to correct it."""
        names = [name for name in cls.base_fields if name not in FORM_ONLY_FIELDS]
        initial = {name: getattr(entry, name) for name in names}
        initial["screening_none"] = not entry.screening_answers
        if entry.pain_worst == entry.pain_now:
            initial["pain_worst"] = ""
        return initial


class SymptomEntryCorrectionForm(SymptomEntryForm):
    """The same questions, to correct an entry within the correction window."""

    idempotency_key = None  # type: ignore[assignment]  # a form drops a field so; no stub can say it
    logged_at = None  # type: ignore[assignment]  # the same: a correction keeps the entry's time


class DiaryFilterForm(forms.Form):
    """The diary's filter and page: which entries, and the last day shown."""

    context = forms.ChoiceField(
        label=_("Show"),
        choices=[("", _("All entries")), *Context.choices],
        required=False,
        error_messages=ONE_OF,
    )
    until = forms.DateField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("That page of your diary could not be found.")},
    )
