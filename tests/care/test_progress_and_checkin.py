"""The patient's progress page and the weekly GROC in the check-in (issue 16)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import GROCResponse
from outcomes.services import groc_record, psfs_rate, psfs_setup
from symptoms.models import SymptomEntry
from symptoms.services import daily_summary_refresh
from tests.factories import SymptomEntryFactory
from tests.symptoms.conftest import entry_post

pytestmark = pytest.mark.django_db
PROGRESS = reverse("care:progress")
CREATE = reverse("care:entry_create")


def joined_weeks_ago(patient, weeks):
    patient.created_at -= timedelta(weeks=weeks)
    patient.save(update_fields=["created_at"])


# --- Progress --------------------------------------------------------------------------------


def test_progress_says_what_changed_in_plain_words(patient_client, patient, therapist):
    patient.intake.baseline_pain = 6
    patient.intake.save()
    for back in range(3):
        entry = SymptomEntryFactory(
            patient=patient, recorded_at=timezone.now() - timedelta(days=back), pain_now=3
        )
        daily_summary_refresh(patient, entry.day)
    start = patient.created_at - timedelta(days=28)
    psfs_setup(patient, [("Stairs", 2), ("Socks", 4)], actor=therapist, recorded_at=start)
    psfs_rate(
        patient,
        dict.fromkeys(patient.psfs_activities.values_list("pk", flat=True), 6),
        actor=None,
        recorded_at=start + timedelta(days=14),
    )
    groc_record(patient, 5, actor=None, recorded_at=start + timedelta(days=21))
    response = patient_client.get(PROGRESS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "When you started, your usual pain was 6 out of 10." in html
    assert "That is 3 points lower." in html
    assert "At the start you rated your activities 3 out of 10 on average." in html
    assert "That is 3 points better: a change big enough to matter." in html
    assert "Quite a bit better" in html


def test_progress_without_records_explains_what_will_show(patient_client):
    html = patient_client.get(PROGRESS).content.decode()
    assert "Log how you feel for a few days" in html
    assert "Name my activities" in html


def test_clinicians_get_404_on_the_patients_progress_page(therapist_client):
    assert therapist_client.get(PROGRESS).status_code == 404


def test_progress_refuses_post(patient_client):
    assert patient_client.post(PROGRESS).status_code == 405


# --- GROC in the check-in ----------------------------------------------------------------------


def test_the_check_in_asks_the_groc_once_the_patient_has_been_in_care_a_week(
    patient_client, patient
):
    assert 'name="groc"' not in patient_client.get(CREATE).content.decode()
    joined_weeks_ago(patient, 1)
    html = patient_client.get(CREATE).content.decode()
    assert 'name="groc" value="7"' in html and 'name="groc" value="-7"' in html


def test_the_check_in_saves_the_entry_and_the_groc_together(patient_client, patient):
    joined_weeks_ago(patient, 1)
    response = patient_client.post(CREATE, entry_post(groc="4"))
    assert response.status_code == 302
    assert SymptomEntry.objects.filter(patient=patient).count() == 1
    assert GROCResponse.objects.get(patient=patient).score == 4
    # Asked again a week later, not on the next check-in.
    assert 'name="groc"' not in patient_client.get(CREATE).content.decode()


def test_skipping_the_groc_saves_the_entry_alone(patient_client, patient):
    joined_weeks_ago(patient, 1)
    response = patient_client.post(CREATE, entry_post(groc=""))
    assert response.status_code == 302
    assert SymptomEntry.objects.filter(patient=patient).count() == 1
    assert not GROCResponse.objects.exists()


@pytest.mark.parametrize("bad", ["8", "-9", "lots"])
def test_a_groc_outside_the_scale_gets_a_message_and_stores_nothing(patient_client, patient, bad):
    joined_weeks_ago(patient, 1)
    response = patient_client.post(CREATE, entry_post(groc=bad))
    assert response.status_code == 200
    assert "Choose one of the answers, from -7 to +7." in response.content.decode()
    assert not SymptomEntry.objects.exists()
    assert not GROCResponse.objects.exists()


def test_a_double_submitted_check_in_stores_one_groc(patient_client, patient):
    joined_weeks_ago(patient, 1)
    page = patient_client.get(CREATE).content.decode()
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    for _ in range(2):
        patient_client.post(CREATE, entry_post(groc="3", idempotency_key=key))
    assert SymptomEntry.objects.count() == 1
    assert GROCResponse.objects.count() == 1


def test_the_groc_is_not_asked_when_the_patient_is_not_in_care_a_week_even_if_posted(
    patient_client, patient
):
    response = patient_client.post(CREATE, entry_post(groc="5"))
    assert response.status_code == 302
    assert not GROCResponse.objects.exists()
