"""The patient's reminder preferences page and the therapist's read-only panel."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.urls import reverse

from reminders.models import ReminderDispatch, ReminderPreference
from tests.reminders.conftest import DAY, add_session, at

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("reminders:preferences")
HTMX = {"HX-Request": "true"}


def _form(**changes) -> dict[str, str]:
    data = {
        "after_session_enabled": "on",
        "after_session_time": "18:00",
        "next_morning_enabled": "on",
        "next_morning_time": "08:00",
        "daily_time": "19:00",
        "exercise_time": "17:00",
        "quiet_start": "21:30",
        "quiet_end": "07:30",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


# --- The patient's page ---------------------------------------------------------------------------


def test_patient_sees_the_defaults_in_their_time_zone(patient_client):
    response = patient_client.get(PREFERENCES)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Europe/London" in html
    assert (
        'name="after_session_time" id="id_after_session_time"' in html and 'value="18:00"' in html
    )
    assert 'value="08:00"' in html and 'value="21:30"' in html


def test_saving_without_javascript_redirects_with_a_message(patient_client, patient):
    response = patient_client.post(
        PREFERENCES,
        _form(after_session_time="19:15", daily_enabled="on", next_morning_enabled=None),
    )
    assert response.status_code == 302 and response.url == PREFERENCES
    preference = ReminderPreference.objects.get(patient=patient)
    assert preference.after_session_time == time(19, 15)
    assert preference.daily_enabled is True and preference.next_morning_enabled is False
    assert "Your reminders are saved." in patient_client.get(PREFERENCES).content.decode()


def test_an_htmx_toggle_saves_and_returns_the_form(patient_client, patient):
    response = patient_client.post(PREFERENCES, _form(exercise_enabled="on"), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="reminder-form"' in html and "Saved." in html
    assert "remindersSaved" in response["HX-Trigger"]
    assert ReminderPreference.objects.get(patient=patient).exercise_enabled is True


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"quiet_start": "22:00", "quiet_end": "22:00"},
            "Quiet hours need a different start and end time.",
        ),
        ({"daily_time": "25:00"}, "Enter a time like 18:00."),
        ({"after_session_time": ""}, "Enter a time like 18:00."),
    ],
)
def test_bad_answers_come_back_with_a_message_and_nothing_is_saved(
    patient_client, patient, changes, message
):
    plain = patient_client.post(PREFERENCES, _form(**changes))
    assert plain.status_code == 200 and message in plain.content.decode()
    fragment = patient_client.post(PREFERENCES, _form(**changes), headers=HTMX)
    assert fragment.status_code == 200 and message in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert not ReminderPreference.objects.filter(patient=patient).exists()


@pytest.mark.parametrize("who", ["therapist_client", "clinic_admin_client"])
def test_clinicians_have_no_preferences_page(request, who):
    client = request.getfixturevalue(who)
    assert client.get(PREFERENCES).status_code == 404
    assert client.post(PREFERENCES, _form()).status_code == 404


def test_each_patient_changes_only_their_own(
    patient_client, other_patient_client, patient, other_patient
):
    other_patient_client.post(PREFERENCES, _form(daily_enabled="on"))
    assert not ReminderPreference.objects.filter(patient=patient).exists()
    assert ReminderPreference.objects.get(patient=other_patient).daily_enabled is True


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(PREFERENCES)
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_preferences_wrong_method_is_405(patient_client):
    assert patient_client.put(PREFERENCES).status_code == 405


# --- The therapist's panel ------------------------------------------------------------------------


def _panel(patient) -> str:
    return reverse("reminders:patient_reminders", args=[patient.pk])


def test_therapist_sees_what_is_on_for_a_patient_in_their_caseload(therapist_client, patient):
    ReminderPreference.objects.create(
        patient=patient, daily_enabled=True, next_morning_time=time(7, 0)
    )
    response = therapist_client.get(_panel(patient))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Reminders of Pat Patient" in html
    assert "Daily check-in" in html and "07:00" in html
    assert "sent at 07:30, after quiet hours" in html
    assert "21:30–07:30" in html


def test_the_panel_lists_coming_and_recent_reminders(
    therapist_client, patient, therapist, time_machine
):
    time_machine.move_to(at(DAY, "12:00"), tick=False)
    add_session(patient, DAY, therapist)
    ReminderDispatch.objects.create(
        patient=patient,
        kind="daily",
        local_date=DAY,
        due_at=at(DAY, "09:00"),
        state="skipped",
        error="already_logged",
    )
    html = therapist_client.get(_panel(patient)).content.decode()
    assert "Wed 14 Jan, 18:00: After-session check-in" in html
    assert "Thu 15 Jan, 08:00: Next-morning check-in" in html
    assert "Skipped: Already logged" in html


def test_clinic_admin_of_the_clinic_sees_the_panel(clinic_admin_client, patient):
    assert clinic_admin_client.get(_panel(patient)).status_code == 200


@pytest.mark.parametrize(
    "who",
    [
        "other_therapist_client",
        "other_clinic_admin_client",
        "patient_client",
        "other_patient_client",
    ],
)
def test_others_get_404_on_the_panel(request, who, patient):
    assert request.getfixturevalue(who).get(_panel(patient)).status_code == 404


def test_panel_htmx_gets_the_fragment_and_wrong_method_is_405(therapist_client, patient):
    fragment = therapist_client.get(_panel(patient), headers=HTMX)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert 'id="reminder-panel"' in html and "<html" not in html and "breadcrumb" not in html
    assert therapist_client.post(_panel(patient)).status_code == 405


@pytest.mark.parametrize("size", [2, 30])
def test_panel_queries_do_not_grow_with_the_history(
    therapist_client, patient, size, django_assert_max_num_queries
):
    for n in range(size):
        ReminderDispatch.objects.create(
            patient=patient,
            kind="daily",
            local_date=DAY - timedelta(days=n),
            due_at=at(DAY - timedelta(days=n), "19:00"),
            state="sent",
        )
    # (+1: the staleness banner's heartbeat, ops.banner)
    with django_assert_max_num_queries(9):
        response = therapist_client.get(_panel(patient))
    assert response.content.decode().count("<td>Sent") == min(size, 10)


def test_the_overview_links_to_the_panel(therapist_client, patient):
    html = therapist_client.get(
        reverse("dashboard:patient_overview", args=[patient.pk])
    ).content.decode()
    assert _panel(patient) in html
