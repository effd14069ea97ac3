"""Every user-facing string is marked for translation and translated into Spanish, and the
compiled catalog that ships in git matches its source (a fresh clone needs no gettext)."""

from __future__ import annotations

import gettext
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation

from tests.i18n.conftest import CATALOG
from tests.i18n.template_text import all_templates, unmarked_in_source, unmarked_text

PO = CATALOG.with_suffix(".po")
IGNORED = ["node_modules", "staticfiles", "tests", "bench", "pt_tracker.egg-info", ".venv"]


# --- Templates: no English outside {% translate %} / {% blocktranslate %} -----------------------


def test_no_template_has_unmarked_user_visible_text():
    found = [str(item) for path in all_templates() for item in unmarked_text(path)]
    assert found == [], "Mark these for translation:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Hello there</p>", ["Hello there"]),
        ('<button aria-label="Close the menu">x</button>', ["aria-label=Close the menu"]),
        ("{{ entry.notes|default:'Nothing chosen' }}", ["|default:'Nothing chosen'"]),
        ("<p>{% if a %}Yes please{% endif %}</p>", ["Yes please"]),
        ("{% translate 'Hello there' %}", []),
        ("{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}", []),
        ("{% comment %}Not shown{% endcomment %}<script>var a = 'Hello you';</script>", []),
        ('<a class="btn btn-primary" href="{% url \'home\' %}">{{ label }}</a>', []),
        ("<title>{% block title %}PT Tracker{% endblock %}</title>", []),
        ('<div class="{% block body_class %}print-page{% endblock %}"></div>', []),
        ("{{ x|default:'btn-outline-secondary' }}", []),
    ],
)
def test_the_scanner_finds_unmarked_text_and_only_that(source, expected):
    assert [u.text for u in unmarked_in_source("t.html", source)] == expected


# --- The Spanish catalog --------------------------------------------------------------------------


def _po_entries(path) -> list[dict]:
    """msgctxt, msgid and msgstr(s) of each entry of a .po file (a small reader: enough for the
    files makemessages writes)."""
    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, field = None, None
            continue
        if line.startswith("#"):
            if line.startswith("#,") and entry is not None:
                entry.setdefault("flags", line)
            elif line.startswith("#,"):
                entry = {"flags": line}
            continue
        entry = entry if entry is not None else {}
        if line.startswith('"'):
            entry[field] += _unquote(line)
            continue
        field, _, value = line.partition(" ")
        entry[field] = _unquote(value)
    return entries


def _unquote(text: str) -> str:
    return text.strip()[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _key(entry: dict) -> str:
    context = entry.get("msgctxt")
    return f"{context}\x04{entry['msgid']}" if context is not None else entry["msgid"]


def test_every_spanish_entry_is_translated_and_none_is_fuzzy():
    entries = [e for e in _po_entries(PO) if e["msgid"]]
    assert len(entries) > 1000
    untranslated = [
        e["msgid"]
        for e in entries
        if not all(v for k, v in e.items() if k.startswith("msgstr"))
        or "fuzzy" in e.get("flags", "")
    ]
    assert untranslated == []


def test_the_compiled_catalog_matches_its_source():
    with CATALOG.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001
    for entry in _po_entries(PO):
        if not entry["msgid"]:
            continue
        if "msgid_plural" in entry:
            assert compiled[(_key(entry), 0)] == entry["msgstr[0]"], entry["msgid"]
        else:
            assert compiled[_key(entry)] == entry["msgstr"], entry["msgid"]


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext (xgettext)")
def test_every_marked_string_in_the_code_has_a_spanish_translation(tmp_path, settings, monkeypatch):
    """makemessages over a scratch copy of the project (links to its folders, no locale/) finds
    what the code marks today; all of it must be in the shipped catalog. After marking new
    strings: `make messages`, translate, `make compilemessages`."""
    project = Path(settings.BASE_DIR)
    scratch = tmp_path / "project"
    scratch.mkdir()
    for child in project.iterdir():
        if (
            child.is_dir()
            and child.name not in {*IGNORED, "locale"}
            and not child.name.startswith(".")
        ):
            (scratch / child.name).symlink_to(child, target_is_directory=True)
    (scratch / "locale").mkdir()
    monkeypatch.chdir(scratch)
    settings.LOCALE_PATHS = [scratch / "locale"]
    call_command("makemessages", locale=["es"], ignore_patterns=IGNORED, symlinks=True, verbosity=0)
    fresh = {_key(e) for e in _po_entries(scratch / "locale" / "es" / "LC_MESSAGES" / "django.po")}
    shipped = {_key(e) for e in _po_entries(PO)}
    assert len(fresh) > 1000
    assert sorted(fresh - {""} - shipped) == []


# --- Dates in the reader's language ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "Thursday 26 November · 26 November · 26 November 2026 · Thursday 26 November, 16:15",
        ),
        (
            "es",
            "Jueves 26 de noviembre · 26 de noviembre · 26 de noviembre de 2026 · "
            "jueves 26 de noviembre, 16:15",
        ),
    ],
)
def test_dates_use_each_languages_own_order_and_words(language, expected):
    template = Template(
        '{{ d|date:"WEEKDAY_DAY_MONTH_FORMAT"|capfirst }} · {{ d|date:"DAY_MONTH_FORMAT" }} · '
        '{{ d|date:"DAY_MONTH_YEAR_FORMAT" }} · {{ t|date:"WEEKDAY_DAY_MONTH_TIME_FORMAT" }}'
    )
    context = Context({"d": date(2026, 11, 26), "t": datetime(2026, 11, 26, 16, 15)})
    with translation.override(language):
        assert template.render(context) == expected
