"""The diary shows flare-ups as periods, with the session they followed, and lets the patient
say "I'm having a flare-up" in one tap (issue 4, "Patient guidance")."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from redflags.diary import flares_for_diary
from redflags.models import FlareEpisode
from tests.factories import PTSessionFactory

DIARY = reverse("care:diary")


@pytest.fixture
def today(patient):
    return patient.local_day()


def _flare(patient, start, end=None, session=None):
    return FlareEpisode.objects.create(
        patient=patient, start=start, end=end, baseline_at_start=3, peak=7, session=session
    )


def test_a_flare_after_a_session_is_listed_as_a_period(patient_client, patient, today):
    session = PTSessionFactory(patient=patient, date=today - dt.timedelta(days=9))
    _flare(patient, today - dt.timedelta(days=8), today - dt.timedelta(days=5), session)
    body = patient_client.get(DIARY).content.decode()
    start, end = today - dt.timedelta(days=8), today - dt.timedelta(days=5)
    assert "Your flare-ups" in body
    assert f"{start.day} {start:%B} to {end.day} {end:%B}" in body
    assert f"after your session on {session.date.day} {session.date:%B}" in body
    assert "chart-flare" in body  # the chart draws the same period as a band


def test_an_open_flare_is_still_going(patient_client, patient, today):
    _flare(patient, today - dt.timedelta(days=2))
    body = patient_client.get(DIARY).content.decode()
    start = today - dt.timedelta(days=2)
    assert f"since {start.day} {start:%B}, still going" in body


def test_another_patients_flares_are_not_shown(patient_client, other_patient, today):
    _flare(other_patient, today - dt.timedelta(days=3))
    assert "Your flare-ups" not in patient_client.get(DIARY).content.decode()


def test_flares_outside_the_window_are_left_out_in_one_query(
    patient, today, django_assert_num_queries
):
    _flare(patient, today - dt.timedelta(days=90), today - dt.timedelta(days=80))
    recent = _flare(patient, today - dt.timedelta(days=3), today - dt.timedelta(days=1))
    with django_assert_num_queries(1):
        periods = flares_for_diary(patient, today - dt.timedelta(days=27), today)
    assert [(p.start, p.end) for p in periods] == [(recent.start, recent.end)]


def test_the_flare_up_button_opens_the_log_with_flare_preselected(patient_client):
    body = patient_client.get(DIARY).content.decode()
    link = reverse("care:entry_create") + "?context=flare&amp;is_flare=yes"
    assert re.search(rf'href="{re.escape(link)}"[^>]*>I\'m having a flare-up<', body)
    form = patient_client.get(reverse("care:entry_create"), {"context": "flare", "is_flare": "yes"})
    page = form.content.decode()
    assert re.search(r'<input[^>]*name="context"[^>]*value="flare"[^>]*checked', page)
    assert re.search(r'<input[^>]*name="is_flare"[^>]*value="yes"[^>]*checked', page)
