"""FHIR R4 resources as plain JSON-ready dicts, one builder per resource type (issue 16).

Builders take what ``collect`` loaded (values rows and small dataclasses) and return dicts; they
run no queries. References are relative ("Patient/12"): ``collect`` makes sure every one of
them names a resource of the same export, and the tests check it and validate every resource
with the ``fhir.resources`` R4B models.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db import models

from accounts.phones import phone_e164
from outcomes.measures import (
    GROC_LABELS_EN,
    GROC_MAX,
    GROC_MIN,
    PSFS_MAX,
    PSFS_MIN,
    psfs_score,
)
from symptoms.fields import ChoiceSetField
from symptoms.models import SymptomEntry

from . import terminology as t

Resource = dict[str, Any]


def ref(resource_type: str, pk: Any) -> dict[str, str]:
    return {"reference": f"{resource_type}/{pk}"}


def instant(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """A FHIR dateTime with its offset, in the patient's zone, to the second."""
    return moment.astimezone(zone).replace(microsecond=0).isoformat()


def _concept(code_system: t.ProjectCodeSystem, code: str) -> dict:
    return {"coding": [code_system.coding(code)], "text": code_system.display(code)}


# --- Organization, Practitioner, Patient --------------------------------------------------------


def organization(clinic: Mapping[str, Any]) -> Resource:
    return {
        "resourceType": "Organization",
        "id": str(clinic["id"]),
        "identifier": [{"system": t.identifier_system("clinic"), "value": str(clinic["id"])}],
        "active": True,
        "type": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                        "code": "prov",
                        "display": "Healthcare Provider",
                    }
                ]
            }
        ],
        "name": clinic["name"],
    }


def practitioner(user: Mapping[str, Any]) -> Resource:
    return {
        "resourceType": "Practitioner",
        "id": str(user["id"]),
        "identifier": [{"system": t.identifier_system("user"), "value": str(user["id"])}],
        "active": bool(user["is_active"]),
        "name": [{"text": user["full_name"]}],
        "telecom": [{"system": "email", "value": user["email"], "use": "work"}],
    }


def _emergency_contact(row: Mapping[str, Any]) -> list[Resource]:
    """The patient's emergency contact (issue 11) as Patient.contact, relationship "C"."""
    name, phone = row["emergency_contact_name"], phone_e164(row["emergency_contact_phone"])
    if not name:
        return []
    contact: Resource = {
        "relationship": [
            {"coding": [{"system": t.CONTACT_ROLE, "code": "C", "display": "Emergency Contact"}]}
        ],
        "name": {"text": name},
    }
    if phone:
        contact["telecom"] = [{"system": "phone", "value": phone}]
    return [contact]


def patient(row: Mapping[str, Any]) -> Resource:
    telecom: list[Resource] = []
    phone = phone_e164(row["phone"])
    if phone:
        telecom.append({"system": "phone", "value": phone})
    telecom.append({"system": "email", "value": row["user__email"]})
    contact = _emergency_contact(row)
    return {
        "resourceType": "Patient",
        "id": str(row["id"]),
        "identifier": [{"system": t.identifier_system("patient"), "value": str(row["id"])}],
        "active": row["closed_at"] is None,
        "name": [{"text": row["user__full_name"]}],
        "telecom": telecom,
        "communication": [
            {
                "language": {
                    "coding": [{"system": t.BCP47, "code": row["user__preferred_language"]}]
                },
                "preferred": True,
            }
        ],
        "managingOrganization": ref("Organization", row["clinic_id"]),
        **({"contact": contact} if contact else {}),
    }


# --- Encounter (a PT session) -------------------------------------------------------------------


