"""Clinic admins see their clinic's undelivered email (given up, or failing and waiting for the
next attempt), never its text, and retry or discard it, on record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.models import OutboxMessage
from core.outbox import mail_queue

pytestmark = pytest.mark.django_db

LIST = reverse("ops:status")
BODY = "Pat Patient reported numbness: open https://example.test/alert/1/"
SUBJECT = "[PT Tracker] URGENT: R4 function limiting nerve – Pat Patient"


def _email(clinic_id: int, *, to="tess@example.test", state="dead", **fields) -> OutboxMessage:
    message, _created = mail_queue(
        EmailMultiAlternatives(subject=SUBJECT, body=BODY, to=[to]),
        kind="alert",
        clinic_id=clinic_id,
    )
    values = {
        "state": state,
        "attempts": 48 if state == "dead" else 2,
        "last_error": "SMTPRecipientsRefused: 550 No such user",
        "next_attempt_at": timezone.now() + timedelta(minutes=2),
        **fields,
    }
    OutboxMessage.objects.filter(pk=message.pk).update(**values)
    message.refresh_from_db()
    return message


def _retry(pk: int) -> str:
    return reverse("ops:mail_retry", args=[pk])


def _discard(pk: int) -> str:
    return reverse("ops:mail_discard", args=[pk])


def _audited(message: OutboxMessage) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(object_type="core.outboxmessage", object_id=str(message.pk))
        .order_by("pk")
        .values_list("action", "detail")
    )


# --- The list ------------------------------------------------------------------------------------


def test_clinic_admin_sees_dead_and_failing_mail_with_address_attempts_and_error_never_the_text(
    clinic_admin_client, clinic, other_clinic
):
    dead = _email(clinic.pk)
    _email(clinic.pk, to="owen@example.test", state="pending")
    _email(clinic.pk, to="new@example.test", state="pending", attempts=0)  # not failing yet
    _email(clinic.pk, to="done@example.test", state="sent")
    _email(other_clinic.pk, to="elsewhere@example.test")

    response = clinic_admin_client.get(LIST)

    assert response.status_code == 200
    page = response.text
    assert "Undelivered email" in page
    assert "tess@example.test" in page and "owen@example.test" in page
    for hidden in ("new@example.test", "done@example.test", "elsewhere@example.test"):
        assert hidden not in page
    assert "Gave up" in page and "Failed, will retry" in page
    assert "SMTPRecipientsRefused: 550 No such user" in page
    assert '<span class="mail-label">Email</span> Alert</div>' in page
    assert '<span class="mail-label">Attempts</span> 48</div>' in page
    assert BODY not in page and "Pat Patient" not in page and "numbness" not in page
    assert _retry(dead.pk) in page and _discard(dead.pk) in page
    assert "2 emails" in page


def test_the_list_says_when_nothing_is_undelivered(clinic_admin_client):
    assert "Every email was delivered" in clinic_admin_client.get(LIST).text


def test_htmx_gets_the_list_fragment(clinic_admin_client, clinic):
    _email(clinic.pk)
    response = clinic_admin_client.get(LIST, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="undelivered-mail"')
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("client_name", ["therapist_client", "patient_client"])
def test_therapists_and_patients_get_404(request, client_name, clinic):
    client = request.getfixturevalue(client_name)
    message = _email(clinic.pk)
    assert client.get(LIST).status_code == 404
    assert client.post(_retry(message.pk)).status_code == 404
    assert client.post(_discard(message.pk)).status_code == 404
    message.refresh_from_db()
    assert message.state == "dead"


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_wrong_methods_get_405(clinic_admin_client, clinic):
    message = _email(clinic.pk)
    assert clinic_admin_client.post(LIST).status_code == 405
    assert clinic_admin_client.get(_retry(message.pk)).status_code == 405
    assert clinic_admin_client.get(_discard(message.pk)).status_code == 405


@pytest.mark.parametrize("size", [2, 8])
def test_the_list_queries_do_not_grow_with_the_mail(
    clinic_admin_client, clinic, django_assert_max_num_queries, size
):
    for number in range(size):
        _email(clinic.pk, to=f"person{number}@example.test")
    # The middleware's (session, user, two-step verification, audit), the status sections'
    # (due mail, heartbeats, the clinic's zones and due sweep, its last sweeps, backlog, failed
    # deliveries), the banner's one and the page of mail: the same at any size.
    with django_assert_max_num_queries(14):
        response = clinic_admin_client.get(LIST)
    assert len(response.context["page"].object_list) == size


def test_the_navigation_links_the_page_for_clinic_admins_only(
    clinic_admin_client, therapist_client
):
    assert f'href="{LIST}"' in clinic_admin_client.get(reverse("accounts:clinic_settings")).text
    assert f'href="{LIST}"' not in therapist_client.get(reverse("redflags:inbox")).text


# --- Retry now -----------------------------------------------------------------------------------


def test_retry_now_sends_it_again_on_record_and_a_second_click_does_nothing_more(
    clinic_admin_client, clinic, clinic_admin, django_capture_on_commit_callbacks
):
    message = _email(clinic.pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = clinic_admin_client.post(_retry(message.pk))

    assert response.status_code == 302
    assert response["Location"] == LIST
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 49)
    assert [m.to for m in mail.outbox] == [["tess@example.test"]]
    assert _audited(message) == [("update", "Email: retry now")]
    assert AuditEvent.objects.get(object_id=str(message.pk)).actor == clinic_admin

    again = clinic_admin_client.post(_retry(message.pk), follow=True)
    assert "Nothing to retry" in again.text
    assert _audited(message) == [("update", "Email: retry now")]
    assert len(mail.outbox) == 1


def test_retry_now_by_htmx_swaps_the_list_with_the_outcome(clinic_admin_client, clinic):
    message = _email(clinic.pk)

    response = clinic_admin_client.post(_retry(message.pk), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="undelivered-mail"')
    assert "The email to tess@example.test is being sent again." in response.text
    message.refresh_from_db()
    assert message.state == "pending" and message.next_attempt_at <= timezone.now()


def test_another_clinics_admin_gets_404_and_changes_nothing(other_clinic_admin_client, clinic):
    message = _email(clinic.pk)
    assert other_clinic_admin_client.post(_retry(message.pk)).status_code == 404
    assert other_clinic_admin_client.post(_discard(message.pk)).status_code == 404
    message.refresh_from_db()
    assert message.state == "dead"
    assert _audited(message) == []


def test_a_missing_email_is_a_404(clinic_admin_client):
    assert clinic_admin_client.post(_retry(999999)).status_code == 404


# --- Discard -------------------------------------------------------------------------------------


def test_discard_gives_it_up_for_good_on_record_once(clinic_admin_client, clinic):
    message = _email(clinic.pk)

    response = clinic_admin_client.post(_discard(message.pk), follow=True)

    assert response.status_code == 200
    assert "is discarded: it will not be sent" in response.text
    assert "tess@example.test" in response.text  # in the message, no longer in the list
    assert _discard(message.pk) not in response.text
    message.refresh_from_db()
    assert (message.state, message.body_text) == ("discarded", "")
    assert _audited(message) == [("update", "Email: discarded")]

    again = clinic_admin_client.post(_discard(message.pk), headers={"HX-Request": "true"})
    assert again.status_code == 200
    assert "Nothing to discard" in again.text
    assert _audited(message) == [("update", "Email: discarded")]
    assert mail.outbox == []


def test_an_email_too_old_to_send_offers_discard_only(clinic_admin_client, clinic):
    message = _email(clinic.pk, expires_at=timezone.now() - timedelta(hours=1))
    page = clinic_admin_client.get(LIST).text
    assert "too old to send" in page
    assert _retry(message.pk) not in page and _discard(message.pk) in page
