"""The Spanish a patient reads is plain (issue 7: "reviewed for clarity"): the guidance after an
entry, every red-flag message and the exercise traffic light score at least 65 on the
Szigriszt-Pazos / INFLESZ scale ("bastante fácil", fairly easy: above 65; 55 to 65 is
"normal", the level of a general newspaper), the Spanish counterpart of the reading-age check of
tests/redflags/test_guidance_wording.py.

INFLESZ = 206.835 - 62.3 x syllables/words - words/sentences (Barrio-Cantalejo et al. 2008,
Anales Sis San Navarra 31:135). Syllables are counted by vowel groups, splitting two strong
vowels (a, e, o) and an accented í or ú from its neighbour, which is exact for almost all
Spanish words."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.utils import translation

from exercises.traffic_light import traffic_light
from redflags.guidance import GUIDANCE, NORMAL_RECOVERY, UNLISTED
from redflags.messages import alert_patient_message
from tests.i18n.test_alert_messages import _as_alert, _combinations

PLAIN_ENOUGH = 65
_VOWELS = set("aeiouáéíóúü")
_STRONG = set("aeoáéó")
_ACCENTED_WEAK = set("íú")


def syllables(word: str) -> int:
    count, previous = 0, None
    for letter in word.lower():
        if letter not in _VOWELS:
            previous = None
            continue
        starts_syllable = previous is None or (previous in _STRONG and letter in _STRONG)
        if starts_syllable or _ACCENTED_WEAK & {previous, letter}:
            count += 1
        previous = letter
    return max(1, count)


def inflesz(text: str) -> float:
    words = re.findall(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+", text)
    sentences = max(1, len(re.findall(r"[.!?]+", text)))
    return 206.835 - 62.3 * sum(map(syllables, words)) / len(words) - len(words) / sentences


@pytest.mark.parametrize(
    ("word", "count"),
    [("fisioterapeuta", 6), ("día", 2), ("cuando", 2), ("ejercicios", 4), ("sí", 1), ("leer", 2)],
)
def test_syllables_are_counted_as_a_spanish_reader_says_them(word, count):
    assert syllables(word) == count


def _guidance_texts() -> list[tuple[str, str]]:
    alert = SimpleNamespace(
        severity="",
        patient_message="",
        patient=SimpleNamespace(clinic=SimpleNamespace(emergency_number="112")),
    )
    texts = []
    for severity, source in {"normal": NORMAL_RECOVERY, "unlisted": UNLISTED, **GUIDANCE}.items():
        alert.severity = severity
        guidance = source(None, [alert]) if callable(source) else source
        parts = [f"{guidance.heading}.", str(guidance.body), *map(str, guidance.tips)]
        texts.append((f"guidance {severity}", " ".join(parts)))
    return texts


def _alert_texts() -> list[tuple[str, str]]:
    return [
        (f"alert {f.rule} {f.severity}", alert_patient_message(_as_alert(f, "112")))
        for f in _combinations()
    ]


def _traffic_light_texts() -> list[tuple[str, str]]:
    texts = []
    for pain in (1, 4, 8):
        light = traffic_light(pain)
        parts = [f"{light.title}.", str(light.guidance), *map(str, light.next_time)]
        texts.append((f"traffic light {pain}", " ".join(parts)))
    return texts


def test_what_a_spanish_patient_is_told_is_plain():
    with translation.override("es"):
        texts = _guidance_texts() + _alert_texts() + _traffic_light_texts()
        scores = {name: round(inflesz(text), 1) for name, text in texts}
    assert len(scores) > 20
    too_hard = {name: score for name, score in scores.items() if score < PLAIN_ENOUGH}
    assert too_hard == {}
