"""The answers the log page marks as emergencies, for the advice a phone shows offline
(issue 17), cannot drift from the rules: every combination of the entry's yes/no answers is run
through the engine, and an emergency finding comes exactly when a marked answer is ticked."""

import datetime as dt
import itertools
import re
from dataclasses import fields

import pytest
from django.urls import reverse

from redflags.engine.domain import RULE_SEVERITY, Entry, Intake
from redflags.engine.params import RuleParams
from redflags.engine.rules.evaluate import evaluate_entry
from redflags.engine.rules.registry import ANSWER_RULES, emergency_answers
from symptoms.forms import SymptomEntryForm, TickField

pytestmark = pytest.mark.django_db

#: Every yes/no question of the entry form that the rules read.
TICK_ANSWERS = [
    name
    for name, field in SymptomEntryForm.base_fields.items()
    if isinstance(field, TickField) and name in {f.name for f in fields(Entry)}
]


def _emergency(ticked: set[str]) -> bool:
    entry = Entry(
        id=1,
        day=dt.date(2026, 11, 26),
        recorded_at=dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC),
        context="daily",
        session_id=None,
        pain_now=0,
        pain_worst=0,
        **{name: name in ticked for name in TICK_ANSWERS},
    )
    findings = evaluate_entry(
        entry,
        intake=Intake(baseline_pain=0),
        earlier_entries=[],
        day_pains=[],
        sessions_post_pain=[],
        pre_session_pain=None,
        r12_already_fired=False,
        params=RuleParams(),
    )
    return any(finding.severity == "emergency" for finding in findings)


def test_the_marked_answers_are_exactly_those_that_raise_an_emergency(patient_client):
    html = patient_client.get(reverse("care:entry_create")).content.decode()
    marked = set(re.search(r'data-emergency-answers="([^"]*)"', html).group(1).split())
    assert marked, "the log page marks no emergency answer"
    assert len(TICK_ANSWERS) == 8  # six screening questions, foot drop, function limited
    for ticks in itertools.product([False, True], repeat=len(TICK_ANSWERS)):
        ticked = {name for name, tick in zip(TICK_ANSWERS, ticks, strict=True) if tick}
        assert _emergency(ticked) == bool(ticked & marked), sorted(ticked)


def test_only_emergency_rules_give_emergency_answers():
    for rule, answers in ANSWER_RULES.items():
        in_list = set(answers) <= set(emergency_answers(RuleParams()))
        assert in_list == (RULE_SEVERITY[rule] == "emergency")
