"""Django admin: accounts are manageable by email; clinical records are read-only there."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.auth_helpers import login_verified
from tests.factories import PTSessionFactory, SymptomEntryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(clinic):
    superuser = UserFactory(
        email="root@example.test", role=User.Role.CLINIC_ADMIN, is_staff=True, is_superuser=True
    )
    return login_verified(Client(), superuser)


@pytest.mark.parametrize(
    "model",
    [
        "accounts/clinic",
        "accounts/user",
        "accounts/patient",
        "accounts/invitation",
        "symptoms/intake",
        "symptoms/ptsession",
        "symptoms/symptomentry",
        "symptoms/dailysummary",
    ],
)
def test_admin_changelists_load(admin_client, patient, model):
    PTSessionFactory(patient=patient)
    SymptomEntryFactory(patient=patient)
    response = admin_client.get(f"/admin/{model}/")
    assert response.status_code == 200


def test_admin_creates_a_user_by_email(admin_client, clinic):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.test",
            "full_name": "New Person",
            "role": "therapist",
            "clinic": clinic.pk,
            "usable_password": "false",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.test")
    assert user.role == "therapist"
    assert not user.has_usable_password()


def test_admin_user_change_page_loads(admin_client, therapist):
    response = admin_client.get(reverse("admin:accounts_user_change", args=[therapist.pk]))
    assert response.status_code == 200
    assert "tess@example.test" in response.text


def test_clinical_records_are_read_only_in_admin(admin_client, patient):
    entry = SymptomEntryFactory(patient=patient)
    session = PTSessionFactory(patient=patient)
    assert admin_client.get(reverse("admin:symptoms_symptomentry_add")).status_code == 403
    assert admin_client.get(reverse("admin:symptoms_ptsession_add")).status_code == 403
    delete = reverse("admin:symptoms_symptomentry_delete", args=[entry.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    change = admin_client.post(
        reverse("admin:symptoms_ptsession_change", args=[session.pk]), {"kind": "review"}
    )
    assert change.status_code == 403
    session.refresh_from_db()
    assert session.kind == "treatment"


def test_invitation_admin_does_not_show_the_token_hash(admin_client, invited_patient):
    invitation = invited_patient.user.invitations.get()
    response = admin_client.get(reverse("admin:accounts_invitation_change", args=[invitation.pk]))
    assert response.status_code == 200
    assert invitation.token_hash not in response.text
