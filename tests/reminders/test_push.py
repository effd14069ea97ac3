"""Reminders by Web Push (issue 17): where the patient turned them on, a reminder goes to each
browser as a push, exactly once, through the scheduler; by email otherwise. The push endpoint
is a server on loopback that decrypts each message with the subscription's keys."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from core.models import OutboxMessage
from reminders.choices import PushState
from reminders.delivery import NOT_MINE, push_deliver
from reminders.models import PushDelivery, PushSubscription, ReminderDispatch
from reminders.push import push_subscribe
from reminders.services import reminders_revoke
from tests.reminders.conftest import DAY, WORKING_MAIL, add_session, at, run_at
from tests.reminders.push_endpoint import Browser, PushEndpoint, vapid_claims
from tests.reminders.push_endpoint import b64url as b64

pytestmark = pytest.mark.django_db


def _keys() -> dict[str, str]:
    out = StringIO()
    call_command("generate_vapid_keys", "--subject", "mailto:clinic@example.test", stdout=out)
    return dict(line.split("=", 1) for line in out.getvalue().split())


@pytest.fixture
def vapid(settings):
    keys = _keys()
    settings.WEBPUSH_VAPID_PUBLIC_KEY = keys["WEBPUSH_VAPID_PUBLIC_KEY"]
    settings.WEBPUSH_VAPID_PRIVATE_KEY = keys["WEBPUSH_VAPID_PRIVATE_KEY"]
    settings.WEBPUSH_VAPID_SUBJECT = keys["WEBPUSH_VAPID_SUBJECT"]
    settings.MAILERS = WORKING_MAIL
    mail.outbox = []
    return keys


@pytest.fixture
def push_service():
    with PushEndpoint() as endpoint:
        yield endpoint


def _subscribe(patient, push_service, path="/push/phone", browser=None):
    browser = browser or Browser()
    push_subscribe(patient, push_service.url(path), browser.p256dh, b64(browser.auth))
    return browser


def _evening(patient, therapist, time_machine):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)


def test_a_reminder_goes_by_push_once_and_says_nothing_about_health(
    patient, therapist, time_machine, vapid, push_service
):
    browser = _subscribe(patient, push_service)
    _evening(patient, therapist, time_machine)
    assert run_at(time_machine, at(DAY, "18:00")) == {"sent": 1, "pushed": 1}
    for minute in ("18:00", "18:05", "19:00", "23:55"):
        run_at(time_machine, at(DAY, minute))

    (received,) = push_service.received
    message = browser.decrypt(received.body)
    assert message == {
        "title": "PT Tracker",
        "body": "Time for your check-in",
        "url": "/symptoms/log/?context=after_session",
        "tag": "after_session",
    }
    assert received.headers["content-encoding"] == "aes128gcm"
    assert int(received.headers["ttl"]) == 6 * 60 * 60
    dispatch = ReminderDispatch.objects.get()
    assert received.headers["topic"] == f"reminder-{dispatch.pk}"
    claims = vapid_claims(received.headers, vapid["WEBPUSH_VAPID_PUBLIC_KEY"])
    assert claims["aud"] == push_service.origin
    assert claims["sub"] == "mailto:clinic@example.test"
    # By push, so not by email.
    assert mail.outbox == [] and not OutboxMessage.objects.exists()
    delivery = PushDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (PushState.SENT, 1)
    assert push_deliver(delivery.pk) == NOT_MINE
    assert len(push_service.received) == 1


def test_each_of_the_patients_browsers_gets_it_once(
    patient, therapist, time_machine, vapid, push_service
):
    phone = _subscribe(patient, push_service, "/push/phone")
    laptop = _subscribe(patient, push_service, "/push/laptop")
    _evening(patient, therapist, time_machine)
    run_at(time_machine, at(DAY, "18:00"))
    run_at(time_machine, at(DAY, "18:05"))
    by_path = {r.path: r for r in push_service.received}
    assert sorted(by_path) == ["/push/laptop", "/push/phone"]
    assert phone.decrypt(by_path["/push/phone"].body)["body"] == "Time for your check-in"
    assert laptop.decrypt(by_path["/push/laptop"].body)["body"] == "Time for your check-in"


def test_a_patient_without_a_subscription_gets_the_email(
    patient, therapist, time_machine, vapid, push_service
):
    _evening(patient, therapist, time_machine)
    run_at(time_machine, at(DAY, "18:00"))
    assert len(mail.outbox) == 1
    assert push_service.received == []


def test_without_vapid_keys_reminders_go_by_email(
    patient, therapist, time_machine, vapid, push_service, settings
):
    _subscribe(patient, push_service)
    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
    _evening(patient, therapist, time_machine)
    run_at(time_machine, at(DAY, "18:00"))
    assert len(mail.outbox) == 1
    assert push_service.received == []


@pytest.mark.parametrize("status", [404, 410])
def test_an_expired_subscription_is_removed_and_the_reminder_goes_by_email(
    patient, therapist, time_machine, vapid, push_service, status
):
    _subscribe(patient, push_service, "/push/expired")
    push_service.status["/push/expired"] = status
    _evening(patient, therapist, time_machine)
    run_at(time_machine, at(DAY, "18:00"))
    run_at(time_machine, at(DAY, "18:05"))
    assert not PushSubscription.objects.exists()
    assert PushDelivery.objects.get().state == PushState.GONE
    assert len(push_service.received) == 1
    (email,) = mail.outbox
    assert email.subject == "How do you feel after your session today?"


def test_one_expired_browser_of_two_leaves_the_push_to_the_other(
    patient, therapist, time_machine, vapid, push_service
):
    _subscribe(patient, push_service, "/push/expired")
    _subscribe(patient, push_service, "/push/phone")
    push_service.status["/push/expired"] = 410
    _evening(patient, therapist, time_machine)
    run_at(time_machine, at(DAY, "18:00"))
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        push_service.url("/push/phone")
    ]
    assert mail.outbox == []


def test_a_failed_push_is_tried_again_by_the_next_run_and_arrives_once(
    patient, therapist, time_machine, vapid, push_service
):
    browser = _subscribe(patient, push_service)
    push_service.status["/push/phone"] = 503
    _evening(patient, therapist, time_machine)
    run_at(time_machine, at(DAY, "18:00"))
    assert PushDelivery.objects.get().state == PushState.FAILED
    push_service.status["/push/phone"] = 201
    assert run_at(time_machine, at(DAY, "18:05")) == {"pushed": 1}
    run_at(time_machine, at(DAY, "18:10"))
    assert [r.path for r in push_service.received] == ["/push/phone", "/push/phone"]
    assert browser.decrypt(push_service.received[-1].body)["body"] == "Time for your check-in"
    assert PushDelivery.objects.get().state == PushState.SENT
    assert mail.outbox == []


def test_a_push_still_failing_when_the_reminder_is_stale_is_given_up(
    patient, therapist, time_machine, vapid, push_service
):
    _subscribe(patient, push_service)
    push_service.status["/push/phone"] = 500
    _evening(patient, therapist, time_machine)
    run_at(time_machine, at(DAY, "18:00"))
    run_at(time_machine, at(DAY, "23:59"))
    received = len(push_service.received)
    run_at(time_machine, at(DAY + DAY.resolution, "01:00"))
    assert len(push_service.received) == received
    assert PushDelivery.objects.get().state == PushState.GIVEN_UP


# --- Turning it on and off -------------------------------------------------------------------

PUSH_URL = reverse("reminders:push_subscription")


def _post(client, body):
    return client.post(PUSH_URL, json.dumps(body), content_type="application/json")


def test_the_patient_turns_push_on_and_off_in_a_browser(patient_client, patient, vapid):
    browser = Browser()
    endpoint = "https://push.example.test/send/abc"
    body = {"endpoint": endpoint, "keys": {"p256dh": browser.p256dh, "auth": b64(browser.auth)}}
    assert _post(patient_client, body).status_code == 201
    assert _post(patient_client, body).status_code == 201  # again: still one
    subscription = PushSubscription.objects.get()
    assert (subscription.patient, subscription.endpoint) == (patient, endpoint)
    assert _post(patient_client, {"endpoint": endpoint, "off": True}).json() == {"push": False}
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"endpoint": "https://push.example.test/a", "keys": {"p256dh": "short", "auth": "x"}},
        {"endpoint": "javascript:alert(1)", "keys": {"p256dh": "", "auth": ""}},
        {"endpoint": ["not", "a", "string"]},
        {"endpoint": "https://push.example.test/a", "keys": "nope"},
    ],
)
def test_a_subscription_that_cannot_be_used_is_refused_with_a_message(patient_client, body):
    response = _post(patient_client, body)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_a_body_that_is_not_json_is_refused(patient_client):
    response = patient_client.post(PUSH_URL, "{", content_type="application/json")
    assert response.status_code == 400


def test_a_patient_cannot_turn_off_another_patients_browser(
    patient_client, other_patient, push_service, vapid
):
    _subscribe(other_patient, push_service, "/push/olive")
    _post(patient_client, {"endpoint": push_service.url("/push/olive"), "off": True})
    assert PushSubscription.objects.get().patient == other_patient


def test_the_reminders_page_offers_push_only_with_keys(patient_client, settings, vapid):
    html = patient_client.get(reverse("reminders:preferences")).content.decode()
    assert f'data-push-key="{vapid["WEBPUSH_VAPID_PUBLIC_KEY"]}"' in html
    assert "Turn on reminders on this phone" in html
    settings.WEBPUSH_VAPID_PUBLIC_KEY = ""
    html = patient_client.get(reverse("reminders:preferences")).content.decode()
    assert "Turn on reminders on this phone" not in html


def test_generate_vapid_keys_prints_a_working_pair_as_env_lines():
    keys = _keys()
    assert set(keys) == {
        "WEBPUSH_VAPID_PUBLIC_KEY",
        "WEBPUSH_VAPID_PRIVATE_KEY",
        "WEBPUSH_VAPID_SUBJECT",
    }
    assert len(keys["WEBPUSH_VAPID_PUBLIC_KEY"]) == 87  # 65 bytes, base64url
    assert len(keys["WEBPUSH_VAPID_PRIVATE_KEY"]) == 43  # 32 bytes
    assert _keys()["WEBPUSH_VAPID_PRIVATE_KEY"] != keys["WEBPUSH_VAPID_PRIVATE_KEY"]


def test_closing_the_account_removes_its_browsers_and_stops_pushes_not_yet_sent(
    patient, therapist, time_machine, vapid, push_service
):
    """A closed account gets no push (issue 11 with issue 17): its subscriptions go, and a
    push that failed and waits for the next run is given up, not retried."""
    _subscribe(patient, push_service)
    push_service.status["/push/phone"] = 503
    _evening(patient, therapist, time_machine)
    run_at(time_machine, at(DAY, "18:00"))
    assert PushDelivery.objects.get().state == PushState.FAILED
    reminders_revoke(patient)
    push_service.status["/push/phone"] = 201
    run_at(time_machine, at(DAY, "18:05"))
    assert [r.path for r in push_service.received] == ["/push/phone"]
    assert PushDelivery.objects.get().state == PushState.GONE
    assert not PushSubscription.objects.exists()
