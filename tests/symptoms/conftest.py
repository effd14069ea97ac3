"""Helpers for the symptom tests: a valid form submission and a fixed clock."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

LONDON = zoneinfo.ZoneInfo("Europe/London")
# A Thursday afternoon in London (GMT), away from any clock change.
NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=LONDON)


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def entry_post(**overrides) -> dict:
    """A complete, valid submission of the logging form; overrides replace or drop (None) keys."""
    data = {
        "context": "daily",
        "pain_now": "4",
        "pain_worst": "6",
        "descriptors": ["burning", "tingling"],
        "regions": ["left_thigh", "left_foot"],
        "screening_none": "on",
        "rest_relief": "partly",
        "weakness": "none",
        "is_flare": "no",
        "notes": "",
    }
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def is_checked(html: str, name: str, value: str | None = None) -> bool:
    """Whether the rendered radio or checkbox `name`(=`value`) is checked."""
    start = html.index(f'name="{name}"' + (f' value="{value}"' if value is not None else ""))
    tag = html[html.rindex("<input", 0, start) : html.index(">", start)]
    return " checked" in tag


def make_alert(entry, *, rule="R4", severity="urgent", state="open"):
    """An alert with `entry` as its evidence, written directly (no rules run)."""
    from redflags.models import Alert, AlertEvidence, RuleSetVersion

    version, _ = RuleSetVersion.objects.get_or_create(
        clinic=entry.patient.clinic, number=1, defaults={"params": {}}
    )
    alert = Alert.objects.create(
        patient=entry.patient,
        rule=rule,
        severity=severity,
        initial_severity=severity,
        state=state,
        rule_set_version=version,
        opened_day=entry.day,
        reason="test",
    )
    AlertEvidence.objects.create(alert=alert, entry=entry, day=entry.day)
    return alert
