"""Plain data the clinical engine works on (spec.md section 2, "Data dictionary").

Nothing here knows about Django: the service layer turns model rows into these frozen
dataclasses, calls the pure rules in ``rules`` and ``flare``, and stores the findings.
Field names follow the data dictionary so that a clinical reviewer can map them one to one.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

# --- Choices (spec.md section 2) ---------------------------------------------------------

CONTEXTS = frozenset({"before_session", "after_session", "next_morning", "daily", "flare"})
REST_RELIEF_CHOICES = frozenset({"yes", "partly", "no", "not_tried"})
IS_FLARE_CHOICES = frozenset({"yes", "no", "unsure"})

DESCRIPTORS = frozenset(
    {
        "burning",
        "painful_cold",
        "electric_shock",
        "tingling",
        "pins_and_needles",
        "numbness",
        "itching",
        "shooting",
        "stabbing",
        "aching",
        "throbbing",
    }
)

#: The seven DN4 interview items (Bouhassira et al. 2005), used by R12.
DN4_ITEMS = frozenset(
    {
        "burning",
        "painful_cold",
        "electric_shock",
        "tingling",
        "pins_and_needles",
        "numbness",
        "itching",
    }
)

#: Descriptors that make an entry count for R5 (spreading nerve symptoms).
SPREADING_DESCRIPTORS = frozenset({"numbness", "tingling", "pins_and_needles"})

#: Descriptors that, with severe unrelieved pain, make R7 fire.
SHARP_DESCRIPTORS = frozenset({"stabbing", "shooting"})

#: Ordered from least to most; R3 looks for a strict increase along this order.
WEAKNESS_ORDER: tuple[str, ...] = ("none", "noticeable", "limits_activities")

INTERVENTIONS = frozenset(
    {
        "manual_therapy",
        "nerve_mobilisation",
        "exercise_progression",
        "education",
        "modalities",
        "dry_needling",
        "other",
    }
)

# --- Regions and limb chains ------------------------------------------------------------------

SIDES: tuple[str, ...] = ("left", "right")

#: Near-to-far order of each limb; position 1 is nearest the spine.
LEG_CHAIN: tuple[str, ...] = ("buttock", "thigh", "lower_leg", "foot")
ARM_CHAIN: tuple[str, ...] = ("shoulder", "upper_arm", "forearm", "hand")
LIMB_CHAINS: dict[str, tuple[str, ...]] = {"leg": LEG_CHAIN, "arm": ARM_CHAIN}

AXIAL_REGIONS = frozenset({"head", "neck", "upper_back", "lower_back", "chest", "abdomen", "groin"})


def _limb_side_levels() -> dict[str, dict[str, int]]:
    levels: dict[str, dict[str, int]] = {}
    for side in SIDES:
        for limb, chain in LIMB_CHAINS.items():
            levels[f"{side}_{limb}"] = {
                f"{side}_{part}": position for position, part in enumerate(chain, start=1)
            }
    return levels


#: ``{"left_leg": {"left_buttock": 1, ..., "left_foot": 4}, "right_arm": {...}, ...}``
LIMB_SIDE_LEVELS: dict[str, dict[str, int]] = _limb_side_levels()

LEFT_LEG_REGIONS = frozenset(LIMB_SIDE_LEVELS["left_leg"])
RIGHT_LEG_REGIONS = frozenset(LIMB_SIDE_LEVELS["right_leg"])
LEG_REGIONS = LEFT_LEG_REGIONS | RIGHT_LEG_REGIONS

REGIONS = AXIAL_REGIONS.union(*(set(levels) for levels in LIMB_SIDE_LEVELS.values()))

# --- Rules and severities (spec.md section 8) ---------------------------------------------

#: Ordered from least to most serious, so ``SEVERITY_ORDER.index`` ranks severities.
SEVERITY_ORDER: tuple[str, ...] = ("low", "review", "urgent", "emergency")

RULE_IDS: tuple[str, ...] = tuple(f"R{number}" for number in range(1, 15))

RULE_CODES: dict[str, str] = {
    "R1": "cauda_equina",
    "R2": "new_bilateral_leg",
    "R3": "progressive_weakness",
    "R4": "function_limiting_nerve",
    "R5": "spreading_symptoms",
    "R6": "serious_pathology",
    "R7": "severe_unrelieved_pain",
    "R8": "worsening_after_sessions",
    "R9": "failed_24h_response",
    "R10": "exercise_pain_red_zone",
    "R11": "flare_up",
    "R12": "neuropathic_pattern",
    "R13": "disengaged",
    "R14": "not_improving",
}

#: Default severity of each rule; R11 is raised to urgent by the escalation sweep.
RULE_SEVERITY: dict[str, str] = {
    "R1": "emergency",
    "R2": "urgent",
    "R3": "urgent",
    "R4": "urgent",
    "R5": "urgent",
    "R6": "urgent",
    "R7": "urgent",
    "R8": "review",
    "R9": "review",
    "R10": "review",
    "R11": "review",
    "R12": "review",
    "R13": "low",
    "R14": "review",
}


def severity_rank(severity: str) -> int:
    """Rank for comparing severities: higher is more serious."""
    return SEVERITY_ORDER.index(severity)


def highest_severity(severities: Iterable[str]) -> str:
    """The most serious of the given severities (an alert's severity is its highest)."""
    return max(severities, key=severity_rank)


def _check_choice(name: str, value: str, choices: frozenset[str] | tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name}={value!r} is not one of {sorted(choices)}")


def _check_subset(name: str, values: frozenset[str], allowed: frozenset[str]) -> None:
    unknown = values - allowed
    if unknown:
        raise ValueError(f"{name} has unknown values {sorted(unknown)}")


def _check_pain(name: str, value: int) -> None:
    # bool is an int subclass; a True pain score is a bug upstream, not a 1.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValueError(f"{name}={value!r} must be an integer from 0 to 10 (NPRS)")


# --- Inputs -------------------------------------------------------------------------------------
# Invalid values raise ValueError on construction: a typo such as "stabing" would otherwise make
# a rule silently never fire. Forms enforce the same constraints, so valid saves never hit this.


@dataclass(frozen=True)
class Intake:
    """A patient's intake (one per patient, editable by the therapist)."""

    baseline_pain: int
    baseline_regions: frozenset[str] = frozenset()
    cancer_history: bool = False
    diabetes: bool = False

    def __post_init__(self) -> None:
        _check_pain("baseline_pain", self.baseline_pain)
        object.__setattr__(self, "baseline_regions", frozenset(self.baseline_regions))
        _check_subset("baseline_regions", self.baseline_regions, REGIONS)


@dataclass(frozen=True)
class Entry:
    """One symptom entry. ``day`` is the patient's local date of ``recorded_at``."""

    id: int | None
    day: date
    recorded_at: datetime
    context: str
    session_id: int | None
    pain_now: int
    pain_worst: int
    descriptors: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    rest_relief: str = "not_tried"
    weakness: str = "none"
    foot_drop: bool = False
    nerve_symptoms_limit_activities: bool = False
    bladder_bowel_change: bool = False
    saddle_numbness: bool = False
    sexual_dysfunction_new: bool = False
    fever_or_unwell: bool = False
    unexplained_weight_loss: bool = False
    night_pain_unrelieved: bool = False
    is_flare: str = "no"

    def __post_init__(self) -> None:
        _check_choice("context", self.context, CONTEXTS)
        _check_pain("pain_now", self.pain_now)
        _check_pain("pain_worst", self.pain_worst)
        if self.pain_worst < self.pain_now:
            raise ValueError(
                f"pain_worst={self.pain_worst} is below pain_now={self.pain_now}; "
                "worst pain since the last entry is at least the pain now"
            )
        object.__setattr__(self, "descriptors", frozenset(self.descriptors))
        object.__setattr__(self, "regions", frozenset(self.regions))
        _check_subset("descriptors", self.descriptors, DESCRIPTORS)
        _check_subset("regions", self.regions, REGIONS)
        _check_choice("rest_relief", self.rest_relief, REST_RELIEF_CHOICES)
        _check_choice("weakness", self.weakness, WEAKNESS_ORDER)
        _check_choice("is_flare", self.is_flare, IS_FLARE_CHOICES)


#: The patient's answers an ``Entry`` carries, under the symptom entry's own field names (the
#: rest of ``Entry`` says which entry it is and when). tests/symptoms/test_field_lists.py checks
#: them against the symptom entry's field list.
ENTRY_ANSWER_FIELDS: tuple[str, ...] = tuple(
    item.name
    for item in fields(Entry)
    if item.name not in {"id", "day", "recorded_at", "session_id"}
)


@dataclass(frozen=True)
class Session:
    """A PT session (recorded by the therapist, or scheduled ahead)."""

    id: int | None
    day: date
    interventions: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "interventions", frozenset(self.interventions))
        _check_subset("interventions", self.interventions, INTERVENTIONS)


