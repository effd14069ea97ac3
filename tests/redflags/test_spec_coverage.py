"""The clinical specification (docs/clinical/spec.md) and the clinical-safety cases
(docs/clinical/cases) keep up with the code: every rule of the registry has its own section and
at least one case that expects it to fire, the parameter table states the shipped defaults, and
every test and file the specification names exists. Only files of the repository are read."""

import inspect
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

from redflags.engine.domain import RULE_CODES, RULE_IDS, RULE_SEVERITY
from redflags.engine.params import RuleParams
from redflags.engine.rules.registry import DAY_END, ENTRY, EXERCISE_LOG, FLARE, RULES
from tests.clinical_docs import CASES, CASES_DIR, REPO_ROOT, SPEC

SPEC_TEXT = SPEC.read_text(encoding="utf-8")
HEADING = re.compile(r"^(#{2,4}) (.+)$", re.MULTILINE)
RULE_HEADING = re.compile(r"^#{2,4} (R\d+)\b", re.MULTILINE)
ANY_HEADING = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)


def rule_sections(text: str) -> dict[str, str]:
    """Rule id -> the text of its section (from its heading to the next heading)."""
    headings = list(HEADING.finditer(text))
    sections = {}
    for index, heading in enumerate(headings):
        rule = RULE_HEADING.match(heading.group(0))
        if rule:
            end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
            sections[rule.group(1)] = text[heading.start() : end]
    return sections


def section(text: str, title_start: str) -> str:
    """The text under the heading that starts with ``title_start``, up to the next heading."""
    headings = list(HEADING.finditer(text))
    for index, heading in enumerate(headings):
        if heading.group(2).startswith(title_start):
            end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
            return text[heading.end() : end]
    raise AssertionError(f"the spec has no heading starting {title_start!r}")


def rules_expected_by_cases() -> dict[str, list[str]]:
    """Rule id -> the cases whose ``expect`` has an alert of that rule."""
    expected: dict[str, list[str]] = {}
    for path in CASES:
        case = json.loads(path.read_text(encoding="utf-8"))
        for alert in case.get("expect", {}).get("alerts", []):
            expected.setdefault(alert["rule"], []).append(case["id"])
    return expected


SECTIONS = rule_sections(SPEC_TEXT)
EXPECTED = rules_expected_by_cases()
#: Every rule the engine knows: the ids of the domain and the rules of the registry.
REGISTRY = tuple(dict.fromkeys([*RULE_IDS, *(spec.rule for spec in RULES)]))
#: How the spec's table "The rules at a glance" names each trigger of the registry.
TRIGGER_WORDS = {
    ENTRY: "entry",
    EXERCISE_LOG: "exercise log",
    DAY_END: "sweep",
    FLARE: "entry; sweep",
}


def test_there_are_clinical_safety_cases_and_a_spec():
    assert CASES, f"no clinical-safety cases in {CASES_DIR}"
    assert SECTIONS, f"no rule sections in {SPEC}"


@pytest.mark.parametrize("rule", REGISTRY)
def test_every_rule_of_the_registry_has_its_own_section_in_the_spec(rule):
    assert rule in SECTIONS, f"docs/clinical/spec.md has no heading such as '### {rule} ...'"
    heading = SECTIONS[rule].splitlines()[0]
    assert f"`{RULE_CODES[rule]}`" in heading


@pytest.mark.parametrize("rule", REGISTRY)
def test_every_rule_of_the_registry_fires_in_at_least_one_case(rule):
    assert EXPECTED.get(rule), f"no case in docs/clinical/cases expects an alert of {rule}"


@pytest.mark.parametrize("rule", REGISTRY)
def test_each_rule_section_states_its_severity_and_a_source(rule):
    text = SECTIONS.get(rule, "")
    assert f"- **Severity:** {RULE_SEVERITY[rule]}" in text
    assert "- **Source:** " in text


