"""The field lists of the data dictionary (spec.md section 2), each defined once, in the
dictionary's order.

Forms, services, the replay format, the exports and the benchmark data derive their lists from
these. tests/symptoms/test_field_lists.py fails when a model gains a field that is neither in
its list here nor in its bookkeeping (who, whom and when: set by the services, never answered).
"""

from __future__ import annotations

from django.db import models

from .choices import SCREENING_QUESTIONS
from .fields import ChoiceSetField
from .models import Intake, PTSession, SymptomEntry

# --- Intake --------------------------------------------------------------------------------------

#: What the therapist notes at the start.
INTAKE_FIELDS: tuple[str, ...] = (
    "conditions",
    "baseline_pain",
    "baseline_regions",
    "cancer_history",
    "diabetes",
)
INTAKE_BOOKKEEPING = frozenset({"id", "patient", "updated_at", "updated_by"})

# --- PT session ----------------------------------------------------------------------------------

#: What the therapist records about a session.
SESSION_FIELDS: tuple[str, ...] = ("date", "kind", "interventions", "notes")
SESSION_BOOKKEEPING = frozenset({"id", "patient", "created_by", "created_at"})

# --- Symptom entry -------------------------------------------------------------------------------

#: The six screening questions, asked on every entry as one checklist.
ENTRY_SCREENING_FIELDS: tuple[str, ...] = tuple(SCREENING_QUESTIONS)

#: What the patient answers in a symptom entry.
ENTRY_FIELDS: tuple[str, ...] = (
    "context",
    "pain_now",
    "pain_worst",
    "descriptors",
    "regions",
    "rest_relief",
    "weakness",
    "foot_drop",
    "nerve_symptoms_limit_activities",
    *ENTRY_SCREENING_FIELDS,
    "is_flare",
    "triggers",
    "helped",
    "sleep_disturbed",
    "notes",
)
#: When and how the entry was saved, and the session the app linked it to.
ENTRY_BOOKKEEPING = frozenset(
    {
        "id",
        "patient",
        "recorded_at",
        "day",
        "session",
        "created_at",
        "created_by",
        "corrected_at",
        "via_link",
        "idempotency_key",
    }
)


def fields_of_kind(
    model: type[models.Model], names: tuple[str, ...], kind: type[models.Field]
) -> tuple[str, ...]:
    """Those of ``names`` whose model field is a ``kind``, in the order of ``names``."""
    return tuple(name for name in names if isinstance(model._meta.get_field(name), kind))


#: Entry answers that are a set of choices (stored as a sorted JSON list).
ENTRY_SET_FIELDS = fields_of_kind(SymptomEntry, ENTRY_FIELDS, ChoiceSetField)
#: Entry answers that are yes or no (a ticked box).
ENTRY_FLAG_FIELDS = fields_of_kind(SymptomEntry, ENTRY_FIELDS, models.BooleanField)
INTAKE_SET_FIELDS = fields_of_kind(Intake, INTAKE_FIELDS, ChoiceSetField)
SESSION_SET_FIELDS = fields_of_kind(PTSession, SESSION_FIELDS, ChoiceSetField)
