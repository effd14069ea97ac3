"""The benchmark's synthetic clinic: small, but built the same way as `make bench` builds 500
patients, and consistent the way the save path keeps real data."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max

from accounts.models import Patient
from devtools.bench.data import build_clinic
from symptoms.models import DailySummary, PTSession, SymptomEntry

pytestmark = pytest.mark.django_db


def test_bench_refuses_to_run_on_any_other_database():
    with pytest.raises(CommandError, match="bench.sqlite3"):
        call_command("bench")


def test_synthetic_clinic_matches_what_the_save_path_would_keep():
    bench = build_clinic(patients=3, days=30, small=2)
    assert Patient.objects.filter(therapists=bench.therapist).count() == 3
    assert Patient.objects.filter(therapists=bench.small_therapist).count() == 2
    # Daily summaries agree with the entries (CLINICAL.md section 2, daily pain).
    figures = {
        (row["patient_id"], row["day"]): row
        for row in SymptomEntry.objects.values("patient_id", "day").annotate(
            pain=Max("pain_worst"), count=Count("id")
        )
    }
    summaries = list(DailySummary.objects.all())
    assert len(summaries) == len(figures)
    for summary in summaries:
        row = figures[(summary.patient_id, summary.day)]
        assert (summary.daily_pain, summary.entry_count) == (row["pain"], row["count"])
    # Weekly sessions, and entries that name a session are about one on their day or the day
    # before (next morning).
    assert PTSession.objects.filter(patient_id=bench.patient_ids[0]).count() >= 5
    for entry in SymptomEntry.objects.filter(session__isnull=False).select_related("session")[:50]:
        offset = (entry.day - entry.session.date).days
        assert offset == (1 if entry.context == "next_morning" else 0)
    # The raw inserts hold valid sets (the model's validation passes).
    SymptomEntry.objects.order_by("?").first().full_clean()