@pytest.mark.parametrize("spec", RULES, ids=lambda spec: spec.rule)
def test_each_rule_section_names_the_functions_the_registry_runs(spec):
    code = re.search(r"^- \*\*Code:\*\* (.+?)^- \*\*", SECTIONS.get(spec.rule, ""), re.M | re.S)
    assert code, f"the section of {spec.rule} has no '- **Code:**' line"

    named = set(re.findall(r"`(r\d+_\w+)`", code.group(1)))
    assert named == {function.__name__ for function in spec.functions}
    for function in spec.functions:
        module = Path(inspect.getsourcefile(function)).resolve().relative_to(REPO_ROOT)
        assert f"`{module.as_posix()}`" in code.group(1)


def test_the_spec_has_no_section_for_a_rule_outside_the_registry():
    assert set(SECTIONS) <= set(REGISTRY)


def test_the_rules_at_a_glance_state_each_rules_code_severity_and_trigger():
    table = section(SPEC_TEXT, "8.5 ")
    rows = {
        row[0]: row[1:]
        for row in re.findall(r"^\| (R\d+) \| `(\w+)` \| (\w+)[^|]* \| ([^|]+?) \|", table, re.M)
    }

    assert rows == {
        spec.rule: (RULE_CODES[spec.rule], RULE_SEVERITY[spec.rule], TRIGGER_WORDS[spec.trigger])
        for spec in RULES
    }


def test_a_rule_heading_is_told_apart_from_a_longer_rule_id():
    text = "## Rules\n### R10 Exercise pain\nfires\n### R1x not a rule\n### R1 Cauda equina\nnow\n"

    assert rule_sections(text) == {
        "R10": "### R10 Exercise pain\nfires\n",
        "R1": "### R1 Cauda equina\nnow\n",
    }


def test_the_parameter_table_states_the_shipped_defaults():
    table = section(SPEC_TEXT, "8.4 ")
    rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+?) \|", table, re.MULTILINE))
    defaults = RuleParams().to_dict()
    defaults.pop("enabled")

    assert set(rows) == set(defaults)
    for name, value in defaults.items():
        assert Fraction(rows[name]) == Fraction(value), name


def test_the_table_of_shipped_cases_lists_every_case_file():
    table = section(SPEC_TEXT, "10.4 ")
    listed = re.findall(r"^\| `([\w-]+)` \|", table, re.MULTILINE)

    assert sorted(listed) == [path.stem for path in CASES]


def test_every_test_the_spec_names_exists():
    missing = []
    for path, name in set(re.findall(r"(tests/[\w/]+\.py)(?:::(\w+))?", SPEC_TEXT)):
        file = REPO_ROOT / path
        if not file.is_file():
            missing.append(path)
        elif name and not re.search(rf"^def {name}\(", file.read_text(), re.MULTILINE):
            missing.append(f"{path}::{name}")
    assert not missing, f"docs/clinical/spec.md names tests that do not exist: {sorted(missing)}"


def test_every_file_the_spec_names_exists():
    named = set(re.findall(r"`((?:[\w.-]+/)+[\w.-]+\.(?:py|md|json|html))`", SPEC_TEXT))
    missing = sorted(path for path in named if not (REPO_ROOT / path).is_file())

    assert named
    assert not missing, f"docs/clinical/spec.md names files that do not exist: {missing}"


def heading_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to
    hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_heading_anchors_are_worked_out_as_github_does():
    assert heading_anchor("R1 Cauda equina signs (`cauda_equina`)") == (
        "r1-cauda-equina-signs-cauda_equina"
    )
    assert heading_anchor("11.7 What the patient sees, and the wording review") == (
        "117-what-the-patient-sees-and-the-wording-review"
    )


def test_links_in_the_readme_and_docs_reach_their_files_and_headings():
    broken = []
    for document in [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").rglob("*.md"))]:
        for target in re.findall(r"\]\(([^)\s]+)\)", document.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            path, _, anchor = target.partition("#")
            destination = (document.parent / path).resolve() if path else document
            if not destination.exists():
                broken.append(f"{document.relative_to(REPO_ROOT)}: {target}")
            elif anchor and destination.is_file():
                headings = ANY_HEADING.findall(destination.read_text(encoding="utf-8"))
                if anchor not in {heading_anchor(title) for title in headings}:
                    broken.append(f"{document.relative_to(REPO_ROOT)}: {target}")
    assert not broken, f"links that lead nowhere: {broken}"