def encounter(row: Mapping[str, Any], *, today: dt.date, practitioner_id: int | None) -> Resource:
    telehealth = row["kind"] == "telehealth"
    resource: Resource = {
        "resourceType": "Encounter",
        "id": str(row["id"]),
        "status": "planned" if row["date"] > today else "finished",
        "class": {
            "system": t.ACT_CODE,
            "code": "VR" if telehealth else "AMB",
            "display": "virtual" if telehealth else "ambulatory",
        },
        # The interventions given in the session, one concept each.
        "type": [_concept(t.INTERVENTION, code) for code in sorted(row["interventions"] or ())],
        "serviceType": _concept(t.SESSION_KIND, row["kind"]),
        "subject": ref("Patient", row["patient_id"]),
        "period": {"start": row["date"].isoformat(), "end": row["date"].isoformat()},
        "serviceProvider": ref("Organization", row["patient__clinic_id"]),
    }
    if not resource["type"]:
        del resource["type"]
    if practitioner_id is not None:
        resource["participant"] = [{"individual": ref("Practitioner", practitioner_id)}]
    return resource


# --- Observation (a symptom entry) ---------------------------------------------------------------

#: Entries made after a session, about it: their Observation names the session's Encounter.
FOLLOWS_SESSION = ("after_session", "next_morning")


def _component(code: str, value: dict) -> dict:
    return {"code": _concept(t.ENTRY, code), **value}


def observation_components(row: Mapping[str, Any]) -> list[dict]:
    """Every answer of the entry but current pain, in the data dictionary's order: coded
    answers in the project's CodeSystems (one component per value of a set), yes/no answers as
    booleans, numbers as integers, the note as text when there is one."""
    components = []
    for field in t.COMPONENT_FIELDS:
        code, value = t.component_code(field), row[field]
        model_field = SymptomEntry._meta.get_field(field)
        if field in t.ANSWER_SYSTEMS:
            values = sorted(value or ()) if isinstance(model_field, ChoiceSetField) else [value]
            for item in values:
                concept = _concept(t.ANSWER_SYSTEMS[field], item)
                components.append(_component(code, {"valueCodeableConcept": concept}))
        elif isinstance(model_field, models.BooleanField):
            components.append(_component(code, {"valueBoolean": bool(value)}))
        elif isinstance(model_field, models.IntegerField):
            components.append(_component(code, {"valueInteger": value}))
        elif value:
            components.append(_component(code, {"valueString": value}))
    return components


