"""The alert inbox: a therapist's caseload, a clinic admin's clinic; order, filters, htmx."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from redflags.explain import rule_name
from redflags.inbox import INBOX_PAGE_SIZE
from redflags.triage import alert_acknowledge, alert_resolve
from tests.factories import AlertFactory, PatientFactory, TherapistFactory

INBOX = reverse("redflags:inbox")


def _alert_ids(response) -> list[int]:
    """The alerts listed, in order, read from their links."""
    return [int(pk) for pk in re.findall(r'href="/alerts/(\d+)/"', response.content.decode())]


def _ago(**kwargs):
    return timezone.now() - dt.timedelta(**kwargs)


def test_therapist_sees_the_alerts_of_their_caseload_only(therapist_client, patient, other_patient):
    mine = AlertFactory(patient=patient, rule="R7")
    theirs = AlertFactory(patient=other_patient, rule="R7")
    response = therapist_client.get(INBOX)
    assert response.status_code == 200
    assert _alert_ids(response) == [mine.pk]
    assert theirs.pk not in _alert_ids(response)


def test_clinic_admin_sees_the_whole_clinic_and_can_filter_by_therapist(
    clinic_admin_client, patient, other_patient, therapist
):
    mine = AlertFactory(patient=patient, rule="R7", opened_at=_ago(hours=2))
    theirs = AlertFactory(patient=other_patient, rule="R7", opened_at=_ago(hours=1))
    assert _alert_ids(clinic_admin_client.get(INBOX)) == [theirs.pk, mine.pk]
    filtered = clinic_admin_client.get(INBOX, {"therapist": therapist.pk})
    assert _alert_ids(filtered) == [mine.pk]


def test_each_row_names_its_rule_and_its_last_action_with_who(therapist_client, therapist, patient):
    acted_on = AlertFactory(patient=patient, rule="R7")
    untouched = AlertFactory(patient=patient, rule="R13")
    alert_acknowledge(acted_on, actor=therapist)
    rows = therapist_client.get(INBOX).content.decode().split('class="inbox-row ')[1:]
    untouched_row, acted_on_row = (
        next(row for row in rows if f'href="/alerts/{alert.pk}/"' in row)
        for alert in (untouched, acted_on)
    )
    assert f"R13 {rule_name('R13')}" in untouched_row
    assert "None yet" in untouched_row
    assert f"R7 {rule_name('R7')}" in acted_on_row
    assert f"Acknowledged · {therapist.full_name}" in acted_on_row


def test_another_clinics_admin_sees_none_of_them(other_clinic_admin_client, patient):
    AlertFactory(patient=patient, rule="R1")
    response = other_clinic_admin_client.get(INBOX)
    assert response.status_code == 200
    assert _alert_ids(response) == []


def test_a_therapist_cannot_filter_by_another_therapist(
    therapist_client, other_patient, other_therapist
):
    AlertFactory(patient=other_patient, rule="R7")
    response = therapist_client.get(INBOX, {"therapist": other_therapist.pk})
    assert response.status_code == 200
    assert _alert_ids(response) == []


def test_an_admin_cannot_filter_by_another_clinics_therapist(
    clinic_admin_client, patient, other_clinic
):
    stranger = TherapistFactory(clinic=other_clinic)
    alert = AlertFactory(patient=patient, rule="R7")
    response = clinic_admin_client.get(INBOX, {"therapist": stranger.pk})
    assert response.status_code == 200
    # An unknown choice is ignored: the admin's own clinic, unfiltered.
    assert _alert_ids(response) == [alert.pk]
    assert stranger.full_name not in response.content.decode()


def test_patients_get_404(patient_client, patient):
    AlertFactory(patient=patient, rule="R1")
    assert patient_client.get(INBOX).status_code == 404


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_post_is_405(therapist_client):
    assert therapist_client.post(INBOX).status_code == 405


def test_htmx_gets_the_list_fragment_and_a_plain_request_the_page(therapist_client, patient):
    AlertFactory(patient=patient, rule="R7")
    page = therapist_client.get(INBOX).content.decode()
    assert "<html" in page
    assert 'id="alert-list"' in page
    fragment = therapist_client.get(INBOX, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="alert-list"')
    assert fragment["Vary"] and "HX-Request" in fragment["Vary"]


def test_the_list_refreshes_itself_with_the_current_filters(therapist_client):
    body = therapist_client.get(INBOX, {"severity": "urgent"}).content.decode()
    assert 'hx-trigger="every 30s, alertsChanged from:body"' in body
    assert 'hx-get="/alerts/?severity=urgent"' in body


def test_unresolved_emergencies_come_first_then_by_severity_newest_first(
    therapist_client, patient, therapist
):
    other = PatientFactory(clinic=patient.clinic, therapists=[therapist])
    old_review = AlertFactory(patient=patient, rule="R9", opened_at=_ago(days=3))
    new_review = AlertFactory(patient=other, rule="R9", opened_at=_ago(hours=1))
    low = AlertFactory(patient=patient, rule="R13", entry=None, opened_at=_ago(minutes=5))
    urgent = AlertFactory(patient=patient, rule="R7", opened_at=_ago(days=2))
    old_emergency = AlertFactory(patient=other, rule="R1", opened_at=_ago(days=1))
    new_emergency = AlertFactory(patient=patient, rule="R1", opened_at=_ago(hours=5))
    resolved = AlertFactory(patient=other, rule="R7", opened_at=_ago(minutes=1))
    alert_resolve(resolved, actor=therapist, note="Done")

    assert _alert_ids(therapist_client.get(INBOX)) == [
        new_emergency.pk,
        old_emergency.pk,
        urgent.pk,
        new_review.pk,
        old_review.pk,
        low.pk,
    ]
    everything = _alert_ids(therapist_client.get(INBOX, {"state": "all"}))
    assert everything[-1] == resolved.pk
    assert everything[0] == new_emergency.pk


def test_filters_by_state_severity_and_rule(therapist_client, patient, therapist):
    urgent = AlertFactory(patient=patient, rule="R7")
    review = AlertFactory(patient=patient, rule="R9")
    emergency = AlertFactory(patient=patient, rule="R1")
    alert_resolve(emergency, actor=therapist, note="Seen in A&E")

    assert _alert_ids(therapist_client.get(INBOX, {"state": "resolved"})) == [emergency.pk]
    assert _alert_ids(therapist_client.get(INBOX, {"severity": "review"})) == [review.pk]
    assert _alert_ids(therapist_client.get(INBOX, {"rule": "R7"})) == [urgent.pk]
    assert _alert_ids(therapist_client.get(INBOX, {"state": "all", "rule": "R1"})) == [emergency.pk]


def test_unknown_filter_values_fall_back_to_the_defaults(therapist_client, patient):
    alert = AlertFactory(patient=patient, rule="R7")
    response = therapist_client.get(
        INBOX, {"state": "sideways", "severity": "apocalyptic", "rule": "R99", "page": "x"}
    )
    assert response.status_code == 200
    assert _alert_ids(response) == [alert.pk]


def test_rows_show_severity_rule_patient_age_state_and_last_action(
    therapist_client, patient, therapist
):
    alert = AlertFactory(patient=patient, rule="R7", opened_at=_ago(hours=3))
    therapist_client.post(reverse("redflags:contact", args=[alert.pk]), {"contact-method": "phone"})
    body = therapist_client.get(INBOX).content.decode()
    assert "severity-urgent" in body and ">Urgent<" in body
    assert "R7 Severe pain not eased by rest" in body
    assert "Pat Patient" in body
    assert "3\xa0hours ago" in body
    assert "Acknowledged" in body
    assert f"Contact logged · {therapist.full_name}" in body


def test_pages_of_the_inbox(therapist_client, patient, therapist):
    patients = [PatientFactory(clinic=patient.clinic, therapists=[therapist]) for _ in range(13)]
    for person in patients:
        AlertFactory(patient=person, rule="R7")
        AlertFactory(patient=person, rule="R9")
    first = therapist_client.get(INBOX)
    second = therapist_client.get(INBOX, {"page": 2})
    assert len(_alert_ids(first)) == INBOX_PAGE_SIZE
    assert len(_alert_ids(second)) == 26 - INBOX_PAGE_SIZE
    assert not set(_alert_ids(first)) & set(_alert_ids(second))
    assert "page=2" in first.content.decode()


@pytest.mark.parametrize("size", [1, 12])
def test_inbox_query_count_does_not_grow_with_alerts(
    clinic_admin_client, clinic, therapist, size, django_assert_max_num_queries
):
    for _ in range(size):
        person = PatientFactory(clinic=clinic, therapists=[therapist])
        alert = AlertFactory(patient=person, rule="R7")
        alert_resolve(alert, actor=therapist, note="Done")
        AlertFactory(patient=person, rule="R1")
    # Session, user, OTP devices, count, the page of alerts (last actions are subqueries), the
    # admin's clinic (page heading), the therapist choices and the staleness banner's
    # heartbeat (ops.banner): the same at any size.
    with django_assert_max_num_queries(8):
        response = clinic_admin_client.get(INBOX, {"state": "all"})
    assert len(_alert_ids(response)) == min(2 * size, INBOX_PAGE_SIZE)
