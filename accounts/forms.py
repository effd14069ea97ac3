import zoneinfo
from functools import cache
from typing import cast

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Clinic, Patient, User
from .phones import (
    PHONE_INPUT_MAX_LENGTH,
    default_phone_region,
    phone_display,
    phone_parse,
    phone_region_choices,
)
from .services import CONTACT_FIELDS

# Retention of closed patients' records: UK guidance keeps adult records 8 years; the range
# only catches typos.
RETENTION_YEARS_MIN = 1
RETENTION_YEARS_MAX = 50


class EmailAuthenticationForm(AuthenticationForm):
    """Log in by email address (the username field of our user model)."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Region/City zones people recognise, without the Etc/ and legacy aliases."""
    legacy = (
        "Etc/",
        "SystemV/",
        "US/",
        "Canada/",
        "Mexico/",
        "Brazil/",
        "Chile/",
        "posix",
        "right/",
    )
    names = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(legacy)
    )
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


def _email_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


EMAIL_TAKEN_MESSAGE = _(
    "Someone already has an account with this email address. Check the address, or find the "
    "person in your caseload."
)


class PersonInviteFields(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email address"))

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if _email_taken(email):
            raise forms.ValidationError(EMAIL_TAKEN_MESSAGE, code="email_taken")
        return email


class TherapistInviteForm(PersonInviteFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has the token


class ClinicSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    retention_years = forms.IntegerField(
        label=_("Keep closed patients' records for (years)"),
        min_value=RETENTION_YEARS_MIN,
        max_value=RETENTION_YEARS_MAX,
    )

    phone_region = forms.ChoiceField(
        label=_("Country of patients' phone numbers"),
        choices=phone_region_choices,
        help_text=_(
            "Phone numbers typed without a country code are read as numbers of this country."
        ),
    )

    class Meta:
        model = Clinic
        fields = ["name", "time_zone", "emergency_number", "phone_region", "retention_years"]
        labels = {"name": _("Clinic name"), "emergency_number": _("Local emergency number")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has the token

    def clean_emergency_number(self) -> str:
        number = self.cleaned_data["emergency_number"].strip()
        if not number or not all(ch.isdigit() or ch in " +-" for ch in number):
            raise forms.ValidationError(
                _("Enter the number patients should dial, using digits only (for example 999)."),
                code="invalid_number",
            )
        return number


def _phone_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=PHONE_INPUT_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )


class PatientContactFields(forms.Form):
    """A patient's phone number, the best time to call them and an emergency contact (issue 11).
    Numbers are read in the clinic's region (``phone_region``) unless they start with + or 00;
    one that cannot be dialled gets a message that says what is wrong."""

    phone_region = ""

    # Labels are translated when the form is shown (a str at type level, lazy at run time).
    phone = _phone_field(cast(str, _("Phone number")))
    best_time_to_call = forms.CharField(
        label=_("Best time to call"),
        required=False,
        max_length=Patient._meta.get_field("best_time_to_call").max_length,
        help_text=_('For example "weekdays after 5 pm".'),
    )
    emergency_contact_name = forms.CharField(
        label=_("Emergency contact's name"),
        required=False,
        max_length=Patient._meta.get_field("emergency_contact_name").max_length,
        help_text=_("Someone the clinic may call if it cannot reach the patient in an emergency."),
    )
    emergency_contact_phone = _phone_field(cast(str, _("Emergency contact's phone number")))

    def _region(self) -> str:
        return self.phone_region or default_phone_region()

    def set_phone_region(self, region: str) -> None:
        """Read numbers in ``region`` and say so under the phone fields."""
        self.phone_region = region
        codes = dict(phone_region_choices())
        hint = _("Without a country code, we read it as a number of %(region)s.") % {
            "region": codes.get(region, region)
        }
        for name in ("phone", "emergency_contact_phone"):
            if name in self.fields:
                self.fields[name].help_text = hint

    def clean_phone(self):
        return phone_parse(self.cleaned_data.get("phone", ""), self._region())

    def clean_emergency_contact_phone(self):
        return phone_parse(self.cleaned_data.get("emergency_contact_phone", ""), self._region())

    def clean_emergency_contact_name(self) -> str:
        return " ".join(self.cleaned_data.get("emergency_contact_name", "").split())

    def clean_best_time_to_call(self) -> str:
        return " ".join(self.cleaned_data.get("best_time_to_call", "").split())

    def clean(self):
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("emergency_contact_phone") and not cleaned.get("emergency_contact_name"):
            self.add_error(
                "emergency_contact_name",
                forms.ValidationError(
                    _("Give the name of the person to call with their number."),
                    code="emergency_contact_unnamed",
                ),
            )
        return cleaned

    def contact_data(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in CONTACT_FIELDS}

    @staticmethod
    def contact_initial(patient: Patient) -> dict:
        """The patient's details as the form shows them (numbers in the clinic's format)."""
        region = patient.clinic.phone_region
        return {
            "phone": phone_display(patient.phone, region),
            "best_time_to_call": patient.best_time_to_call,
            "emergency_contact_name": patient.emergency_contact_name,
            "emergency_contact_phone": phone_display(patient.emergency_contact_phone, region),
        }


class PatientContactForm(PatientContactFields):
    """The patient's own "My details" page and the clinician's intake page."""

    def __init__(self, *args, region: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_phone_region(region)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has the token


def add_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has
    that field, else at the top of the form, so a model check never turns into a 500."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
