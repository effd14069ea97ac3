import datetime as dt
import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import SymptomEntryFactory, PTSessionFactory
from symptoms.services import daily_summary_refresh

pytestmark = pytest.mark.django_db

def test_pages(therapist_client, patient, clinic_admin_client):
    today = timezone.localdate()
    s = PTSessionFactory(patient=patient, date=today - dt.timedelta(days=3))
    for n in range(10):
        e = SymptomEntryFactory(patient=patient, recorded_at=timezone.now() - dt.timedelta(days=n), pain_now=2+n%4, pain_worst=3+n%5)
        daily_summary_refresh(patient, e.day)
    r = therapist_client.get(reverse("dashboard:caseload"))
    assert r.status_code == 200, r.content
    open("/tmp/dash/caseload.html","wb").write(r.content)
    r = therapist_client.get(reverse("dashboard:patient_overview", args=[patient.pk]))
    assert r.status_code == 200
    open("/tmp/dash/overview.html","wb").write(r.content)
    r = therapist_client.get(reverse("dashboard:patient_summary_print", args=[patient.pk]))
    assert r.status_code == 200
    r = clinic_admin_client.get(reverse("dashboard:clinic"))
    assert r.status_code == 200
    r = therapist_client.get(reverse("dashboard:export_entries_csv", args=[patient.pk]))
    print(b"".join(r.streaming_content).decode()[:500])
