"""The banner on staff pages when background work is stale (ops.banner): read from the worker's
last beat, or the worker itself when it has not beaten; never on a patient's page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ops.heartbeats import heartbeat_beat
from ops.models import Component

pytestmark = pytest.mark.django_db

INBOX = reverse("redflags:inbox")
BANNER = "Background work is behind"
WORKER = "The task worker is not running"
SWEEP = "The end-of-day checks (the daily sweep) have not run"
SCHEDULER = "The reminder scheduler has not run recently"
OUTBOX = "Emails are waiting longer than they should"


def _worker_beat(problems=(), ago=dt.timedelta(seconds=20)):
    heartbeat_beat(Component.WORKER, problems=list(problems), now=timezone.now() - ago)


def test_no_banner_while_the_worker_beats_and_finds_nothing_stale(therapist_client):
    _worker_beat()
    assert BANNER not in therapist_client.get(INBOX).text


@pytest.mark.parametrize("ago", [None, dt.timedelta(minutes=3)], ids=["never", "3-minutes-ago"])
def test_a_silent_worker_puts_the_banner_on_every_staff_page(therapist_client, ago):
    if ago:
        _worker_beat(ago=ago)
    for url in (INBOX, reverse("dashboard:caseload"), reverse("exercises:library")):
        page = therapist_client.get(url).text
        assert BANNER in page and WORKER in page
        assert 'role="alert"' in page


def test_the_banner_names_what_the_worker_found_stale(therapist_client, clinic):
    _worker_beat(
        [{"check": "outbox"}, {"check": "sweep", "clinic": clinic.pk}, {"check": "scheduler"}]
    )
    page = therapist_client.get(INBOX).text
    assert OUTBOX in page and SWEEP in page and SCHEDULER in page
    assert WORKER not in page


def test_another_clinics_late_sweep_is_not_shown(therapist_client, other_clinic):
    _worker_beat([{"check": "sweep", "clinic": other_clinic.pk}])
    assert BANNER not in therapist_client.get(INBOX).text


def test_admins_get_a_link_to_the_status_page_and_therapists_are_told_who_can_see_it(
    therapist_client, clinic_admin_client
):
    status = reverse("ops:status")
    admin_page = clinic_admin_client.get(INBOX).text
    assert f'href="{status}"' in admin_page and "See the system status" in admin_page
    assert "Your clinic admin can see the system status." in therapist_client.get(INBOX).text


def test_patients_never_see_it(patient_client):
    page = patient_client.get(reverse("care:today")).text
    assert BANNER not in page


def _banner_queries(client, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(INBOX, headers=headers)
    return sum("ops_heartbeat" in query["sql"] for query in queries.captured_queries)


def test_the_banner_costs_one_query_and_an_htmx_fragment_none(therapist_client):
    _worker_beat([{"check": "outbox"}])
    assert _banner_queries(therapist_client) == 1
    assert _banner_queries(therapist_client, **{"HX-Request": "true"}) == 0


def test_the_banner_is_in_spanish_for_a_spanish_speaker(therapist_client, therapist):
    therapist.preferred_language = "es"
    therapist.save(update_fields=["preferred_language"])
    page = therapist_client.get(INBOX).text
    assert BANNER not in page
    assert "El trabajo en segundo plano va con retraso." in page
    assert "El proceso de tareas no está en marcha" in page
