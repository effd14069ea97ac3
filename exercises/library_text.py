"""The shared exercise library in the reader's language (issue 7).

The library's names and instructions are data (migration 0003), written for patients in English.
Their translations live beside the interface's, in `locale/<language>/exercise_library.json`,
keyed by the English text: a text shared by several exercises (the glides' "when to stop") is
translated once, and a clinic's copy of a library exercise reads in Spanish until the clinic
rewrites it. Text without a translation (a clinic's own exercise) is shown as written.
tests/i18n/test_exercise_library.py checks every library text has its Spanish.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language

FILE_NAME = "exercise_library.json"


@cache
def translations(language: str) -> dict[str, str]:
    """English library text -> its translation, for `language` (empty if there is none)."""
    for base in settings.LOCALE_PATHS:
        path = Path(base) / language / FILE_NAME
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    return {}


def in_reader_language(text: str) -> str:
    """`text` in the active language when the library has it translated, else as it is."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if not text or language == settings.LANGUAGE_CODE:
        return text
    return translations(language).get(text, text)
