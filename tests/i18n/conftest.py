"""A Spanish-speaking patient, and a check that a page has no English left in it."""

from __future__ import annotations

import gettext
import html
import re
from functools import cache
from pathlib import Path

import pytest
from django.core import mail

CATALOG = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES" / "django.mo"
LOCMEM_MAIL = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture
def spanish_patient(patient):
    patient.user.preferred_language = "es"
    patient.user.save(update_fields=["preferred_language"])
    return patient


@pytest.fixture
def locmem_mail(settings):
    settings.MAILERS = LOCMEM_MAIL
    mail.outbox = []
    return mail.outbox


@cache
def english_sentences() -> tuple[str, ...]:
    """Every English text of the Spanish catalog that would give itself away on a page: at
    least three words, no placeholder, and translated to something else. Placeholders split a
    text into pieces; a piece of five words or more is kept too."""
    with CATALOG.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001 (the parsed .mo)
    texts: set[str] = set()
    for key, spanish in catalog.items():
        english = key[0] if isinstance(key, tuple) else key
        english = english.split("\x04")[-1]
        if not english or english == spanish or "<" in english:
            continue
        for piece in re.split(r"%\(\w+\)[sd]|%[sd]", english):
            piece = " ".join(piece.split()).strip(" ,.:;")
            if len(piece.split()) >= (3 if piece == english.strip(" ,.:;") else 5):
                texts.add(piece)
    return tuple(sorted(texts, key=len, reverse=True))


def visible_text(markup: str) -> str:
    """The words a reader meets, attributes people hear (aria-label, title, alt) included."""
    heard = " ".join(re.findall(r'(?:aria-label|title|alt|placeholder)="([^"]*)"', markup))
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", markup)
    return " ".join(html.unescape(f"{text} {heard}").split())


def english_left(markup: str) -> list[str]:
    """The English texts of the catalog still in a page meant to be in Spanish."""
    text = visible_text(markup)
    return [sentence for sentence in english_sentences() if sentence in text]
