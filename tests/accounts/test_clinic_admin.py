"""Clinic admins: their therapists (list, add with an invitation, resend) and clinic settings."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Clinic, Invitation, User
from tests.accounts.conftest import invitation_path
from tests.auth_helpers import totp_device_for
from tests.factories import PatientFactory, TherapistFactory

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:therapist_list")
ADD = reverse("accounts:therapist_add")
SETTINGS = reverse("accounts:clinic_settings")


# Therapist list -------------------------------------------------------------------------------


def test_clinic_admin_sees_their_clinics_therapists_with_caseload_sizes(
    clinic_admin_client, therapist, other_therapist, patient, other_clinic
):
    TherapistFactory(clinic=other_clinic, full_name="Stranger Danger")
    response = clinic_admin_client.get(LIST)
    assert response.status_code == 200
    assert "Tess Therapist" in response.text
    assert "Owen Other" in response.text
    assert "Stranger Danger" not in response.text
    sizes = {row.user.full_name: row.caseload_size for row in response.context["rows"]}
    assert sizes == {"Owen Other": 0, "Tess Therapist": 1}


@pytest.mark.parametrize("size", [2, 8])
def test_therapist_list_queries_do_not_grow_with_the_clinic(
    clinic_admin_client, clinic, django_assert_max_num_queries, size
):
    for _ in range(size):
        PatientFactory(clinic=clinic, therapists=[TherapistFactory(clinic=clinic)])
    with django_assert_max_num_queries(6):
        response = clinic_admin_client.get(LIST)
    assert len(response.context["rows"]) == size


def test_the_list_shows_each_invitation_and_two_step_login(
    clinic_admin_client, clinic, clinic_admin, therapist
):
    """Issue 12: whether each therapist accepted their invitation, is still to, or let it run
    out (with a resend button), and whether two-step login is set up."""
    waiting = TherapistFactory(clinic=clinic, full_name="Wendy Waiting")
    expired = TherapistFactory(clinic=clinic, full_name="Ed Expired")
    for user in (waiting, expired):
        user.set_unusable_password()
        user.save()
    now = timezone.now()
    Invitation.objects.create(
        user=waiting,
        token_hash="a" * 64,
        expires_at=now + timedelta(days=3),
        created_by=clinic_admin,
    )
    Invitation.objects.create(
        user=expired,
        token_hash="b" * 64,
        created_at=now - timedelta(days=20),
        expires_at=now - timedelta(days=6),
        created_by=clinic_admin,
    )
    Invitation.objects.create(
        user=therapist, token_hash="c" * 64, expires_at=now, used_at=now - timedelta(days=1)
    )
    totp_device_for(therapist)
    response = clinic_admin_client.get(LIST)
    rows = {row.user.full_name: row for row in response.context["rows"]}
    assert (rows["Tess Therapist"].invitation, rows["Tess Therapist"].two_step) == (
        "accepted",
        True,
    )
    assert (rows["Wendy Waiting"].invitation, rows["Wendy Waiting"].two_step) == ("waiting", False)
    assert rows["Ed Expired"].invitation == "expired"
    html = response.text
    assert "Sent, not accepted yet" in html and "Expired: not accepted" in html
    assert "Accepted" in html and "Set up" in html and "Not set up yet" in html
    assert html.count("Resend invitation") == 2


@pytest.mark.parametrize("client_name", ["therapist_client", "patient_client"])
def test_others_get_404_on_therapist_pages(request, client_name):
    client = request.getfixturevalue(client_name)
    assert client.get(LIST).status_code == 404
    assert client.get(ADD).status_code == 404
    assert client.get(SETTINGS).status_code == 404


def test_therapist_list_wrong_method_gets_405(clinic_admin_client):
    assert clinic_admin_client.post(LIST).status_code == 405


# Adding a therapist ---------------------------------------------------------------------------


def _add(client, capture, data, **headers):
    with capture(execute=True):
        return client.post(ADD, data, headers=headers)


def test_clinic_admin_adds_a_therapist_who_gets_an_invitation(
    client,
    clinic,
    clinic_admin,
    clinic_admin_client,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    data = {"full_name": "Theo Newman", "email": "Theo@Example.test"}
    response = _add(clinic_admin_client, django_capture_on_commit_callbacks, data)
    assert response.status_code == 302
    assert response["Location"] == LIST
    therapist = User.objects.get(email="theo@example.test")
    assert therapist.role == User.Role.THERAPIST
    assert therapist.clinic == clinic
    assert not therapist.has_usable_password()
    invitation = Invitation.objects.get(user=therapist)
    assert invitation.created_by == clinic_admin

    assert len(mailoutbox) == 1
    assert "as a therapist" in mailoutbox[0].body
    path = invitation_path(mailoutbox[0])
    password = "harbour-lamp-quiet-31"
    accepted = client.post(path, {"new_password1": password, "new_password2": password})
    assert accepted.status_code == 302


def test_adding_a_therapist_with_a_taken_email_is_a_form_error(
    clinic_admin_client, therapist, mailoutbox, django_capture_on_commit_callbacks
):
    data = {"full_name": "Tess Again", "email": "TESS@example.test"}
    response = _add(clinic_admin_client, django_capture_on_commit_callbacks, data)
    assert response.status_code == 200
    assert "already has an account" in response.text
    assert User.objects.filter(email__iexact="tess@example.test").count() == 1
    assert mailoutbox == []


def test_therapist_add_htmx_invalid_post_gets_the_form_fragment(
    clinic_admin_client, django_capture_on_commit_callbacks
):
    response = _add(
        clinic_admin_client,
        django_capture_on_commit_callbacks,
        {"full_name": "", "email": "x"},
        HX_Request="true",
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="therapist-add-form"')


def test_therapist_add_htmx_valid_post_is_told_where_to_go(
    clinic_admin_client, django_capture_on_commit_callbacks
):
    data = {"full_name": "Theo Newman", "email": "theo@example.test"}
    response = _add(
        clinic_admin_client, django_capture_on_commit_callbacks, data, HX_Request="true"
    )
    assert response["HX-Redirect"] == LIST


def test_therapist_add_wrong_method_gets_405(clinic_admin_client):
    assert clinic_admin_client.delete(ADD).status_code == 405


def test_resend_to_a_therapist_who_has_not_set_a_password(
    clinic, clinic_admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    pending = TherapistFactory(clinic=clinic, password="")
    pending.set_unusable_password()
    pending.save()
    url = reverse("accounts:therapist_invitation_resend", args=[pending.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = clinic_admin_client.post(url)
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [pending.email]


def test_other_clinics_admin_gets_404_on_resend(
    other_clinic_admin_client, therapist, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("accounts:therapist_invitation_resend", args=[therapist.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert other_clinic_admin_client.post(url).status_code == 404
    assert mailoutbox == []


def test_therapist_gets_404_on_resend(therapist_client, other_therapist):
    url = reverse("accounts:therapist_invitation_resend", args=[other_therapist.pk])
    assert therapist_client.post(url).status_code == 404


def test_therapist_resend_by_get_gets_405(clinic_admin_client, therapist):
    url = reverse("accounts:therapist_invitation_resend", args=[therapist.pk])
    assert clinic_admin_client.get(url).status_code == 405


# Clinic settings ------------------------------------------------------------------------------


def _settings_post(**overrides):
    data = {
        "name": "Riverside Physio",
        "time_zone": "Europe/Dublin",
        "emergency_number": "112",
        "phone_region": "IE",
        "retention_years": "10",
    }
    data.update(overrides)
    return data


def test_clinic_admin_sees_and_saves_the_settings(clinic, clinic_admin_client):
    page = clinic_admin_client.get(SETTINGS)
    assert page.status_code == 200
    assert 'value="999"' in page.text

    response = clinic_admin_client.post(SETTINGS, _settings_post())
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert (
        clinic.time_zone,
        clinic.emergency_number,
        clinic.phone_region,
        clinic.retention_years,
    ) == ("Europe/Dublin", "112", "IE", 10)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"time_zone": "Atlantis/Capital"}, "Select a valid choice"),
        ({"emergency_number": "call Bob"}, "digits only"),
        ({"emergency_number": ""}, "This field is required"),
        ({"retention_years": "0"}, "greater than or equal to 1"),
        ({"phone_region": "XX"}, "Select a valid choice"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_bad_settings_are_form_errors_and_nothing_changes(
    clinic, clinic_admin_client, overrides, message
):
    response = clinic_admin_client.post(SETTINGS, _settings_post(**overrides))
    assert response.status_code == 200
    assert message in response.text
    clinic.refresh_from_db()
    assert (clinic.time_zone, clinic.emergency_number) == ("Europe/London", "999")


def test_settings_change_only_the_admins_own_clinic(
    clinic, other_clinic, other_clinic_admin_client
):
    other_clinic_admin_client.post(SETTINGS, _settings_post(name="Hilltop Renamed"))
    assert Clinic.objects.get(pk=clinic.pk).name == "Riverside Physio"
    assert Clinic.objects.get(pk=other_clinic.pk).name == "Hilltop Renamed"


def test_settings_htmx_invalid_post_gets_the_form_fragment(clinic_admin_client):
    response = clinic_admin_client.post(
        SETTINGS, _settings_post(emergency_number="x"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="clinic-settings-form"')


def test_settings_wrong_method_gets_405(clinic_admin_client):
    assert clinic_admin_client.put(SETTINGS).status_code == 405
