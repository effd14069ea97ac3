"""A patient's contact details (issue 11): phone numbers read in the clinic's region and stored
as E.164, a clear message for a number that cannot be dialled, the patient's own "My details"
page, the clinician's add-patient and intake pages, the audit log and the data export."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Patient
from accounts.phones import phone_display, phone_href, phone_parse
from accounts.services import patient_contact_update
from audit.models import AuditEvent
from tests.accounts.conftest import patient_post

pytestmark = pytest.mark.django_db

MY_DETAILS = reverse("accounts:my_details")


# --- Parsing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("07700 900123", "GB", "+447700900123"),
        ("07700-900-123", "GB", "+447700900123"),
        ("+44 (0)7700 900123", "ES", "+447700900123"),
        ("0044 7700 900123", "GB", "+447700900123"),
        ("612 34 56 78", "ES", "+34612345678"),
        ("(202) 555-0143", "US", "+12025550143"),
        ("+1 202 555 0143", "GB", "+12025550143"),
    ],
)
def test_numbers_are_read_in_the_clinic_s_region_and_stored_as_e164(typed, region, stored):
    assert phone_parse(typed, region).as_e164 == stored


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("12", "too short"),
        ("07700 90", "too short"),
        ("07700 900123 999", "too many digits"),
        ("call me", "can be called"),
        ("+999 123 456", "can be called"),
        ("x" * 40, "too many digits"),
    ],
)
def test_a_number_that_cannot_be_dialled_gets_a_clear_message(typed, says):
    with pytest.raises(ValidationError) as raised:
        phone_parse(typed, "GB")
    (message,) = raised.value.messages
    assert says in message
    assert "for example" in message


def test_an_empty_number_is_none():
    assert phone_parse("  ", "GB") is None


def test_numbers_are_shown_nationally_at_home_and_internationally_abroad():
    assert phone_display("+447700900123", "GB") == "07700 900123"
    assert phone_display("+447700900123", "ES") == "+44 7700 900123"
    assert phone_href("+447700900123") == "tel:+447700900123"
    assert phone_href("") == ""


def test_an_emergency_contact_number_needs_a_name_in_the_database_too(patient):
    patient.emergency_contact_phone = "+447700900456"
    with pytest.raises(IntegrityError), transaction.atomic():
        patient.save(update_fields=["emergency_contact_phone"])


# --- The patient's own page -----------------------------------------------------------------------


def test_patient_saves_their_details_and_the_change_is_on_the_audit_log(patient_client, patient):
    assert patient_client.get(MY_DETAILS).status_code == 200
    response = patient_client.post(
        MY_DETAILS,
        {
            "phone": "07700 900123",
            "best_time_to_call": "  Weekdays   after 5 pm ",
            "emergency_contact_name": "Sam Example",
            "emergency_contact_phone": "07700 900456",
        },
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.phone.as_e164 == "+447700900123"
    assert patient.emergency_contact_phone.as_e164 == "+447700900456"
    assert patient.best_time_to_call == "Weekdays after 5 pm"
    assert Patient.objects.filter(pk=patient.pk, phone="+447700900123").exists()
    event = AuditEvent.objects.get(patient_id=patient.pk, action="update", detail__startswith="Con")
    assert event.actor == patient.user
    assert "phone" in event.detail and "emergency_contact_name" in event.detail
    assert "07700" not in event.detail  # the log names the fields, not the numbers
    # Shown back as the clinic writes numbers.
    assert 'value="07700 900123"' in patient_client.get(MY_DETAILS).text


def test_an_invalid_number_is_refused_with_a_message_and_nothing_is_saved(patient_client, patient):
    response = patient_client.post(
        MY_DETAILS, {"phone": "0770", "emergency_contact_phone": "07700 900456"}
    )
    assert response.status_code == 200
    assert "This phone number is too short" in response.text
    assert "Give the name of the person to call with their number." in response.text
    patient.refresh_from_db()
    assert not patient.phone and not patient.emergency_contact_phone
    assert not AuditEvent.objects.filter(detail__startswith="Contact details").exists()


def test_saving_the_same_details_again_records_nothing_more(patient):
    data = {"phone": phone_parse("07700 900123", "GB"), "best_time_to_call": "Mornings"}
    assert patient_contact_update(patient, data, actor=patient.user) == [
        "phone",
        "best_time_to_call",
    ]
    again = {"phone": phone_parse("+44 7700 900123", "GB"), "best_time_to_call": "Mornings"}
    assert patient_contact_update(patient, again, actor=patient.user) == []
    assert AuditEvent.objects.filter(detail__startswith="Contact details").count() == 1


@pytest.mark.parametrize("who", ["therapist_client", "clinic_admin_client"])
def test_clinicians_have_no_my_details_page(request, who):
    assert request.getfixturevalue(who).get(MY_DETAILS).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(MY_DETAILS)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_numbers_are_read_in_the_clinic_s_own_region(patient_client, patient, clinic):
    clinic.phone_region = "ES"
    clinic.save(update_fields=["phone_region"])
    patient_client.post(MY_DETAILS, {"phone": "612 34 56 78"})
    patient.refresh_from_db()
    assert patient.phone.as_e164 == "+34612345678"


# --- The clinician's pages ------------------------------------------------------------------------


def test_therapist_adds_a_patient_with_their_phone_number(therapist_client, therapist):
    data = patient_post(
        phone="07700 900321",
        emergency_contact_name="Kim Newcombe",
        emergency_contact_phone="07700 900654",
        best_time_to_call="Evenings",
    )
    response = therapist_client.post(reverse("care:patient_add"), data)
    assert response.status_code == 302
    patient = Patient.objects.get(user__email="nina@example.test")
    assert str(patient.phone) == "+447700900321"
    assert patient.emergency_contact_name == "Kim Newcombe"
    assert patient.best_time_to_call == "Evenings"
    assert AuditEvent.objects.filter(patient_id=patient.pk, actor=therapist, action="update")


def test_adding_a_patient_with_a_bad_number_saves_nobody(therapist_client):
    response = therapist_client.post(reverse("care:patient_add"), patient_post(phone="123"))
    assert response.status_code == 200
    assert "This phone number is too short" in response.text
    assert not Patient.objects.filter(user__email="nina@example.test").exists()


def test_therapist_sets_the_phone_number_on_the_intake_page(therapist_client, patient):
    url = reverse("symptoms:intake_edit", args=[patient.pk])
    assert 'name="phone"' in therapist_client.get(url).text
    response = therapist_client.post(
        url, {"baseline_pain": "7", "phone": "07700 900777", "best_time_to_call": "Any time"}
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert str(patient.phone) == "+447700900777"
    assert patient.intake.baseline_pain == 7


def test_a_bad_number_on_the_intake_page_keeps_the_intake_unsaved(therapist_client, patient):
    url = reverse("symptoms:intake_edit", args=[patient.pk])
    response = therapist_client.post(url, {"baseline_pain": "7", "phone": "not a number"})
    assert response.status_code == 200
    assert "Enter a phone number that can be called" in response.text
    assert Patient.objects.get(pk=patient.pk).intake.baseline_pain != 7
    assert not Patient.objects.get(pk=patient.pk).phone


# --- The data export ------------------------------------------------------------------------------


def test_the_patient_s_data_export_holds_their_contact_details(patient_client, patient):
    patient_contact_update(
        patient,
        {
            "phone": phone_parse("07700 900123", "GB"),
            "emergency_contact_name": "Sam Example",
            "emergency_contact_phone": phone_parse("07700 900456", "GB"),
            "best_time_to_call": "Mornings",
        },
        actor=patient.user,
    )
    data = json.loads(patient_client.get(reverse("rights:export_json")).content)["patient"]
    assert data["phone"] == "+447700900123"
    assert data["emergency_contact_name"] == "Sam Example"
    assert data["emergency_contact_phone"] == "+447700900456"
    assert data["best_time_to_call"] == "Mornings"
