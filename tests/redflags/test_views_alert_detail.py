"""The alert page explains itself: rule and thresholds, the records behind it, what the patient
was shown, the rule-set version, notification delivery and the triage history."""

import pytest
from django.urls import reverse

from redflags.alerts import alert_raise
from redflags.engine.domain import Finding
from redflags.models import Notification
from redflags.rule_sets import current_rule_set, rule_set_update
from redflags.triage import alert_contact_log
from symptoms.services import pt_session_create
from tests.factories import AlertFactory, ExerciseLogFactory, SymptomEntryFactory


def _url(alert):
    return reverse("redflags:alert_detail", args=[alert.pk])


@pytest.fixture
def r7_alert(patient, therapist):
    session = pt_session_create(
        patient,
        {"date": patient.local_day(), "interventions": ["nerve_mobilisation", "manual_therapy"]},
        actor=therapist,
    )
    entry = SymptomEntryFactory(
        patient=patient,
        context="after_session",
        session=session,
        pain_now=6,
        pain_worst=8,
        descriptors=["stabbing", "burning"],
        regions=["left_thigh", "left_foot"],
        rest_relief="no",
        fever_or_unwell=True,
    )
    return AlertFactory(
        patient=patient,
        rule="R7",
        entry=entry,
        reason="Severe stabbing pain (worst 8/10) not eased by rest.",
        patient_reason="You told us you have very bad stabbing pain that rest does not ease.",
    )


def test_the_page_explains_the_rule_with_the_thresholds_in_force(therapist_client, r7_alert):
    body = therapist_client.get(_url(r7_alert)).content.decode()
    assert "R7 Severe pain not eased by rest" in body
    assert "<code>severe_unrelieved_pain</code>" in body
    assert "Fires when worst pain is at least 7/10" in body
    assert "Severe stabbing pain (worst 8/10) not eased by rest." in body
    assert f"Version {r7_alert.rule_set_version.number}" in body


def test_the_page_uses_the_version_that_raised_the_alert_not_the_latest(
    therapist_client, r7_alert, clinic, clinic_admin
):
    rule_set_update(clinic, {"r7_min_pain_worst": 9}, actor=clinic_admin)
    body = therapist_client.get(_url(r7_alert)).content.decode()
    assert "at least 7/10" in body
    assert "at least 9/10" not in body
    AlertFactory(patient=r7_alert.patient, rule="R2")
    newer = r7_alert.patient.alerts.get(rule="R2")
    assert newer.rule_set_version.number == r7_alert.rule_set_version.number + 1


def test_the_page_lists_the_evidence_with_its_values_and_session(therapist_client, r7_alert):
    body = therapist_client.get(_url(r7_alert)).content.decode()
    assert "<strong>6</strong> / <strong>8</strong>" in body
    assert "Stabbing" in body and "Burning" in body
    assert "Left thigh" in body and "Left foot" in body
    assert "Fever, chills or feeling generally unwell" in body
    assert "After my session" in body
    assert "Nerve mobilisation" in body and "Manual therapy" in body
    entry = r7_alert.evidence.get().entry
    assert reverse("care:entry_detail", args=[entry.pk]) in body


def test_the_page_shows_what_the_patient_was_shown(therapist_client, r7_alert):
    body = therapist_client.get(_url(r7_alert)).content.decode()
    assert r7_alert.patient_message
    assert "What the patient was shown" in body
    assert "You told us you have very bad stabbing pain that rest does not ease." in body


def test_the_page_shows_notification_delivery_per_recipient(therapist_client, r7_alert, therapist):
    email = Notification.objects.get(alert=r7_alert, recipient=therapist).message
    body = therapist_client.get(_url(r7_alert)).content.decode()
    assert therapist.email in body
    assert "Waiting to send" in body
    email.attempts = 3
    email.last_error = "SMTP server refused the connection"
    email.save()
    body = therapist_client.get(_url(r7_alert)).content.decode()
    assert "Failed, will retry" in body
    assert "SMTP server refused the connection" in body
    email.state = "dead"
    email.save()
    body = therapist_client.get(_url(r7_alert)).content.decode()
    assert "Gave up" in body
    assert '<span class="delivery delivery-dead">' in body


def test_the_page_shows_the_triage_history_with_who_and_when(therapist_client, r7_alert, therapist):
    alert_contact_log(r7_alert, actor=therapist, method="phone", note="Booked an urgent slot")
    body = therapist_client.get(_url(r7_alert)).content.decode()
    assert "Contact logged</strong> (Phone)" in body
    assert therapist.full_name in body
    assert "Booked an urgent slot" in body


def test_an_exercise_log_behind_an_alert_shows_its_pain(therapist_client, patient):
    log = ExerciseLogFactory(patient=patient, pain_during=8)
    finding = Finding(
        rule="R10",
        code="exercise_pain_red_zone",
        severity="review",
        reason="Exercise pain above 5/10 on 2 different days within 14 days.",
        patient_reason="Your exercises have hurt a lot on more than one day.",
        evidence_exercise_log_ids=(log.pk,),
    )
    alert, _ = alert_raise(
        patient,
        finding,
        day=log.day,
        rule_set_version=current_rule_set(patient.clinic),
        exercise_log=log,
    )
    body = therapist_client.get(_url(alert)).content.decode()
    assert log.exercise.name in body
    assert "<strong>8</strong> / 10" in body
    assert "Fires when exercise pain is above 5/10 on 2 different days within 14 days" in body


def test_clinic_admin_may_open_any_alert_of_the_clinic(clinic_admin_client, r7_alert):
    assert clinic_admin_client.get(_url(r7_alert)).status_code == 200


def test_another_therapist_gets_404(other_therapist_client, r7_alert):
    assert other_therapist_client.get(_url(r7_alert)).status_code == 404


def test_another_clinics_admin_gets_404(other_clinic_admin_client, r7_alert):
    assert other_clinic_admin_client.get(_url(r7_alert)).status_code == 404


def test_the_patient_gets_404_even_for_their_own_alert(patient_client, r7_alert):
    assert patient_client.get(_url(r7_alert)).status_code == 404


def test_a_missing_alert_is_404(therapist_client):
    assert therapist_client.get(reverse("redflags:alert_detail", args=[999999])).status_code == 404


def test_post_is_405(therapist_client, r7_alert):
    assert therapist_client.post(_url(r7_alert)).status_code == 405


def test_htmx_gets_the_triage_panel(therapist_client, r7_alert):
    response = therapist_client.get(_url(r7_alert), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith('<section id="triage"')
    assert "<html" not in body


@pytest.mark.parametrize("rule", [f"R{n}" for n in range(1, 15)])
def test_every_rule_explains_itself_with_its_thresholds(rule):
    from redflags.engine.params import RuleParams
    from redflags.explain import PARAMS, RULE_PARAMETERS, explain_rule

    text = explain_rule(rule, RuleParams())
    assert text.startswith("Fires ")
    assert "%(" not in text
    assert set(RULE_PARAMETERS[rule]) <= set(PARAMS)
