"""A patient with a bit of everything the FHIR export covers, and the checks every export must
pass: each resource valid against the fhir.resources R4B models, each reference resolved."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from fhir.resources.R4B import get_fhir_model_class

from outcomes.services import groc_record, psfs_rate, psfs_setup
from redflags.models import AlertState
from symptoms.services import daily_summary_refresh
from tests.factories import (
    AlertFactory,
    PlanItemFactory,
    PlanVersionFactory,
    PTSessionFactory,
    SymptomEntryFactory,
)
from tests.symptoms.conftest import LONDON

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=LONDON)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def at(days_ago: int, clock: str = "12:00") -> datetime:
    return datetime.combine(
        NOW.date() - timedelta(days=days_ago), time.fromisoformat(clock), LONDON
    )


def entry(patient, days_ago, clock="12:00", **fields):
    row = SymptomEntryFactory(patient=patient, recorded_at=at(days_ago, clock), **fields)
    daily_summary_refresh(patient, row.day)
    return row


def build_record(patient, therapist) -> dict[str, Any]:
    """Sessions (past, telehealth, booked ahead), entries around them, PSFS, GROC, an open and a
    resolved alert, and a plan with two versions."""
    patient.phone = "07700 900123"  # read in the clinic's region (GB), stored as E.164
    patient.emergency_contact_name = "Sam Example"
    patient.emergency_contact_phone = "+44 7700 900456"
    patient.save(update_fields=["phone", "emergency_contact_name", "emergency_contact_phone"])
    past = PTSessionFactory(
        patient=patient,
        date=NOW.date() - timedelta(days=10),
        interventions=["dry_needling", "manual_therapy"],
        created_by=therapist,
    )
    video = PTSessionFactory(
        patient=patient, date=NOW.date() - timedelta(days=3), kind="telehealth", interventions=[]
    )
    ahead = PTSessionFactory(patient=patient, date=NOW.date() + timedelta(days=4))
    before = entry(patient, 10, "08:00", context="before_session", session=past, pain_now=4)
    after = entry(
        patient,
        10,
        "18:00",
        context="after_session",
        session=past,
        pain_now=6,
        pain_worst=7,
        descriptors=["burning", "shooting"],
        regions=["left_thigh"],
        triggers=["sitting"],
        notes="Sore after needling.",
        is_flare="unsure",
    )
    morning = entry(patient, 9, "08:00", context="next_morning", session=past, pain_now=5)
    daily = entry(patient, 2, pain_now=3, corrected_at=at(2, "13:00"))
    psfs_setup(patient, [("Stairs", 3), ("Socks", 2)], actor=therapist, recorded_at=at(30))
    ids = list(patient.psfs_activities.values_list("pk", flat=True))
    psfs_rate(patient, dict.fromkeys(ids, 6), actor=patient.user, recorded_at=at(16))
    groc_record(patient, 4, actor=patient.user, recorded_at=at(7))
    open_alert = AlertFactory(patient=patient, rule="R7", entry=after)
    resolved = AlertFactory(patient=patient, rule="R9", entry=morning)
    resolved.state = AlertState.RESOLVED
    resolved.save(update_fields=["state"])
    first = PlanVersionFactory(
        plan__patient=patient,
        number=1,
        start_date=NOW.date() - timedelta(days=20),
        created_by=therapist,
    )
    PlanItemFactory(version=first, sets=2, reps=10, times_per_day=2, days_per_week=7)
    second = PlanVersionFactory(
        plan=first.plan, number=2, start_date=NOW.date() - timedelta(days=5), created_by=therapist
    )
    PlanItemFactory(version=second, sets=3, reps=8, hold_seconds=5, instructions="Slowly.")
    return {
        "sessions": (past, video, ahead),
        "entries": (before, after, morning, daily),
        "alerts": (open_alert, resolved),
        "versions": (first, second),
    }


def read_ndjson(directory: Path) -> dict[str, list[dict]]:
    found = {}
    for path in sorted(directory.glob("*.ndjson")):
        found[path.stem] = [json.loads(line) for line in path.read_text().splitlines()]
    return found


def validate_all(resources: Iterable[dict]) -> int:
    """Validate every resource with its fhir.resources R4B model; returns how many."""
    count = 0
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        count += 1
    return count


def _walk(value: Any, found: list):
    if isinstance(value, dict):
        if set(value) >= {"reference"} and isinstance(value["reference"], str):
            found.append(value["reference"])
        for key, item in value.items():
            if key == "coding" and isinstance(item, list):
                found.extend(("coding", c.get("system"), c.get("code")) for c in item)
            _walk(item, found)
    elif isinstance(value, list):
        for item in value:
            _walk(item, found)


def unresolved(resources: list[dict], base: str) -> list:
    """References to resources not in the export; canonical questionnaires not in it; project
    codes not defined by a CodeSystem of the export."""
    present = {f"{r['resourceType']}/{r['id']}" for r in resources}
    canonicals = {r["url"] for r in resources if "url" in r}
    codes = {
        (r["url"], concept["code"])
        for r in resources
        if r["resourceType"] == "CodeSystem"
        for concept in r["concept"]
    }
    missing = []
    for resource in resources:
        found: list = []
        _walk(resource, found)
        for item in found:
            if isinstance(item, str):
                if item not in present:
                    missing.append((resource["resourceType"], resource["id"], item))
            elif item[1] and item[1].startswith(base) and (item[1], item[2]) not in codes:
                missing.append((resource["resourceType"], resource["id"], item))
        if "questionnaire" in resource and resource["questionnaire"] not in canonicals:
            missing.append((resource["resourceType"], resource["id"], resource["questionnaire"]))
    return missing