def observation(row: Mapping[str, Any], zone: zoneinfo.ZoneInfo) -> Resource:
    """A symptom entry: current pain (LOINC 72514-3, 0-10) with the other answers as components
    coded in the project's CodeSystem; linked to its session's Encounter when it follows one."""
    code, display = t.PAIN_NOW
    resource: Resource = {
        "resourceType": "Observation",
        "id": str(row["id"]),
        "status": "amended" if row["corrected_at"] else "final",
        "category": [
            {"coding": [{"system": t.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": {"coding": [{"system": t.LOINC, "code": code, "display": display}]},
        "subject": ref("Patient", row["patient_id"]),
        "effectiveDateTime": instant(row["recorded_at"], zone),
        "issued": instant(row["corrected_at"] or row["created_at"], zone),
        "performer": [ref("Patient", row["patient_id"])],
        "valueInteger": row["pain_now"],
        "component": observation_components(row),
    }
    if row["session_id"] and row["context"] in FOLLOWS_SESSION:
        resource["encounter"] = ref("Encounter", row["session_id"])
    return resource


# --- Questionnaires and responses (PSFS, GROC) -------------------------------------------------


def _range(low: int, high: int) -> list[dict]:
    return [{"url": t.MIN_VALUE, "valueInteger": low}, {"url": t.MAX_VALUE, "valueInteger": high}]


def questionnaire_psfs() -> Resource:
    return {
        "resourceType": "Questionnaire",
        "id": "psfs",
        "url": t.questionnaire_url("psfs"),
        "version": "1",
        "name": "PatientSpecificFunctionalScale",
        "title": "Patient-Specific Functional Scale (PSFS)",
        "status": "active",
        "subjectType": ["Patient"],
        "description": (
            "Up to five activities the patient finds hard, each rated 0 (unable to perform) to "
            "10 (able to perform at the level before the problem); the score is the mean. A "
            "change of 2 points is clinically important (Stratford 1995; Horn 2012)."
        ),
        "item": [
            {
                "linkId": "occasion",
                "text": "When it was rated",
                "type": "choice",
                "answerOption": [{"valueCoding": c} for c in _codings(t.PSFS_OCCASION)],
            },
            {
                "linkId": "activity",
                "text": "Activity",
                "type": "group",
                "repeats": True,
                "item": [
                    {"linkId": "activity.name", "text": "Activity", "type": "string"},
                    {
                        "linkId": "activity.rating",
                        "text": "Ability now: 0 unable to perform, 10 as before the problem",
                        "type": "integer",
                        "extension": _range(PSFS_MIN, PSFS_MAX),
                    },
                ],
            },
            {"linkId": "score", "text": "PSFS score (mean)", "type": "decimal", "readOnly": True},
        ],
    }


def questionnaire_groc() -> Resource:
    anchors = "; ".join(f"{score:+d} {text}" for score, text in GROC_LABELS_EN.items())
    return {
        "resourceType": "Questionnaire",
        "id": "groc",
        "url": t.questionnaire_url("groc"),
        "version": "1",
        "name": "GlobalRatingOfChange",
        "title": "Global Rating of Change (GROC)",
        "status": "active",
        "subjectType": ["Patient"],
        "description": (
            "Overall change since the start of treatment, -7 to +7; +3 or more is a clinically "
            f"important improvement (Kamper 2009). Anchors: {anchors}."
        ),
        "item": [
            {
                "linkId": "groc",
                "text": "Since you started treatment, how would you describe how you are now?",
                "type": "integer",
                "extension": _range(GROC_MIN, GROC_MAX),
            }
        ],
    }


def _codings(code_system: t.ProjectCodeSystem) -> list[dict]:
    return [code_system.coding(concept.code) for concept in code_system.concepts]


def _author(author: tuple[str, int] | None) -> dict:
    return {"author": ref(*author)} if author else {}


def _one_decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def psfs_response(
    assessment: Mapping[str, Any],
    ratings: Sequence[tuple[str, int]],
    zone: zoneinfo.ZoneInfo,
    author: tuple[str, int] | None,
) -> Resource:
    """One PSFS assessment: the occasion, each activity with its rating, and the mean."""
    items: list[dict] = [
        {
            "linkId": "occasion",
            "answer": [{"valueCoding": t.PSFS_OCCASION.coding(assessment["kind"])}],
        }
    ]
    for name, rating in ratings:
        items.append(
            {
                "linkId": "activity",
                "item": [
                    {"linkId": "activity.name", "answer": [{"valueString": name}]},
                    {"linkId": "activity.rating", "answer": [{"valueInteger": rating}]},
                ],
            }
        )
    score = psfs_score(rating for _name, rating in ratings)
    items.append({"linkId": "score", "answer": [{"valueDecimal": float(_one_decimal(score))}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"psfs-{assessment['id']}",
        "questionnaire": t.questionnaire_url("psfs"),
        "status": "completed",
        "subject": ref("Patient", assessment["patient_id"]),
        "authored": instant(assessment["recorded_at"], zone),
        **_author(author),
        "item": items,
    }


def groc_response(
    row: Mapping[str, Any], zone: zoneinfo.ZoneInfo, author: tuple[str, int] | None
) -> Resource:
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"groc-{row['id']}",
        "questionnaire": t.questionnaire_url("groc"),
        "status": "completed",
        "subject": ref("Patient", row["patient_id"]),
        "authored": instant(row["recorded_at"], zone),
        **_author(author),
        "item": [{"linkId": "groc", "answer": [{"valueInteger": row["score"]}]}],
    }


# --- Flag (an open alert) ------------------------------------------------------------------------


def flag(row: Mapping[str, Any], zone: zoneinfo.ZoneInfo) -> Resource:
    """An unresolved red-flag alert: its rule as the code, its severity as the flag-priority
    extension (with the project's severity code beside the standard one)."""
    priority, priority_display = t.FLAG_PRIORITIES[row["severity"]]
    return {
        "resourceType": "Flag",
        "id": str(row["id"]),
        "extension": [
            {
                "url": t.FLAG_PRIORITY_EXTENSION,
                "valueCodeableConcept": {
                    "coding": [
                        {"system": t.FLAG_PRIORITY, "code": priority, "display": priority_display},
                        t.SEVERITY.coding(row["severity"]),
                    ],
                    "text": t.SEVERITY.display(row["severity"]),
                },
            }
        ],
        "status": "active",
        "category": [
            {"coding": [{"system": t.FLAG_CATEGORY, "code": "clinical", "display": "Clinical"}]}
        ],
        "code": {"coding": [t.RULE.coding(row["rule"])], "text": row["reason"]},
        "subject": ref("Patient", row["patient_id"]),
        "period": {"start": instant(row["opened_at"], zone)},
        "author": ref("Organization", row["patient__clinic_id"]),
    }


# --- CarePlan (a version of the home exercise plan) --------------------------------------------


def care_plan(
    version: Mapping[str, Any],
    items: Iterable[Mapping[str, Any]],
    *,
    last_day: dt.date | None,
    today: dt.date,
    replaces: int | None,
    zone: zoneinfo.ZoneInfo,
    author_id: int | None,
) -> Resource:
    """One plan version: its exercises with their dosage. A version that has run its course (or
    was replaced) is completed; the one in force, or booked ahead, is active."""
    finished = last_day is not None and last_day < today
    period = {"start": version["start_date"].isoformat()}
    if last_day is not None and last_day >= version["start_date"]:
        period["end"] = last_day.isoformat()
    resource: Resource = {
        "resourceType": "CarePlan",
        "id": str(version["id"]),
        "status": "completed" if finished else "active",
        "intent": "plan",
        "title": f"Home exercise plan, version {version['number']}",
        "subject": ref("Patient", version["plan__patient_id"]),
        "period": period,
        "created": instant(version["created_at"], zone),
        "activity": [_activity(item, finished) for item in items],
    }
    if version["note_to_patient"]:
        resource["description"] = version["note_to_patient"]
    if author_id is not None:
        resource["author"] = ref("Practitioner", author_id)
    if replaces is not None:
        resource["replaces"] = [ref("CarePlan", replaces)]
    if not resource["activity"]:
        del resource["activity"]
    return resource


def _activity(item: Mapping[str, Any], finished: bool) -> dict:
    code: dict[str, Any] = {"text": item["exercise__name"]}
    times_a_week = item["times_per_day"] * item["days_per_week"]
    return {
        "detail": {
            "code": code,
            "status": "completed" if finished else "in-progress",
            "scheduledTiming": {
                "repeat": {"frequency": times_a_week, "period": 1, "periodUnit": "wk"}
            },
            "description": item["dosage"]
            + (f" {item['instructions']}" if item["instructions"] else ""),
        }
    }


# --- CodeSystem ----------------------------------------------------------------------------------


def code_system(code_system_def: t.ProjectCodeSystem) -> Resource:
    return {
        "resourceType": "CodeSystem",
        "id": code_system_def.name,
        "url": code_system_def.url,
        "name": "".join(part.capitalize() for part in code_system_def.name.split("-")),
        "title": code_system_def.title,
        "status": "active",
        "content": "complete",
        "caseSensitive": True,
        "count": len(code_system_def.concepts),
        "concept": [{"code": c.code, "display": c.display} for c in code_system_def.concepts],
    }
