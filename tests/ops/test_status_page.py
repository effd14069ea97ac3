"""The clinic admin's status page (/status/): heartbeats, the clinic's sweeps, its outbox
backlog and failed deliveries, each readiness check's verdict for this clinic. (The list of
undelivered email on the same page: test_undelivered_mail.py.)"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.models import OutboxMessage
from ops.models import Component
from ops.selectors import failed_deliveries, failed_deliveries_by_kind, outbox_backlog

from .conftest import NOW, beat

pytestmark = pytest.mark.django_db

URL = reverse("ops:status")


def _mail(clinic_id, n, *, state, attempts, kind="alert", created=NOW, due=NOW):
    return OutboxMessage.objects.create(
        kind=kind,
        clinic_id=clinic_id,
        recipients=[f"r{n}@example.test"],
        subject="s",
        dedup_key=f"status-{n}",
        state=state,
        attempts=attempts,
        created_at=created,
        next_attempt_at=due,
    )


def _page(client):
    with time_machine.travel(NOW, tick=False):
        response = client.get(URL)
    assert response.status_code == 200
    return response


def test_all_well_shows_ok_everywhere_with_the_last_beats_and_sweeps(clinic_admin_client, healthy):
    response = _page(clinic_admin_client)
    checks = response.context["checks"]
    assert all(check.ok for check in checks.values())
    page = response.text
    assert "System status" in page and "Background work" in page
    assert page.count("badge text-bg-success") == 4  # worker, scheduler, sweep, outbox
    assert "Stale" not in page
    assert "day 9 Mar 2026" in page and "finished 10 Mar 00:05" in page
    assert "Task worker · app-1" in page and "Reminder scheduler · app-1" in page
    assert "No delivery failed in the last 7 days." in page


def test_each_stale_check_says_what_to_look_at(clinic_admin_client, healthy):
    beat(Component.WORKER, NOW - dt.timedelta(minutes=5))
    beat(Component.SCHEDULER, NOW - dt.timedelta(hours=1))
    healthy.sweep_runs.update(finished_at=None)
    _mail(healthy.pk, 1, state="pending", attempts=0, due=NOW - dt.timedelta(minutes=30))
    page = _page(clinic_admin_client).text
    assert page.count("Stale") == 4
    assert "Is db_worker running?" in page
    assert "send_due_reminders has not run recently" in page
    assert "Is run_daily_sweep in cron?" in page
    assert "Emails wait longer than they should." in page
    assert "not finished" in page


def test_only_this_clinics_sweep_counts_here(clinic_admin_client, healthy, other_clinic):
    other_clinic.created_at = NOW - dt.timedelta(days=3)
    other_clinic.save(update_fields=["created_at"])
    assert _page(clinic_admin_client).context["checks"]["sweep"].ok


def test_the_backlog_and_failed_deliveries_of_this_clinic(
    clinic_admin_client, healthy, other_clinic
):
    week_ago = NOW - dt.timedelta(days=6)
    _mail(healthy.pk, 1, state="pending", attempts=0, due=NOW - dt.timedelta(minutes=3))
    _mail(healthy.pk, 2, state="pending", attempts=2, due=NOW + dt.timedelta(minutes=5))
    _mail(healthy.pk, 3, state="dead", attempts=48, created=week_ago)
    _mail(healthy.pk, 4, state="sent", attempts=3, kind="reminder")
    _mail(healthy.pk, 5, state="sent", attempts=1, kind="reminder")  # never failed
    _mail(healthy.pk, 6, state="discarded", attempts=1, kind="invitation")
    _mail(healthy.pk, 7, state="dead", attempts=48, created=NOW - dt.timedelta(days=8))
    _mail(other_clinic.pk, 8, state="dead", attempts=48)

    backlog = outbox_backlog(healthy.pk, NOW)
    assert (backlog.due, backlog.oldest_due, backlog.dead) == (1, NOW - dt.timedelta(minutes=3), 2)
    rows = {
        row.kind: (row.delivered_later, row.waiting, row.given_up, row.discarded)
        for row in failed_deliveries_by_kind(NOW - dt.timedelta(days=7), healthy.pk)
    }
    assert rows == {"alert": (0, 1, 1, 0), "reminder": (1, 0, 0, 0), "invitation": (0, 0, 0, 1)}
    assert failed_deliveries(NOW - dt.timedelta(days=7)).count() == 5  # every clinic

    page = _page(clinic_admin_client).text
    assert "Failed deliveries in the last 7 days" in page
    assert "Check-in reminder" in page and "Invitation" in page


def test_therapists_patients_and_other_roles_get_404(therapist_client, patient_client):
    assert therapist_client.get(URL).status_code == 404
    assert patient_client.get(URL).status_code == 404


def test_the_page_is_in_spanish_for_a_spanish_speaker(clinic_admin_client, clinic_admin, healthy):
    clinic_admin.preferred_language = "es"
    clinic_admin.save(update_fields=["preferred_language"])
    with time_machine.travel(NOW, tick=False):
        page = clinic_admin_client.get(URL).text
    assert "Estado del sistema" in page and "Trabajo en segundo plano" in page
