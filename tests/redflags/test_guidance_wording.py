"""The advice patients read after logging is plain: Flesch-Kincaid grade 6 or below (a reading
age of about 11) and no sentence longer than 20 words (spec.md: "reading age of about 11").

The grade formula is the standard one; syllables are counted with the usual vowel-group
heuristic, which is what readability checkers use too. See docs/clinical-decisions.md,
"Wording review".
"""

import re
from types import SimpleNamespace

import pytest

from redflags.guidance import GUIDANCE, NORMAL_RECOVERY, UNLISTED, Guidance, warning_guidance

MAX_GRADE = 6.0
MAX_SENTENCE_WORDS = 20


def syllables(word: str) -> int:
    word = re.sub(r"[^a-z]", "", word.lower())
    if not word:
        return 0
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", word)
    word = re.sub(r"^y", "", word)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", word)))


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9']+", text)


def fk_grade(text: str) -> float:
    found = words(text)
    return (
        0.39 * len(found) / len(sentences(text))
        + 11.8 * sum(map(syllables, found)) / len(found)
        - 15.59
    )


def test_the_grade_formula_tells_plain_from_hard_text():
    assert fk_grade("Rest when you need to. Keep moving gently.") < 3
    assert (
        fk_grade(
            "Neuropathic manifestations necessitate comprehensive multidisciplinary "
            "evaluation notwithstanding symptomatic amelioration."
        )
        > 12
    )


def _alert(severity: str) -> SimpleNamespace:
    clinic = SimpleNamespace(emergency_number="999")
    return SimpleNamespace(
        severity=severity,
        patient_message="",
        patient=SimpleNamespace(clinic=clinic),
    )


def _all_guidance() -> list[Guidance]:
    built = [NORMAL_RECOVERY, UNLISTED]
    for severity, source in GUIDANCE.items():
        if callable(source):
            built.append(source(None, [_alert(severity)]))
    return built


def _passage(guidance: Guidance) -> str:
    parts = [guidance.body, *guidance.tips]
    return " ".join(p if p.rstrip().endswith((".", "!", "?")) else f"{p}." for p in map(str, parts))


def test_every_severity_has_its_own_guidance():
    assert {"emergency", "urgent", "review", "low", "normal"} <= set(GUIDANCE)


@pytest.mark.parametrize("guidance", _all_guidance(), ids=lambda g: g.severity)
def test_guidance_reads_at_grade_six_or_below(guidance):
    passage = _passage(guidance)
    assert fk_grade(passage) <= MAX_GRADE, f"{guidance.severity}: grade {fk_grade(passage):.1f}"


@pytest.mark.parametrize("guidance", _all_guidance(), ids=lambda g: g.severity)
def test_guidance_sentences_are_short(guidance):
    for text in [guidance.heading, guidance.body, *guidance.tips]:
        for sentence in sentences(str(text)):
            assert len(words(sentence)) <= MAX_SENTENCE_WORDS, sentence


# --- The banner of an open urgent or emergency alert (issue 11) ---------------------------------


def _warnings() -> list[Guidance]:
    """The banner's words for every rule that can be urgent or emergency."""
    built = []
    for rule, severity in [
        ("R1", "emergency"),
        *((rule, "urgent") for rule in ("R2", "R3", "R4", "R5", "R6", "R7", "R11")),
    ]:
        alert = SimpleNamespace(
            rule=rule, severity=severity, data={}, patient=_alert(severity).patient
        )
        built.append(warning_guidance(alert))
    return built


@pytest.mark.parametrize("guidance", _warnings(), ids=lambda g: f"banner-{g.severity}")
def test_the_banner_reads_at_grade_six_or_below_in_short_sentences(guidance):
    passage = _passage(guidance)
    assert fk_grade(passage) <= MAX_GRADE, f"{guidance.severity}: grade {fk_grade(passage):.1f}"
    for text in [guidance.heading, guidance.body, *guidance.tips]:
        for sentence in sentences(str(text)):
            assert len(words(sentence)) <= MAX_SENTENCE_WORDS, sentence
