"""Invitation links: set a password once, within INVITATION_VALID_DAYS, then log in."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import InvitationUnusable, invitation_accept
from tests.accounts.conftest import invitation_path

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "river-stone-lantern-42"


def _set_password(client, path, password=NEW_PASSWORD, again=None):
    return client.post(path, {"new_password1": password, "new_password2": again or password})


def test_invitation_email_has_text_and_html_with_a_working_link(invited_patient, mailoutbox):
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["nina@example.test"]
    assert "Riverside Physio" in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    path = invitation_path(message)
    assert path in html


def test_only_the_token_hash_is_stored(invited_patient, mailoutbox):
    token = invitation_path(mailoutbox[0]).rstrip("/").rsplit("/", 1)[-1]
    invitation = Invitation.objects.get(user=invited_patient.user)
    assert token not in invitation.token_hash
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_invitation_link_sets_password_and_logs_the_patient_in(client, invited_patient, mailoutbox):
    path = invitation_path(mailoutbox[0])

    page = client.get(path)
    assert page.status_code == 200
    assert "nina@example.test" in page.text

    response = _set_password(client, path)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(invited_patient.user.pk)
    invited_patient.user.refresh_from_db()
    assert invited_patient.user.check_password(NEW_PASSWORD)
    assert Invitation.objects.get(user=invited_patient.user).used_at is not None


def test_used_link_gets_a_clear_410_page(client, invited_patient, mailoutbox):
    path = invitation_path(mailoutbox[0])
    _set_password(client, path)
    client.logout()

    again = client.get(path)
    assert again.status_code == 410
    assert "already been used" in again.text
    post_again = _set_password(client, path, password="another-pass-9876")
    assert post_again.status_code == 410
    invited_patient.user.refresh_from_db()
    assert invited_patient.user.check_password(NEW_PASSWORD)


def test_expired_link_gets_a_clear_410_page(client, invited_patient, mailoutbox, settings):
    path = invitation_path(mailoutbox[0])
    later = timezone.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS, seconds=1)
    with time_machine.travel(later, tick=False):
        response = client.get(path)
        posted = _set_password(client, path)
    assert response.status_code == 410
    assert "too old" in response.text
    assert "Ask Riverside Physio to send you a new link" in response.text
    assert posted.status_code == 410
    invited_patient.user.refresh_from_db()
    assert not invited_patient.user.has_usable_password()


def test_link_still_works_just_before_it_expires(client, invited_patient, mailoutbox, settings):
    path = invitation_path(mailoutbox[0])
    almost = timezone.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS, seconds=-60)
    with time_machine.travel(almost, tick=False):
        assert _set_password(client, path).status_code == 302


def test_unknown_token_gets_404_page(client, db):
    response = client.get(reverse("accounts:invitation_accept", args=["no-such-token"]))
    assert response.status_code == 404
    assert "could not find this link" in response.text


def test_tampered_token_gets_404_and_changes_nothing(client, invited_patient, mailoutbox):
    path = invitation_path(mailoutbox[0])
    tampered = path[:-2] + ("A" if path[-2] != "A" else "B") + "/"
    assert _set_password(client, tampered).status_code == 404
    invited_patient.user.refresh_from_db()
    assert not invited_patient.user.has_usable_password()


def test_weak_password_is_refused_and_the_link_still_works(client, invited_patient, mailoutbox):
    path = invitation_path(mailoutbox[0])
    response = _set_password(client, path, password="12345")
    assert response.status_code == 200
    assert "too short" in response.text
    assert Invitation.objects.get(user=invited_patient.user).used_at is None
    assert _set_password(client, path).status_code == 302


def test_mismatched_passwords_are_refused(client, invited_patient, mailoutbox):
    path = invitation_path(mailoutbox[0])
    response = _set_password(client, path, again="something-else-entirely")
    assert response.status_code == 200
    assert Invitation.objects.get(user=invited_patient.user).used_at is None


def test_invitation_page_wrong_method_gets_405(client, invited_patient, mailoutbox):
    assert client.put(invitation_path(mailoutbox[0])).status_code == 405


def test_accepting_the_same_invitation_twice_fails_the_second_time(invited_patient):
    invitation = Invitation.objects.get(user=invited_patient.user)
    invitation_accept(invitation, NEW_PASSWORD)
    with pytest.raises(InvitationUnusable):
        invitation_accept(invitation, "a-different-password-77")


# Resending ------------------------------------------------------------------------------------


def _resend(client, patient, capture):
    with capture(execute=True):
        return client.post(reverse("accounts:patient_invitation_resend", args=[patient.pk]))


def test_resend_sends_a_new_link_and_the_old_one_stops_working(
    client, therapist_client, invited_patient, mailoutbox, django_capture_on_commit_callbacks
):
    old_path = invitation_path(mailoutbox[0])
    response = _resend(therapist_client, invited_patient, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "symptoms:patient_sessions", kwargs={"patient_pk": invited_patient.pk}
    )
    assert len(mailoutbox) == 2
    new_path = invitation_path(mailoutbox[1])
    assert new_path != old_path

    old = client.get(old_path)
    assert old.status_code == 410
    assert "newer link" in old.text
    assert _set_password(client, new_path).status_code == 302


def test_resend_for_a_patient_with_a_password_sends_nothing(
    therapist_client, patient, mailoutbox, django_capture_on_commit_callbacks
):
    response = _resend(therapist_client, patient, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert mailoutbox == []
    assert not Invitation.objects.filter(user=patient.user).exists()


def test_other_therapist_gets_404_on_resend(
    other_therapist_client, invited_patient, mailoutbox, django_capture_on_commit_callbacks
):
    response = _resend(other_therapist_client, invited_patient, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert len(mailoutbox) == 1


def test_patient_gets_404_on_resend(client, invited_patient, django_capture_on_commit_callbacks):
    client.force_login(invited_patient.user)
    assert _resend(client, invited_patient, django_capture_on_commit_callbacks).status_code == 404


def test_clinic_admin_may_resend(
    clinic_admin_client, invited_patient, mailoutbox, django_capture_on_commit_callbacks
):
    response = _resend(clinic_admin_client, invited_patient, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(mailoutbox) == 2


def test_resend_by_get_gets_405(therapist_client, invited_patient):
    url = reverse("accounts:patient_invitation_resend", args=[invited_patient.pk])
    assert therapist_client.get(url).status_code == 405


def test_a_failing_mail_server_leaves_the_invitation_in_the_outbox_and_the_patient_saved(
    therapist_client, settings, caplog, django_capture_on_commit_callbacks
):
    from accounts.models import Patient
    from core.models import OutboxMessage
    from tests.accounts.conftest import patient_post

    settings.MAILERS = {"default": {"BACKEND": "tests.redflags.mail_backends.DownEmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = therapist_client.post(reverse("care:patient_add"), patient_post())
    assert response.status_code == 302
    patient = Patient.objects.get(user__email="nina@example.test")
    invitation = Invitation.objects.get(user=patient.user)
    message = OutboxMessage.objects.get(kind="invitation")
    assert (message.dedup_key, message.recipients, message.clinic_id) == (
        f"invitation-{invitation.pk}",
        ["nina@example.test"],
        patient.clinic_id,
    )
    # Tried once, failed, and waiting for its retry.
    assert (message.state, message.attempts) == ("pending", 1)
    assert "SMTPServerDisconnected" in message.last_error
    assert "attempt 1 failed" in caplog.text
