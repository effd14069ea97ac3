"""Triage of alerts (spec.md section 8): every action is recorded with who and when, the
alert's state follows, and nothing is ever deleted."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from redflags.models import Alert, Notification, TriageAction
from redflags.triage import (
    AlertClosed,
    alert_acknowledge,
    alert_contact_log,
    alert_escalate,
    alert_patient_confirm,
    alert_resolve,
)
from tests.factories import AlertFactory

NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def alert(patient):
    return AlertFactory(patient=patient, rule="R7")


def _counts():
    return Alert.objects.count(), TriageAction.objects.count()


# --- Services ----------------------------------------------------------------------------------


def test_acknowledge_records_who_and_when_and_marks_the_alert(alert, therapist):
    with time_machine.travel(NOON, tick=False):
        action = alert_acknowledge(alert, actor=therapist, note="Seen, calling now")
    alert.refresh_from_db()
    assert alert.actions.count() == 1
    assert (action.kind, action.actor, action.created_at, action.note) == (
        "acknowledge",
        therapist,
        NOON,
        "Seen, calling now",
    )
    assert alert.state == "acknowledged"
    assert alert.acknowledged_at == NOON


def test_acknowledging_twice_is_refused_and_records_once(alert, therapist):
    alert_acknowledge(alert, actor=therapist)
    with pytest.raises(AlertClosed):
        alert_acknowledge(alert, actor=therapist)
    assert alert.actions.filter(kind="acknowledge").count() == 1


def test_contact_log_records_the_method_and_note_and_acknowledges(alert, therapist):
    with time_machine.travel(NOON, tick=False):
        action = alert_contact_log(alert, actor=therapist, method="phone", note="Advised rest")
    alert.refresh_from_db()
    assert alert.actions.count() == 1
    assert (action.kind, action.contact_method, action.note, action.actor) == (
        "contact",
        "phone",
        "Advised rest",
        therapist,
    )
    assert alert.state == "acknowledged"
    assert alert.acknowledged_at == NOON


def test_contact_log_on_an_acknowledged_alert_keeps_the_first_acknowledgement(alert, therapist):
    with time_machine.travel(NOON, tick=False):
        alert_acknowledge(alert, actor=therapist)
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        alert_contact_log(alert, actor=therapist, method="in_person")
    alert.refresh_from_db()
    assert alert.acknowledged_at == NOON
    assert list(alert.actions.values_list("kind", flat=True)) == ["acknowledge", "contact"]


def test_contact_log_needs_a_known_method(alert, therapist):
    with pytest.raises(ValidationError) as error:
        alert_contact_log(alert, actor=therapist, method="carrier_pigeon")
    assert "method" in error.value.message_dict
    assert alert.actions.count() == 0


def test_resolve_needs_a_note_and_saves_nothing_without_one(alert, therapist):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        alert_resolve(alert, actor=therapist, note="   ")
    assert "note" in error.value.message_dict
    alert.refresh_from_db()
    assert alert.state == "open"
    assert alert.resolved_at is None
    assert _counts() == before


def test_resolve_with_a_note_closes_the_alert(alert, therapist):
    with time_machine.travel(NOON, tick=False):
        action = alert_resolve(alert, actor=therapist, note="Seen in clinic, settled")
    alert.refresh_from_db()
    assert (alert.state, alert.resolved_at) == ("resolved", NOON)
    assert (action.kind, action.actor, action.note) == (
        "resolve",
        therapist,
        "Seen in clinic, settled",
    )


def test_a_resolved_alert_takes_no_more_actions(alert, therapist):
    alert_resolve(alert, actor=therapist, note="Done")
    for act in (
        lambda: alert_acknowledge(alert, actor=therapist),
        lambda: alert_contact_log(alert, actor=therapist, method="phone"),
        lambda: alert_resolve(alert, actor=therapist, note="Again"),
        lambda: alert_escalate(alert, actor=therapist),
    ):
        with pytest.raises(AlertClosed):
            act()
    assert alert.actions.count() == 1


def test_an_action_on_a_stale_copy_sees_the_saved_state(alert, therapist):
    stale = Alert.objects.get(pk=alert.pk)
    alert_resolve(alert, actor=therapist, note="Done")
    with pytest.raises(AlertClosed):
        alert_acknowledge(stale, actor=therapist)


def test_escalate_raises_a_review_alert_to_urgent_and_tells_the_admins(
    patient, therapist, clinic_admin
):
    alert = AlertFactory(patient=patient, rule="R8")
    assert alert.severity == "review"
    with time_machine.travel(NOON, tick=False):
        action = alert_escalate(alert, actor=therapist, note="Needs a senior look")
    alert.refresh_from_db()
    assert (alert.severity, alert.initial_severity, alert.escalated_at) == (
        "urgent",
        "review",
        NOON,
    )
    assert (action.kind, action.actor, action.note) == (
        "escalate",
        therapist,
        "Needs a senior look",
    )
    recipients = list(Notification.objects.filter(alert=alert).values_list("recipient", flat=True))
    assert recipients == [clinic_admin.pk]


def test_escalate_keeps_an_emergency_an_emergency(patient, therapist, clinic_admin):
    alert = AlertFactory(patient=patient, rule="R1")
    alert_escalate(alert, actor=therapist)
    alert.refresh_from_db()
    assert alert.severity == "emergency"
    assert alert.escalated_at is not None


def test_patient_confirmation_is_recorded_once_per_advice(patient):
    alert = AlertFactory(patient=patient, rule="R1")
    first = alert_patient_confirm(alert, actor=patient.user)
    again = alert_patient_confirm(alert, actor=patient.user)
    assert first == again
    assert list(alert.actions.values_list("kind", "actor")) == [
        ("patient_confirmed", patient.user.pk)
    ]


def test_triage_never_deletes_anything(alert, therapist):
    alert_acknowledge(alert, actor=therapist)
    alert_contact_log(alert, actor=therapist, method="message", note="Texted")
    alert_escalate(alert, actor=therapist)
    alert_resolve(alert, actor=therapist, note="Resolved")
    assert Alert.objects.filter(pk=alert.pk).exists()
    assert list(alert.actions.values_list("kind", flat=True)) == [
        "acknowledge",
        "contact",
        "escalate",
        "resolve",
    ]
    assert alert.evidence.count() == 1


# --- Views -------------------------------------------------------------------------------------


def _url(name, alert):
    return reverse(f"redflags:{name}", args=[alert.pk])


def test_acknowledge_without_javascript_redirects_back_to_the_alert(therapist_client, alert):
    response = therapist_client.post(_url("acknowledge", alert), {"ack-note": "On it"})
    assert response.status_code == 302
    assert response.url == _url("alert_detail", alert)
    alert.refresh_from_db()
    assert alert.state == "acknowledged"
    page = therapist_client.get(response.url)
    assert "Alert acknowledged." in page.content.decode()


def test_acknowledge_with_htmx_swaps_the_triage_panel_and_signals_the_inbox(
    therapist_client, alert
):
    response = therapist_client.post(_url("acknowledge", alert), {}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="triage"' in body
    assert "<html" not in body
    assert "Alert acknowledged." in body
    assert "alertsChanged" in response["HX-Trigger"]


def test_contact_view_records_the_method(therapist_client, alert, therapist):
    response = therapist_client.post(
        _url("contact", alert), {"contact-method": "in_person", "contact-note": "At reception"}
    )
    assert response.status_code == 302
    action = alert.actions.get()
    assert (action.kind, action.contact_method, action.actor) == ("contact", "in_person", therapist)


def test_contact_view_without_a_method_shows_the_error(therapist_client, alert):
    response = therapist_client.post(_url("contact", alert), {"contact-note": "Called"})
    assert response.status_code == 400
    assert "Choose how you contacted the patient." in response.content.decode()
    assert alert.actions.count() == 0


def test_resolve_view_without_a_note_shows_the_error_and_saves_nothing(therapist_client, alert):
    before = _counts()
    response = therapist_client.post(_url("resolve", alert), {"resolve-note": ""})
    assert response.status_code == 400
    assert "Write a short note to say how it was resolved." in response.content.decode()
    assert _counts() == before
    alert.refresh_from_db()
    assert alert.state == "open"


def test_resolve_view_with_htmx_rerenders_the_panel_with_the_error(therapist_client, alert):
    response = therapist_client.post(
        _url("resolve", alert), {"resolve-note": ""}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="triage"' in body
    assert "Write a short note" in body
    assert "HX-Trigger" not in response


def test_resolve_view_with_a_note_resolves(therapist_client, alert, therapist):
    response = therapist_client.post(_url("resolve", alert), {"resolve-note": "Settled after call"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == "resolved"
    page = therapist_client.get(_url("alert_detail", alert)).content.decode()
    assert "Settled after call" in page
    assert therapist.full_name in page


def test_acting_on_an_alert_resolved_meanwhile_says_so(therapist_client, alert, other_therapist):
    alert_resolve(alert, actor=other_therapist, note="Done")
    response = therapist_client.post(_url("acknowledge", alert), {}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "This alert is already resolved." in body
    assert "Resolved on" in body
    plain = therapist_client.post(_url("acknowledge", alert), {}, follow=True)
    assert "This alert is already resolved." in plain.content.decode()
    assert alert.actions.count() == 1


def test_escalate_view_raises_the_severity(therapist_client, patient, clinic_admin):
    alert = AlertFactory(patient=patient, rule="R9")
    response = therapist_client.post(_url("escalate", alert), {"escalate-note": "Worried"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.severity == "urgent"


@pytest.mark.parametrize("name", ["acknowledge", "contact", "resolve", "escalate"])
def test_triage_views_refuse_get(therapist_client, alert, name):
    assert therapist_client.get(_url(name, alert)).status_code == 405


@pytest.mark.parametrize("name", ["acknowledge", "contact", "resolve", "escalate"])
def test_triage_views_are_404_for_another_therapist(other_therapist_client, alert, name):
    data = {"contact-method": "phone", "resolve-note": "x"}
    assert other_therapist_client.post(_url(name, alert), data).status_code == 404
    assert alert.actions.count() == 0


@pytest.mark.parametrize("name", ["acknowledge", "resolve"])
def test_triage_views_are_404_for_the_patient_and_another_clinic(
    patient_client, other_clinic_admin_client, alert, name
):
    data = {"resolve-note": "x"}
    assert patient_client.post(_url(name, alert), data).status_code == 404
    assert other_clinic_admin_client.post(_url(name, alert), data).status_code == 404
    assert alert.actions.count() == 0


def test_clinic_admin_may_triage_any_alert_of_the_clinic(clinic_admin_client, alert, clinic_admin):
    response = clinic_admin_client.post(_url("resolve", alert), {"resolve-note": "Handled"})
    assert response.status_code == 302
    assert alert.actions.get().actor == clinic_admin


def test_triage_needs_login(client, alert):
    response = client.post(_url("acknowledge", alert))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
