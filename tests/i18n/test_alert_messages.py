"""What a red-flag alert tells the patient, in their language (redflags/messages.py).

The rules are pure and write their patient sentence in English; the alert keeps that English
message as the clinical record, and the patient's page rebuilds it from the rule, severity and
data in the patient's language. These tests hold the rebuilt English to the rules' own words,
for every finding the rules produce on the clinical vignettes and on combinations written here,
and check the Spanish has no English left in it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from types import SimpleNamespace

import pytest
from django.utils import translation

from redflags.engine.domain import DayPain, Entry, ExerciseLog, Intake, PlanItem, Session
from redflags.engine.flare import FlareEpisode
from redflags.engine.params import RuleParams
from redflags.engine.rules import common, day_end, patterns, screening
from redflags.messages import alert_patient_message, patient_message, patient_reason
from tests.clinical_docs import CASES, CASES_DIR
from tests.i18n.conftest import english_left
from tests.redflags.replay_pure import simulate_case

P = RuleParams()
D0 = date(2026, 1, 5)


def _entry(n: int, **fields) -> Entry:
    fields.setdefault("pain_now", 2)
    fields.setdefault("pain_worst", max(2, fields["pain_now"]))
    for name in ("descriptors", "regions"):
        fields[name] = frozenset(fields.get(name, ()))
    day = D0 + timedelta(days=n)
    return Entry(
        id=100 + n,
        day=day,
        recorded_at=datetime.combine(day, time(12), tzinfo=UTC),
        context=fields.pop("context", "daily"),
        session_id=None,
        **fields,
    )


def _combinations() -> list:
    """Findings whose sentences join several parts, which the vignettes may not reach."""
    rising = [_entry(0, weakness="none"), _entry(1, weakness="noticeable")]
    episode = FlareEpisode(D0, None, Fraction(7, 2), 7, False, D0 + timedelta(days=1))
    return [
        screening.r1_cauda_equina(
            _entry(2, bladder_bowel_change=True, saddle_numbness=True, sexual_dysfunction_new=True)
        ),
        screening.r3_progressive_weakness(
            _entry(2, weakness="limits_activities", foot_drop=True), rising, P
        ),
        screening.r5_spreading_symptoms(
            _entry(20, regions={"right_thigh", "left_hand"}, descriptors={"tingling"}),
            Intake(2, frozenset({"left_foot", "right_buttock", "left_shoulder"})),
            [],
            P,
        ),
        screening.r6_serious_pathology(
            _entry(
                2, fever_or_unwell=True, unexplained_weight_loss=True, night_pain_unrelieved=True
            ),
            Intake(2, cancer_history=True),
        ),
        screening.r7_severe_unrelieved_pain(
            _entry(2, pain_now=8, descriptors={"stabbing", "shooting"}, rest_relief="no"), P
        ),
        patterns.r11_flare_finding(episode, [1]),
        patterns.r11_escalation_finding(episode, D0 + timedelta(days=8)),
        screening.r4_function_limiting_nerve(_entry(2, nerve_symptoms_limit_activities=True)),
        patterns.r10_exercise_pain_red_zone(
            ExerciseLog(2, _day(3), "bridge", 8), [ExerciseLog(1, D0, "bridge", 7)], P
        ),
        patterns.r12_neuropathic_pattern(
            _entry(2, descriptors={"burning", "tingling", "numbness"}), False, P
        ),
        *day_end.r13_disengaged_session(_day(2), [Session(1, D0)], set(), P),
        day_end.r13_disengaged_plan(_day(6), [PlanItem("bridge", 2, 7, D0)], {}, P),
        day_end.r14_not_improving(_day(28), D0, [DayPain(_day(n), 5) for n in range(29)], P),
    ]


def _day(n: int) -> date:
    return D0 + timedelta(days=n)


def _all_findings(monkeypatch) -> list:
    seen = []
    original = common.make_finding  # recording every finding the rules make

    def recording(*args, **kwargs):
        finding = original(*args, **kwargs)
        seen.append(finding)
        return finding

    for module in (screening, patterns, day_end):
        monkeypatch.setattr(module, "make_finding", recording)
    assert CASES, f"no clinical-safety cases in {CASES_DIR}"
    for path in CASES:
        simulate_case(json.loads(path.read_text()))
    seen.extend(_combinations())
    return seen


@pytest.fixture
def findings(monkeypatch):
    return _all_findings(monkeypatch)


def test_every_rule_is_covered(findings):
    assert {f.rule for f in findings} == {f"R{n}" for n in range(1, 15)}


def test_the_rebuilt_english_is_word_for_word_the_rules_sentence(findings):
    with translation.override("en"):
        for finding in findings:
            rebuilt = patient_reason(finding.rule, finding.severity, finding.data)
            assert rebuilt == finding.patient_reason, (finding.rule, finding.data)


def _as_alert(finding, number: str = "999", *, stored: str | None = None):
    clinic = SimpleNamespace(emergency_number=number)
    return SimpleNamespace(
        rule=finding.rule,
        severity=finding.severity,
        data=finding.data,
        patient_message=stored if stored is not None else "stored",
        patient=SimpleNamespace(clinic=clinic),
    )


def test_the_patient_reads_the_stored_english_in_english(findings):
    patient = SimpleNamespace(clinic=SimpleNamespace(emergency_number="999"))
    for finding in findings:
        stored = patient_message(finding, patient)
        with translation.override("en"):
            assert alert_patient_message(_as_alert(finding, stored=stored)) == stored


def test_the_stored_message_is_english_even_for_a_spanish_patient(findings):
    patient = SimpleNamespace(clinic=SimpleNamespace(emergency_number="112"))
    with translation.override("es"):
        for finding in findings:
            assert patient_message(finding, patient).startswith(finding.patient_reason)


def test_a_spanish_patient_reads_every_message_in_spanish(findings):
    with translation.override("es"):
        for finding in findings:
            message = alert_patient_message(_as_alert(finding))
            assert message and message != finding.patient_reason
            assert english_left(message) == [], (finding.rule, message)
            if finding.severity in {"emergency", "urgent"}:
                assert "999" in message


def test_the_emergency_message_in_spanish_names_what_the_patient_told_us():
    finding = screening.r1_cauda_equina(_entry(2, saddle_numbness=True, bladder_bowel_change=True))
    with translation.override("es"):
        message = alert_patient_message(_as_alert(finding, "112"))
    assert message.startswith(
        "Nos has dicho que tienes problemas nuevos para hacer pis o caca, o para aguantar las "
        "ganas y adormecimiento entre las piernas."
    )
    assert "Llama ya al 112 o ve a las urgencias más cercanas." in message


def test_data_the_message_cannot_read_gives_a_safe_general_sentence():
    with translation.override("es"):
        assert patient_reason("R1", "emergency", {}) == (
            "Nos has contado algo que tu clínica debe revisar."
        )
        assert patient_reason("R5", "urgent", {"spread": [{"limb_side": "tail"}]}) == (
            "Nos has contado algo que tu clínica debe revisar."
        )


def test_an_alert_that_told_the_patient_nothing_still_tells_nothing(findings):
    with translation.override("es"):
        assert alert_patient_message(_as_alert(findings[0], stored="")) == ""
