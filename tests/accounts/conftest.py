"""Helpers for the accounts tests: form submissions and links out of emails."""

import re
from urllib.parse import urlparse

import pytest

from accounts.models import Patient
from care.services import patient_add_with_intake

LINK = re.compile(r"https?://[^\s\"<>]+")


def link_path(message, contains: str) -> str:
    """The path of the first link in an email's text body that contains `contains`."""
    for url in LINK.findall(message.body):
        if contains in url:
            return urlparse(url).path
    raise AssertionError(f"No link containing {contains!r} in: {message.body}")


def invitation_path(message) -> str:
    return link_path(message, "/accounts/invitation/")


def patient_post(**overrides) -> dict:
    """A complete, valid submission of the add-patient form; None drops a key."""
    data = {
        "full_name": "Nina Newcombe",
        "email": "nina@example.test",
        "time_zone": "",
        "conditions": "L5 radiculopathy, left",
        "baseline_pain": "4",
        "baseline_regions": ["lower_back", "left_thigh"],
        "diabetes": "on",
    }
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@pytest.fixture
def invited_patient(clinic, therapist, mailoutbox, django_capture_on_commit_callbacks):
    """A patient added by `therapist` who has not set a password yet; the email is in the box."""
    with django_capture_on_commit_callbacks(execute=True):
        patient = patient_add_with_intake(
            clinic=clinic,
            full_name="Nina Newcombe",
            email="nina@example.test",
            therapists=[therapist],
            intake={"conditions": "", "baseline_pain": 3, "baseline_regions": []},
            actor=therapist,
        )
    assert isinstance(patient, Patient)
    return patient
