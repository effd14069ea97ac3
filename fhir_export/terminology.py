"""Systems and codes of the FHIR export: standard ones (LOINC, HL7 terminology) and the project's
own CodeSystems, generated from the choices the app already uses, so a code in the export is
always one the app can store (issue 16, "other answers in a CodeSystem of the project").

Canonical URLs start with ``settings.FHIR_CANONICAL_BASE``; they name things, they need not be
reachable. Displays are English whatever the exporter's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.text import capfirst

from outcomes.choices import AssessmentKind
from redflags.engine.domain import RULE_CODES
from redflags.models import Severity
from symptoms.choices import (
    Context,
    Descriptor,
    Helped,
    Intervention,
    IsFlare,
    Region,
    RestRelief,
    SessionKind,
    Trigger,
    Weakness,
)
from symptoms.field_lists import ENTRY_FIELDS
from symptoms.models import SymptomEntry

LOINC = "http://loinc.org"
#: LOINC 72514-3: Pain severity - 0-10 verbal numeric rating [Score] - Reported.
PAIN_NOW = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
FLAG_PRIORITY = "http://terminology.hl7.org/CodeSystem/flag-priority-code"
FLAG_PRIORITY_EXTENSION = "http://hl7.org/fhir/StructureDefinition/flag-priority"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
BCP47 = "urn:ietf:bcp:47"

#: Alert severity as the flag-priority extension's code (high, medium, low).
FLAG_PRIORITIES = {
    "emergency": ("PH", "High priority"),
    "urgent": ("PH", "High priority"),
    "review": ("PM", "Medium priority"),
    "low": ("PL", "Low priority"),
}


def base() -> str:
    return settings.FHIR_CANONICAL_BASE.rstrip("/")


def system(name: str) -> str:
    """The canonical URL of one of the project's CodeSystems."""
    return f"{base()}/CodeSystem/{name}"


def questionnaire_url(name: str) -> str:
    return f"{base()}/Questionnaire/{name}"


def identifier_system(kind: str) -> str:
    return f"{base()}/identifier/{kind}"


@dataclass(frozen=True)
class Concept:
    code: str
    display: str


@dataclass(frozen=True)
class ProjectCodeSystem:
    name: str
    title: str
    concepts: tuple[Concept, ...]

    @property
    def url(self) -> str:
        return system(self.name)

    def display(self, code: str) -> str:
        for concept in self.concepts:
            if concept.code == code:
                return concept.display
        raise KeyError(f"{code!r} is not a code of {self.name}")

    def coding(self, code: str) -> dict:
        return {"system": self.url, "code": code, "display": self.display(code)}


def _from_choices(name: str, title: str, choices: type[models.TextChoices]) -> ProjectCodeSystem:
    with translation.override("en"):
        concepts = tuple(Concept(value, str(label)) for value, label in choices.choices)
    return ProjectCodeSystem(name, title, concepts)


def _from_pairs(name: str, title: str, pairs: Iterable[tuple[str, str]]) -> ProjectCodeSystem:
    return ProjectCodeSystem(name, title, tuple(Concept(code, text) for code, text in pairs))


#: The answers of a symptom entry other than current pain (the data dictionary's list, defined
#: once in ``symptoms.field_lists``): each is an Observation.component, coded by its field name.
COMPONENT_FIELDS: tuple[str, ...] = tuple(f for f in ENTRY_FIELDS if f != "pain_now")


def component_code(field: str) -> str:
    return field.replace("_", "-")


def _entry_answers() -> ProjectCodeSystem:
    concepts = []
    with translation.override("en"):
        for field in COMPONENT_FIELDS:
            label = capfirst(str(SymptomEntry._meta.get_field(field).verbose_name))
            concepts.append(Concept(component_code(field), label))
    return ProjectCodeSystem("symptom-entry", "PT Tracker symptom entry answers", tuple(concepts))


ENTRY = _entry_answers()
CONTEXT = _from_choices("entry-context", "When a symptom entry was made", Context)
DESCRIPTOR = _from_choices("descriptor", "Symptom descriptors", Descriptor)
REGION = _from_choices("region", "Body regions", Region)
REST_RELIEF = _from_choices("rest-relief", "Did rest ease it", RestRelief)
WEAKNESS = _from_choices("weakness", "Weakness", Weakness)
IS_FLARE = _from_choices("is-flare", "Flare-up (self-report)", IsFlare)
TRIGGER = _from_choices("trigger", "Flare-up triggers", Trigger)
HELPED = _from_choices("helped", "What helped", Helped)
INTERVENTION = _from_choices("intervention", "PT session interventions", Intervention)
SESSION_KIND = _from_choices("session-kind", "PT session kinds", SessionKind)
SEVERITY = _from_choices("alert-severity", "Red-flag alert severity", Severity)
RULE = _from_pairs(
    "red-flag-rule",
    "PT Tracker red-flag rules (spec.md section 8)",
    ((rule, code.replace("_", " ")) for rule, code in RULE_CODES.items()),
)
PSFS_OCCASION = _from_choices("psfs-occasion", "When the PSFS was rated", AssessmentKind)

#: The entry's coded answers and the CodeSystem each is coded in.
ANSWER_SYSTEMS: dict[str, ProjectCodeSystem] = {
    "context": CONTEXT,
    "descriptors": DESCRIPTOR,
    "regions": REGION,
    "rest_relief": REST_RELIEF,
    "weakness": WEAKNESS,
    "is_flare": IS_FLARE,
    "triggers": TRIGGER,
    "helped": HELPED,
}

CODE_SYSTEMS: tuple[ProjectCodeSystem, ...] = (
    ENTRY,
    CONTEXT,
    DESCRIPTOR,
    REGION,
    REST_RELIEF,
    WEAKNESS,
    IS_FLARE,
    TRIGGER,
    HELPED,
    INTERVENTION,
    SESSION_KIND,
    SEVERITY,
    RULE,
    PSFS_OCCASION,
)
