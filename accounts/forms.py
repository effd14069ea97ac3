import zoneinfo
from functools import cache

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Clinic, User

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

    class Meta:
        model = Clinic
        fields = ["name", "time_zone", "emergency_number", "retention_years"]
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


def add_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has
    that field, else at the top of the form, so a model check never turns into a 500."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