@dataclass(frozen=True)
class ExerciseLog:
    """One exercise on one day; ``exercise_key`` names the exercise (plan or library key)."""

    id: int | None
    day: date
    exercise_key: str
    pain_during: int

    def __post_init__(self) -> None:
        _check_pain("pain_during", self.pain_during)


@dataclass(frozen=True)
class PlanItem:
    """One prescribed exercise of a home-exercise plan version, with its weekly dosage."""

    exercise_key: str
    times_per_day: int
    days_per_week: int
    start_day: date
    end_day: date | None = None

    def __post_init__(self) -> None:
        if self.times_per_day < 0 or not 0 <= self.days_per_week <= 7:
            raise ValueError("times_per_day must be >= 0 and days_per_week from 0 to 7")
        if self.end_day is not None and self.end_day < self.start_day:
            raise ValueError("end_day is before start_day")

    @property
    def weekly_doses(self) -> int:
        """Prescribed doses per week: ``times_per_day`` x ``days_per_week`` (R13)."""
        return self.times_per_day * self.days_per_week


@dataclass(frozen=True)
class DayPain:
    """A logged day: its daily pain (highest ``pain_worst``) and whether any entry said
    ``is_flare = yes`` (spec.md section 4 and 6)."""

    day: date
    daily_pain: int
    flare_yes: bool = False


# --- Output ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """What a rule concluded. The service opens an alert or adds evidence to the open one.

    ``reason`` is one sentence for the clinician citing the values; ``patient_reason`` is a plain
    second-person sentence for the patient. ``data`` holds the triggering values and is
    JSON-serialisable (ints, floats, strings, lists, dicts, bools, None).
    """

    rule: str
    code: str
    severity: str
    reason: str
    patient_reason: str
    evidence_entry_ids: tuple[int, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    #: R10 is about exercise logs rather than symptom entries; their ids go here.
    evidence_exercise_log_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        _check_choice("rule", self.rule, RULE_IDS)
        _check_choice("severity", self.severity, SEVERITY_ORDER)
