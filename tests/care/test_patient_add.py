"""Adding a patient: the login, caseload link and intake are saved together, then the email."""

import pytest
from django.urls import reverse

from accounts.models import Invitation, Patient, User
from symptoms.models import Intake
from tests.accounts.conftest import invitation_path, patient_post
from tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db

URL = reverse("care:patient_add")


def _add(client, capture, data=None, **headers):
    with capture(execute=True):
        return client.post(URL, data or patient_post(), headers=headers)


def _nothing_saved():
    return not User.objects.filter(email="nina@example.test").exists()


def test_therapist_gets_the_form(therapist_client):
    response = therapist_client.get(URL)
    assert response.status_code == 200
    assert 'name="baseline_regions"' in response.text
    assert 'value="left_foot"' in response.text
    # A therapist is the patient's therapist: no picker.
    assert 'name="therapists"' not in response.text


def test_therapist_adds_a_patient_who_joins_their_caseload(
    therapist, therapist_client, mailoutbox, django_capture_on_commit_callbacks
):
    response = _add(therapist_client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:caseload")

    patient = Patient.objects.get(user__email="nina@example.test")
    assert patient.clinic == therapist.clinic
    assert list(patient.therapists.all()) == [therapist]
    assert patient.user.role == User.Role.PATIENT
    assert not patient.user.has_usable_password()
    intake = Intake.objects.get(patient=patient)
    assert intake.baseline_pain == 4
    assert sorted(intake.baseline_regions) == ["left_thigh", "lower_back"]
    assert intake.diabetes is True
    assert intake.cancer_history is False
    assert intake.updated_by == therapist
    assert Invitation.objects.filter(user=patient.user, used_at__isnull=True).count() == 1

    caseload = therapist_client.get(reverse("dashboard:caseload"))
    assert "Nina Newcombe" in caseload.text
    assert len(mailoutbox) == 1
    assert invitation_path(mailoutbox[0]).startswith("/accounts/invitation/")


def test_email_is_stored_in_lower_case(therapist_client, django_capture_on_commit_callbacks):
    _add(
        therapist_client,
        django_capture_on_commit_callbacks,
        patient_post(email="Nina@Example.TEST"),
    )
    assert Patient.objects.filter(user__email="nina@example.test").exists()


def test_patient_time_zone_is_saved(therapist_client, django_capture_on_commit_callbacks):
    _add(
        therapist_client,
        django_capture_on_commit_callbacks,
        patient_post(time_zone="Europe/Madrid"),
    )
    assert Patient.objects.get(user__email="nina@example.test").time_zone == "Europe/Madrid"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "PAT@example.test"}, "already has an account"),
        ({"email": "not-an-email"}, "valid email address"),
        ({"full_name": "  "}, "This field is required"),
        ({"baseline_pain": "11"}, "less than or equal to 10"),
        ({"baseline_pain": "-1"}, "greater than or equal to 0"),
        ({"baseline_pain": None}, "This field is required"),
        ({"baseline_regions": ["left_foot", "left_wing"]}, "Select a valid choice"),
        ({"time_zone": "Mars/Olympus_Mons"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_saved(
    patient, therapist_client, mailoutbox, django_capture_on_commit_callbacks, overrides, message
):
    users_before = User.objects.count()
    response = _add(therapist_client, django_capture_on_commit_callbacks, patient_post(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert User.objects.count() == users_before
    assert mailoutbox == []


def test_clinic_admin_picks_the_therapists(
    clinic_admin_client, therapist, other_therapist, django_capture_on_commit_callbacks
):
    page = clinic_admin_client.get(URL)
    assert 'name="therapists"' in page.text
    assert "Owen Other" in page.text
    data = patient_post(therapists=[str(other_therapist.pk)])
    response = _add(clinic_admin_client, django_capture_on_commit_callbacks, data)
    assert response.status_code == 302
    patient = Patient.objects.get(user__email="nina@example.test")
    assert list(patient.therapists.all()) == [other_therapist]


def test_clinic_admin_must_pick_a_therapist(
    clinic_admin_client, therapist, django_capture_on_commit_callbacks
):
    response = _add(clinic_admin_client, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert _nothing_saved()


def test_clinic_admin_cannot_pick_another_clinics_therapist(
    clinic_admin_client, therapist, other_clinic, django_capture_on_commit_callbacks
):
    stranger = TherapistFactory(clinic=other_clinic)
    data = patient_post(therapists=[str(stranger.pk)])
    response = _add(clinic_admin_client, django_capture_on_commit_callbacks, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert _nothing_saved()


def test_patient_gets_404(patient_client, django_capture_on_commit_callbacks):
    assert patient_client.get(URL).status_code == 404
    assert _add(patient_client, django_capture_on_commit_callbacks).status_code == 404
    assert _nothing_saved()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_wrong_method_gets_405(therapist_client):
    assert therapist_client.put(URL).status_code == 405


def test_htmx_invalid_post_gets_the_form_fragment(
    therapist_client, django_capture_on_commit_callbacks
):
    response = _add(
        therapist_client,
        django_capture_on_commit_callbacks,
        patient_post(baseline_pain="12"),
        HX_Request="true",
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="patient-add-form"')
    assert "<html" not in response.text
    assert "less than or equal to 10" in response.text
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_htmx_valid_post_is_told_where_to_go(therapist_client, django_capture_on_commit_callbacks):
    response = _add(therapist_client, django_capture_on_commit_callbacks, HX_Request="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("dashboard:caseload")
    assert not _nothing_saved()


def test_clinic_admin_without_therapists_is_told_to_add_one_first(clinic_admin_client):
    response = clinic_admin_client.get(URL)
    assert response.status_code == 200
    assert "Add a therapist first" in response.text
