"""Due check-ins on the patient's home ("You had a session today: how do you feel now?")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from reminders.models import ReminderPreference
from reminders.selectors import due_checkins
from tests.reminders.conftest import DAY, SYDNEY, add_session, at, log

pytestmark = pytest.mark.django_db

TODAY = reverse("care:today")
AFTER = "You had a session today: how do you feel now?"
MORNING = "You had a session yesterday: how do you feel today?"
DAILY = "You have not logged today yet: how are you feeling?"


def _contexts(patient, moment):
    return [checkin.context for checkin in due_checkins(patient, moment)]


def test_home_asks_for_the_after_session_check_in_in_the_evening(
    patient_client, patient, therapist, time_machine
):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    assert AFTER not in patient_client.get(TODAY).content.decode()
    time_machine.move_to(at(DAY, "18:00"), tick=False)
    html = patient_client.get(TODAY).content.decode()
    assert AFTER in html
    assert f"{reverse('care:entry_create')}?context=after_session" in html


def test_the_prompt_goes_once_the_check_in_is_logged(patient, therapist):
    add_session(patient, DAY, therapist)
    assert _contexts(patient, at(DAY, "19:00")) == ["after_session"]
    log(patient, at(DAY, "19:05"), "after_session")
    assert _contexts(patient, at(DAY, "19:10")) == []


def test_the_next_morning_check_in_is_asked_the_day_after(patient, therapist):
    add_session(patient, DAY, therapist)
    assert _contexts(patient, at(DAY + timedelta(days=1), "07:00")) == ["next_morning"]
    log(patient, at(DAY + timedelta(days=1), "07:05"), "next_morning")
    assert _contexts(patient, at(DAY + timedelta(days=1), "09:00")) == []
    assert _contexts(patient, at(DAY + timedelta(days=2), "09:00")) == []


def test_the_after_session_time_follows_the_preferences(patient, therapist):
    ReminderPreference.objects.create(patient=patient, after_session_time=at(DAY, "20:00").time())
    add_session(patient, DAY, therapist)
    assert _contexts(patient, at(DAY, "19:00")) == []
    assert _contexts(patient, at(DAY, "20:00")) == ["after_session"]


def test_the_daily_check_in_is_asked_when_on_and_nothing_is_logged(
    patient_client, patient, time_machine
):
    time_machine.move_to(at(DAY, "12:00"), tick=False)
    assert DAILY not in patient_client.get(TODAY).content.decode()
    ReminderPreference.objects.create(patient=patient, daily_enabled=True)
    assert DAILY in patient_client.get(TODAY).content.decode()
    log(patient, at(DAY, "12:30"), "flare")
    assert DAILY not in patient_client.get(TODAY).content.decode()


def test_the_local_day_is_the_patients(patient, therapist):
    patient.time_zone = SYDNEY.key
    patient.save()
    add_session(patient, DAY, therapist)
    # 07:00 UTC on DAY is 18:00 in Sydney: the evening of the session day there.
    assert _contexts(patient, at(DAY, "07:00", SYDNEY.__class__("UTC"))) == ["after_session"]
    assert _contexts(patient, at(DAY, "06:59", SYDNEY.__class__("UTC"))) == []


def test_due_checkins_take_two_queries(patient, therapist, django_assert_num_queries):
    add_session(patient, DAY, therapist)
    # As the Today page has it (accounts.access.get_own_patient): with its clinic.
    patient = type(patient).objects.select_related("clinic", "user").get(pk=patient.pk)
    with django_assert_num_queries(2):
        due_checkins(patient, at(DAY, "19:00"))


def test_home_asks_for_the_next_morning_check_in(patient_client, patient, therapist, time_machine):
    add_session(patient, DAY, therapist)
    time_machine.move_to(at(DAY + timedelta(days=1), "10:00"), tick=False)
    html = patient_client.get(TODAY).content.decode()
    assert MORNING in html
    assert f"{reverse('care:entry_create')}?context=next_morning" in html
