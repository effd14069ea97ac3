"""Phone numbers (issue 11): read in the clinic's region, stored as E.164, shown for calling.

A number typed without a country code ("07700 900123") is read as a number of the clinic's
region (``Clinic.phone_region``, by default settings.PHONENUMBER_DEFAULT_REGION); one typed with
"+" or "00" is read as international. Only numbers that can be dialled are accepted: anything
else gets a message that says what to type, never a silent default. Stored as E.164
("+447700900123", django-phonenumber-field's PhoneNumberField), shown in the clinic's national
format when the number is of its region and internationally otherwise.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber

#: The longest text a phone field takes: a number in any format with spaces, brackets, dashes.
PHONE_INPUT_MAX_LENGTH = 32


def default_phone_region() -> str:
    """The region new clinics read numbers in (settings.PHONENUMBER_DEFAULT_REGION)."""
    return settings.PHONENUMBER_DEFAULT_REGION


def validate_phone_region(value: str) -> None:
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(
            _("%(value)s is not a country code we know (use two letters, for example GB)."),
            params={"value": value},
            code="invalid_region",
        )


@cache
def phone_region_choices() -> list[tuple[str, str]]:
    """Every region as ("GB", "GB (+44)"), sorted by code."""
    return [
        (region, f"{region} (+{phonenumbers.country_code_for_region(region)})")
        for region in sorted(phonenumbers.SUPPORTED_REGIONS)
    ]


def _example(region: str) -> str:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        return "+44 7700 900123"
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)


#: Kinds of number a patient or their contact answers: a mobile or a landline.
_CALLABLE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)


def is_dialable(number: phonenumbers.PhoneNumber | None) -> bool:
    """A whole number of a known country that libphonenumber knows as valid, or whose length is
    that of the country's mobile or landline numbers. Not libphonenumber's "valid" alone (an
    allocated range): its metadata lags new allocations, and a clinic must be able to record
    any number it can dial, the ranges reserved for fiction included (docs/decisions.md)."""
    if number is None or not number.country_code:
        return False
    if phonenumbers.is_valid_number(number):
        return True
    return any(
        phonenumbers.is_possible_number_for_type_with_reason(number, kind)
        == phonenumbers.ValidationResult.IS_POSSIBLE
        for kind in _CALLABLE_TYPES
    )


def _problem(region: str, reason: int | None) -> ValidationError:
    if reason == phonenumbers.ValidationResult.TOO_SHORT:
        message = _("This phone number is too short. Check it, for example %(example)s.")
    elif reason in (
        phonenumbers.ValidationResult.TOO_LONG,
        phonenumbers.ValidationResult.INVALID_LENGTH,
    ):
        message = _("This phone number has too many digits. Check it, for example %(example)s.")
    else:
        message = _(
            "Enter a phone number that can be called, for example %(example)s, or an "
            "international number starting with + and the country code."
        )
    return ValidationError(message, params={"example": _example(region)}, code="invalid_phone")


def phone_parse(value: str, region: str) -> PhoneNumber | None:
    """The number ``value`` names, read in ``region`` unless it starts with + or 00; None for an
    empty value. ValidationError (code ``invalid_phone``) for anything that cannot be dialled,
    saying what is wrong (too short, too long, not a number)."""
    text = (value or "").strip()
    if not text:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    if len(text) > PHONE_INPUT_MAX_LENGTH:
        raise _problem(region, phonenumbers.ValidationResult.TOO_LONG)
    try:
        number = PhoneNumber.from_string(text, region=region)
    except phonenumbers.NumberParseException as error:
        raise _problem(region, None) from error
    if not is_dialable(number):
        reason = phonenumbers.is_possible_number_for_type_with_reason(
            number, phonenumbers.PhoneNumberType.MOBILE
        )
        raise _problem(region, reason)
    return number


def _as_number(number: PhoneNumber | str | None) -> PhoneNumber | None:
    if not number:
        return None
    if isinstance(number, PhoneNumber):
        return number
    try:
        return PhoneNumber.from_string(str(number))
    except phonenumbers.NumberParseException:
        return None


def phone_e164(number: PhoneNumber | str | None) -> str:
    """The stored form of a number ("+447700900123"); empty for none."""
    parsed = _as_number(number)
    return parsed.as_e164 if parsed is not None and is_dialable(parsed) else ""


def phone_display(number: PhoneNumber | str | None, region: str = "") -> str:
    """How a person reads the number: national format in the clinic's own region, else
    international ("07700 900123" in a GB clinic, "+34 612 34 56 78" for a Spanish mobile)."""
    parsed = _as_number(number)
    if parsed is None or not is_dialable(parsed):
        return str(number or "")
    own = parsed.country_code == phonenumbers.country_code_for_region(
        region or default_phone_region()
    )
    return parsed.as_national if own else parsed.as_international


def phone_href(number: PhoneNumber | str | None) -> str:
    """The tel: link of a number: ``tel:+447700900123``; empty for none or one that cannot be
    dialled."""
    e164 = phone_e164(number)
    return f"tel:{e164}" if e164 else ""


def validate_dialable_phone(value: PhoneNumber | str | None) -> None:
    """The model's own check: a stored number must be one that can be dialled."""
    if value and not phone_e164(value):
        raise ValidationError(_("This phone number cannot be called."), code="invalid_phone")


class PhoneField(PhoneNumberField):
    """django-phonenumber-field's PhoneNumberField, holding any number that can be dialled
    (``is_dialable``) and storing each as E.164. The stock field keeps a number outside an
    allocated range as typed, and its validator refuses it."""

    default_validators = [validate_dialable_phone]

    def get_prep_value(self, value: Any) -> Any:
        parsed = super(PhoneNumberField, self).get_prep_value(value)
        if not parsed:
            return parsed
        return phone_e164(parsed) or getattr(parsed, "raw_input", str(parsed))
