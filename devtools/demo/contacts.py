"""Invented contact details for the demo patients (issue 11), read by the parser the forms use
(``accounts.phones.phone_parse``) and checked by the model. Saved directly rather than through
``patient_contact_update``, which puts each change on the audit log: seeding is nobody's
access, and the demo reset could not delete staff that the append-only log points at.

Every number is in the UK's drama range: Ofcom reserves 07700 900000-900999 for fiction, so no
demo number reaches a real phone. Some patients name an emergency contact, some a best time to
call, some neither, as real patients would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from accounts.models import Patient
from accounts.phones import phone_parse
from accounts.services import CONTACT_FIELDS


@dataclass(frozen=True)
class DemoContact:
    phone: str
    best_time_to_call: str = ""
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""


def _drama(number: int) -> str:
    """A UK number reserved for fiction: 07700 900000-900999."""
    return f"07700 900{number:03d}"


CONTACTS: dict[str, DemoContact] = {
    "grace": DemoContact(_drama(101), "Weekdays after 5 pm", "Daniel Hill (husband)", _drama(201)),
    "marcus": DemoContact(_drama(102), "Mornings before 9"),
    "priya": DemoContact(_drama(103), "Any time", "Anika Shah (sister)", _drama(203)),
    "owen": DemoContact(_drama(104)),
    "helen": DemoContact(_drama(105), "Afternoons", "Rob Carter (son)", _drama(205)),
    "david": DemoContact(_drama(106), "Lunchtime, 12 to 2"),
    "amira": DemoContact(_drama(107), "Evenings", "Yusuf Haddad (partner)", _drama(207)),
    "frank": DemoContact(_drama(108), "Mornings", "Joan Moore (wife)", _drama(208)),
    "sofia": DemoContact(_drama(109)),
    "brian": DemoContact(_drama(110), "After 6 pm"),
    "lena": DemoContact(_drama(111), "Weekdays 9 to 5", "Max Fischer (partner)", _drama(211)),
    "marco": DemoContact(_drama(112), "Mornings (Spanish time)", "Lucia Rossi (wife)", _drama(212)),
}


def seed_contacts(patients: Mapping[str, Patient]) -> None:
    """Contact details for the demo patients given (by story key); kept when a patient has a
    phone number already."""
    for key, patient in patients.items():
        contact = CONTACTS.get(key)
        if contact is None or patient.phone:
            continue
        region = patient.clinic.phone_region
        patient.phone = phone_parse(contact.phone, region) or ""
        patient.best_time_to_call = contact.best_time_to_call
        patient.emergency_contact_name = contact.emergency_contact_name
        patient.emergency_contact_phone = phone_parse(contact.emergency_contact_phone, region) or ""
        patient.full_clean(exclude=["user", "clinic", "therapists"])
        patient.save(update_fields=[*CONTACT_FIELDS])
