"""The benchmark's synthetic clinic: small, but built the same way as `make bench` builds 500
patients, and consistent the way the save path keeps real data."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max

from accounts.models import Patient
from devtools.bench.data import build_clinic
from devtools.management.commands.bench import Command
from symptoms.models import DailySummary, PTSession, SymptomEntry

pytestmark = pytest.mark.django_db


def test_bench_refuses_to_run_on_any_other_database():
    with pytest.raises(CommandError, match="bench.sqlite3"):
        call_command("bench")


def test_synthetic_clinic_matches_what_the_save_path_would_keep():
    bench = build_clinic(patients=3, days=30, small=2)
    assert Patient.objects.filter(therapists=bench.therapist).count() == 3
    assert Patient.objects.filter(therapists=bench.small_therapist).count() == 2
    # Daily summaries agree with the entries (spec.md section 4, daily pain).
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


def test_last_line_gives_each_page_against_its_raw_sql_floor():
    build_clinic(patients=3, days=30, small=2)
    out = io.StringIO()
    Command(stdout=out).measure_and_report({"repeat": 1, "saves": 1}, started=0.0)
    summary = json.loads(out.getvalue().splitlines()[-1])
    for key in ("caseload_500_vs_floor", "overview_vs_floor", "trivial_vs_overview_floor"):
        assert summary[key] > 0
        assert summary["cpu_vs_floor"][key] > 0
    # The same queries at both caseload sizes, and the figures the ratios come from.
    assert summary["queries_caseload_10"] == summary["queries_caseload_500"]
    assert summary["caseload_500_floor_p50_ms"] > 0
    assert summary["overview_floor_p50_ms"] > 0
