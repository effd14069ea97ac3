"""What the patient is told after saving an entry (symptoms.guidance)."""

from dataclasses import dataclass

import pytest

from redflags.guidance import GUIDANCE, NORMAL, NORMAL_RECOVERY, guidance_for, highest_severity
from tests.factories import SymptomEntryFactory


@dataclass
class FakeAlert:
    severity: str


def test_without_alerts_the_patient_gets_reassurance_and_home_care_tips():
    guidance = guidance_for(None, [])
    assert guidance is NORMAL_RECOVERY
    assert guidance.severity == NORMAL
    tips = " ".join(str(tip) for tip in guidance.tips).lower()
    # spec.md section 8: heat or cold, light movement, posture, the home plan, rest.
    for topic in ("warmth", "cool", "moving gently", "position", "home exercises", "rest"):
        assert topic in tips


def test_reassurance_is_written_to_the_patient():
    body = str(NORMAL_RECOVERY.body)
    assert "you" in body.lower()
    assert "therapist" in body


@pytest.mark.parametrize(
    ("severities", "expected"),
    [
        ([], NORMAL),
        (["review"], "review"),
        (["low", "review"], "review"),
        (["review", "urgent", "low"], "urgent"),
        (["urgent", "emergency"], "emergency"),
        (["something-new"], "unlisted"),
    ],
)
def test_the_most_serious_alert_decides(severities, expected):
    assert highest_severity([FakeAlert(s) for s in severities]) == expected


def test_a_severity_without_its_own_guidance_never_reassures(monkeypatch):
    monkeypatch.delitem(GUIDANCE, "review", raising=False)
    guidance = guidance_for(None, [FakeAlert("review")])
    assert guidance is not NORMAL_RECOVERY
    assert guidance.tips == ()


@pytest.mark.django_db
def test_a_severity_can_be_given_as_a_function_of_the_entry(monkeypatch, patient):
    entry = SymptomEntryFactory(patient=patient)
    seen = []

    def review(entry_, alerts):
        seen.append((entry_, alerts))
        return NORMAL_RECOVERY

    monkeypatch.setitem(GUIDANCE, "review", review)
    alerts = [FakeAlert("review")]
    assert guidance_for(entry, alerts) is NORMAL_RECOVERY
    assert seen == [(entry, alerts)]
