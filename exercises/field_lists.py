"""The field lists of exercises, plan items and exercise logs (spec.md section 2), each
defined once.

Forms, services, the replay format, the exports and the benchmark data derive their lists from
these. tests/exercises/test_field_lists.py fails when a model gains a field that is neither in
its list here nor in its bookkeeping.
"""

from __future__ import annotations

# --- Dosage --------------------------------------------------------------------------------------

#: The numbers of a dosage: a plan item's, and (as ``default_<name>``) an exercise's usual one.
DOSAGE_FIELDS: tuple[str, ...] = (
    "sets",
    "reps",
    "hold_seconds",
    "times_per_day",
    "days_per_week",
)
#: What the therapist prescribes for one exercise of a plan version.
PLAN_ITEM_FIELDS: tuple[str, ...] = (*DOSAGE_FIELDS, "instructions")
PLAN_ITEM_BOOKKEEPING = frozenset({"id", "version", "exercise", "order"})

# --- Library -------------------------------------------------------------------------------------

#: An exercise's usual dosage, which a new plan item starts from.
EXERCISE_DOSAGE_FIELDS: tuple[str, ...] = tuple(f"default_{name}" for name in DOSAGE_FIELDS)
#: What a clinic writes about one of its own exercises.
EXERCISE_FIELDS: tuple[str, ...] = (
    "name",
    "body_area",
    "starting_position",
    "movement",
    "should_feel",
    "should_not_feel",
    "when_to_stop",
    "precautions",
    "video_url",
    *EXERCISE_DOSAGE_FIELDS,
)
#: The slug is made from the name; illustrations belong to the shared library's own files.
EXERCISE_BOOKKEEPING = frozenset(
    {"id", "clinic", "slug", "illustration", "created_by", "created_at"}
)

# --- Exercise log --------------------------------------------------------------------------------

#: What the patient answers about one dose.
EXERCISE_LOG_FIELDS: tuple[str, ...] = ("sets_done", "pain_during", "difficulty", "note")
#: Whose dose of which exercise, when, and the plan item in force that day.
EXERCISE_LOG_BOOKKEEPING = frozenset(
    {
        "id",
        "patient",
        "exercise",
        "plan_item",
        "logged_at",
        "day",
        "idempotency_key",
        "created_at",
    }
)
