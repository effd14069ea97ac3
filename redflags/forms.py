"""Forms of the clinician pages: inbox filters, triage actions, the rule set and case upload."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any, cast

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .engine.domain import RULE_IDS
from .engine.params import MANDATORY_RULES, RuleParams
from .explain import PARAMS, format_value, rule_name
from .models import RULE_SET_NOTE_MAX_LENGTH, ContactMethod, Severity
from .triage import NOTE_MAX_LENGTH


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


# --- Inbox -------------------------------------------------------------------------------------


class InboxFilterForm(forms.Form):
    """GET filters of the alert inbox. Unknown values are ignored rather than shown as errors:
    a stale bookmarked link should still open the inbox."""

    STATE_UNRESOLVED = "unresolved"
    STATE_RESOLVED = "resolved"
    STATE_ALL = "all"

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            (STATE_UNRESOLVED, _("Unresolved")),
            (STATE_RESOLVED, _("Resolved")),
            (STATE_ALL, _("All")),
        ],
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        choices=[("", _("Any severity")), *reversed(Severity.choices)],
    )
    rule = forms.ChoiceField(
        label=_("Rule"),
        required=False,
        choices=[("", _("Any rule")), *((r, f"{r} {rule_name(r)}") for r in RULE_IDS)],
    )
    therapist = forms.ModelChoiceField(
        label=_("Therapist"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("All therapists"),
    )

    def __init__(self, data=None, *, therapists=None, **kwargs):
        super().__init__(data, **kwargs)
        if therapists is None:
            del self.fields["therapist"]
        else:
            cast(forms.ModelChoiceField, self.fields["therapist"]).queryset = therapists
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
        self.helper = _helper()

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid value falls back to its default."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "state": cleaned.get("state") or self.STATE_UNRESOLVED,
            "severity": cleaned.get("severity") or "",
            "rule": cleaned.get("rule") or "",
            "therapist": cleaned.get("therapist"),
        }


# --- Triage ------------------------------------------------------------------------------------


def _note_field(*, required: bool, label, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
    )


class AcknowledgeForm(forms.Form):
    note = _note_field(required=False, label=_("Note (optional)"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "ack")
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ContactForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How you contacted the patient"),
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you contacted the patient.")},
    )
    note = _note_field(required=False, label=_("Note"), help_text=_("What was said or agreed."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "contact")
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("How was it resolved?"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write a short note to say how it was resolved.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "resolve")
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class EscalateForm(forms.Form):
    note = _note_field(
        required=False,
        label=_("Why escalate? (optional)"),
        help_text=_("Raises the alert to at least urgent and notifies the clinic's admins."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "escalate")
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# --- Rule set ----------------------------------------------------------------------------------


class ThresholdField(forms.Field):
    """A threshold of the rule set, with what its row shows: the unit and the default value."""

    unit = ""
    unit_label: Any = ""
    default_display = ""
    is_percent = False


class PercentField(ThresholdField):
    """A share of 0 to 100%, typed as a percentage ("30", "30%", "33.3" or "33,3"); kept as the
    exact fraction. A value left as shown keeps its exact stored value (1/3 is shown as 33.3
    and stays 1/3)."""

    is_percent = True
    default_error_messages = {
        "invalid": _("Enter a percentage from 0 to 100, like 30."),
    }

    def __init__(self, *, exact: Fraction, **kwargs):
        self.exact = exact
        super().__init__(initial=percent_text(exact), **kwargs)

    def to_python(self, value: Any) -> Fraction | None:
        text = "" if value in self.empty_values else str(value).strip()
        if not text:
            return None
        if text == percent_text(self.exact):
            return self.exact
        number_text = text.removesuffix("%").strip().replace(",", ".").replace(" ", "")
        try:
            number = Fraction(number_text)
        except (ValueError, ZeroDivisionError) as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        if not 0 <= number <= 100:
            raise ValidationError(self.error_messages["invalid"], code="out_of_range")
        return number / 100


class ThresholdIntegerField(ThresholdField, forms.IntegerField):
    pass


def percent_text(value: Fraction) -> str:
    """3/10 as "30"; 1/3 as "33.3" (at most one decimal, as the rule set shows it)."""
    return format_value(value).removesuffix("%")


#: The unit beside each threshold's box, in the clinic's words.
UNIT_LABELS: dict[str, Any] = {
    "days": _("days"),
    "points": _("points (0-10)"),
    "count": "",
    "fraction": "%",
}


# Thresholds that must not cross one another, with the message when they do.
CROSS_CHECKS = (
    ("baseline_min_days", "baseline_window_days", _("Cannot be more than the baseline window.")),
    (
        "exercise_green_max_pain",
        "r10_red_pain_above",
        _("Green must end at or below the red zone."),
    ),
    ("r10_min_red_days", "r10_window_days", _("Cannot be more than the R10 window.")),
    ("r14_min_logged_days", "r14_window_days", _("Cannot be more than the R14 window.")),
)


class RuleSetForm(forms.Form):
    """Every threshold of the rule set and the switches of the rules a clinic may turn off.

    R1-R7 are shown switched on and cannot be changed (disabled fields ignore what is posted).
    """

    note = forms.CharField(
        label=_("What changed and why"),
        max_length=RULE_SET_NOTE_MAX_LENGTH,
        required=False,
        help_text=_("Kept with the new version, for your clinical lead."),
    )

    def __init__(self, *args, params: RuleParams, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = RuleParams()
        for name, info in PARAMS.items():
            value = getattr(params, name)
            if info.is_fraction:
                field: ThresholdField = PercentField(
                    label=info.label, help_text=info.help, exact=value
                )
            else:
                field = ThresholdIntegerField(
                    label=info.label,
                    min_value=info.minimum,
                    max_value=info.maximum,
                    help_text=info.help,
                    initial=value,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )
            field.unit = info.unit
            field.unit_label = UNIT_LABELS[info.unit]
            field.default_display = format_value(getattr(defaults, name))
            self.fields[name] = field
        for rule in RULE_IDS:
            mandatory = rule in MANDATORY_RULES
            self.fields[f"enable_{rule}"] = forms.BooleanField(
                label=f"{rule} {rule_name(rule)}",
                required=False,
                disabled=mandatory,
                initial=True if mandatory else params.is_enabled(rule),
                help_text=_("A safety rule: it always runs.") if mandatory else "",
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
        self.fields["note"] = self.fields.pop("note")
        self.helper = _helper()

    def threshold_fields(self):
        return [self[name] for name in PARAMS]

    def rule_fields(self):
        return [self[f"enable_{rule}"] for rule in RULE_IDS]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for lower, upper, message in CROSS_CHECKS:
            low, high = cleaned.get(lower), cleaned.get(upper)
            if low is not None and high is not None and low > high:
                self.add_error(lower, message)
        if not self.errors:
            try:
                self.cleaned_data["params"] = self._params()
            except ValueError as error:
                raise ValidationError(
                    _("These thresholds do not work together: %(error)s"),
                    params={"error": error},
                    code="invalid_params",
                ) from error
        return self.cleaned_data

    def _params(self) -> RuleParams:
        enabled = {r for r in RULE_IDS if r in MANDATORY_RULES or self.cleaned_data[f"enable_{r}"]}
        values = {name: self.cleaned_data[name] for name in PARAMS}
        return RuleParams(**values, enabled=frozenset(enabled))


# --- Replay ------------------------------------------------------------------------------------

CASE_MAX_BYTES = 1024 * 1024


class CaseUploadForm(forms.Form):
    """A replay case file (spec.md section 10): JSON, at most 1 MB."""

    case_file = forms.FileField(
        label=_("Case file (.json)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
        error_messages={"required": _("Choose a case file to upload.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_case_file(self) -> dict[str, Any]:
        upload = self.cleaned_data["case_file"]
        if upload.size > CASE_MAX_BYTES:
            raise ValidationError(
                _("The file is too big. A case file can be at most 1 MB."), code="too_big"
            )
        raw = upload.read(CASE_MAX_BYTES + 1)
        try:
            case = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise ValidationError(
                _("The file is not text. Upload a .json case file."), code="not_text"
            ) from error
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("The file is not valid JSON: %(error)s (line %(line)d, column %(column)d)."),
                params={"error": error.msg, "line": error.lineno, "column": error.colno},
                code="bad_json",
            ) from error
        except RecursionError as error:
            # Brackets nested thousands deep exhaust the parser's stack: a 400, not a 500.
            raise ValidationError(
                _("The file is nested too deeply to be a case file."), code="too_deep"
            ) from error
        if not isinstance(case, dict):
            raise ValidationError(
                _("A case file holds one JSON object ({...}), not a list or a value."),
                code="not_object",
            )
        return case
