"""The invented demo clinic: its staff and twelve patient stories (used by `seed_demo`).

Everything here is made up. Days count from the patient's local "today" (negative: the past,
positive: booked ahead), so the demo always looks recent. Each story is built from a seeded
random generator, so a given day always produces the same data.

A story is plain data (sessions and entries); the command writes it through the same services
the forms use, so the red-flag screening sees the demo exactly as it would see real logging.
To extend the demo (exercise plans, for example), look the patients up by `PatientStory.key`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .course import EntrySpec, History, SessionSpec, course

DEMO_CLINIC_NAME = "Riverside Physiotherapy (demo)"
DEMO_CLINIC_TIME_ZONE = "Europe/London"
DEMO_EMERGENCY_NUMBER = "999"
DEMO_PASSWORD = "demo-pass-2026"
DEMO_SEED = 2026


@dataclass(frozen=True)
class StaffSpec:
    key: str
    email: str
    full_name: str
    role: str


STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("tess", "tess.demo@example.com", "Tess Morgan", "therapist"),
    StaffSpec("tom", "tom.demo@example.com", "Tom Adeyemi", "therapist"),
    StaffSpec("ada", "ada.demo@example.com", "Ada Lindqvist", "clinic_admin"),
)


@dataclass(frozen=True)
class PatientStory:
    key: str
    full_name: str
    email: str
    therapists: tuple[str, ...]  # StaffSpec keys
    summary: str  # what the demo shows with this patient (docs/demo.md lists it)
    intake: Mapping[str, Any]
    build: Callable[[random.Random], History]
    time_zone: str = ""  # empty: the clinic's

    def history(self) -> History:
        return self.build(random.Random(f"{DEMO_SEED}:{self.key}"))


# Region sets used by several stories.
LEFT_SCIATICA = ("lower_back", "left_buttock", "left_thigh", "left_lower_leg")
RIGHT_SCIATICA = ("lower_back", "right_buttock", "right_thigh", "right_lower_leg")
NERVE_LEG = ("tingling", "aching", "shooting")
NERVE_GLIDES = (("nerve_mobilisation", "exercise_progression"), ("manual_therapy", "education"))


def _grace(rng: random.Random) -> History:
    # Steady recovery; the lower leg clears in the last three weeks.
    def regions(day: int) -> tuple[str, ...]:
        return LEFT_SCIATICA if day < -21 else LEFT_SCIATICA[:3]

    return course(
        rng,
        weeks=8,
        start_pain=6.5,
        end_pain=2,
        early=True,
        regions=regions,
        descriptors=NERVE_LEG,
        interventions=NERVE_GLIDES,
    )


def _marcus(rng: random.Random) -> History:
    # Every other session (dry needling) is followed by two or three bad days.
    return course(
        rng,
        weeks=7,
        start_pain=4,
        end_pain=3,
        regions=RIGHT_SCIATICA,
        descriptors=("aching", "shooting", "throbbing"),
        interventions=(("dry_needling", "manual_therapy"), ("exercise_progression", "education")),
        after_bump=lambda i: 2 if i % 2 == 1 else 1,
        morning_bump=lambda i: 3 if i % 2 == 1 else 0,
        settle_days=3,
        daily_chance=0.95,
        # The morning after the dry needling of 12 days ago: "Are you having a flare-up?" yes.
        day_fields={-11: {"is_flare": "yes", "triggers": ("exercise",)}},
    )


def _priya(rng: random.Random) -> History:
    # Post-session pain climbs session after session as the loading is progressed.
    climbs = (1, 1, 1, 2, 3, 4, 5)
    return course(
        rng,
        weeks=7,
        first_offset=4,
        start_pain=3,
        end_pain=4,
        regions=("lower_back", "left_buttock", "left_thigh"),
        descriptors=("aching", "tingling"),
        interventions=(("exercise_progression", "nerve_mobilisation"),),
        after_bump=lambda i: climbs[min(i, len(climbs) - 1)],
        morning_bump=lambda i: 1 if i >= 3 else 0,
    )


def _owen(rng: random.Random) -> History:
    # Noisy but flat: no trend after nine weeks.
    return course(
        rng,
        weeks=9,
        start_pain=4.5,
        end_pain=4.5,
        noise=1.0,
        regions=("lower_back", "right_buttock", "right_thigh"),
        descriptors=("aching", "throbbing", "tingling"),
        interventions=(("manual_therapy", "exercise_progression"), ("modalities", "education")),
        daily_chance=0.7,
    )


def _helen(rng: random.Random) -> History:
    # Improving, then a self-reported flare after an afternoon of gardening 20 days ago.
    flare_day = -20
    flare = {"is_flare": "yes", "triggers": ("gardening",), "helped": ("heat", "rest")}
    return course(
        rng,
        weeks=8,
        start_pain=6.5,
        end_pain=2,
        early=True,
        daily_chance=0.85,
        regions=LEFT_SCIATICA,
        descriptors=("aching", "tingling"),
        interventions=NERVE_GLIDES,
        first_offset=3,
        day_bump={flare_day: 4, flare_day + 1: 2, flare_day + 2: 1},
        day_fields={flare_day: flare, flare_day + 1: flare, flare_day + 2: {"is_flare": "unsure"}},
        flare_entries={
            flare_day: ("16:30", {"notes": "Spent the afternoon weeding. Back and leg much worse."})
        },
    )


def _david(rng: random.Random) -> History:
    # Sciatica on the left; three days ago, numbness around the back passage (emergency).
    history = course(
        rng,
        weeks=7,
        start_pain=5,
        end_pain=5,
        regions=LEFT_SCIATICA,
        descriptors=("aching", "shooting", "tingling"),
        interventions=NERVE_GLIDES,
        stop_logging_day=-3,
        first_offset=2,  # the last session was 5 days ago; the next is booked in 2 days
    )
    emergency = EntrySpec(
        day=-3,
        time="19:40",
        context="flare",
        pain_now=7,
        pain_worst=8,
        descriptors=("numbness", "shooting"),
        regions=("lower_back", "left_buttock", "left_thigh", "groin"),
        fields={
            "saddle_numbness": True,
            "is_flare": "yes",
            "rest_relief": "no",
            "notes": "Since lunch it feels numb between my legs. Back much worse.",
        },
    )
    return History(history.sessions, [*history.entries, emergency], history.joined_days_ago)


def _amira(rng: random.Random) -> History:
    # Just added: intake done, first assessment booked for the day after tomorrow.
    return History(
        sessions=[SessionSpec(2, "assessment", (), "")],
        entries=[],
        joined_days_ago=1,
    )


def _frank(rng: random.Random) -> History:
    # Left-sided for weeks; four days ago the right leg started tingling too (new bilateral).
    def regions(day: int) -> tuple[str, ...]:
        if day >= -4:
            return (*LEFT_SCIATICA[:3], "right_buttock", "right_thigh")
        return LEFT_SCIATICA[:3]

    return course(
        rng,
        weeks=7,
        start_pain=5,
        end_pain=4,
        regions=regions,
        descriptors=("aching", "tingling"),
        interventions=NERVE_GLIDES,
        first_offset=1,
        day_fields={-4: {"notes": "Tingling down the right leg as well now."}},
    )


def _sofia(rng: random.Random) -> History:
    # Logged well for a month, then stopped; sessions carried on.
    return course(
        rng,
        weeks=8,
        start_pain=6,
        end_pain=2.5,
        early=True,
        regions=RIGHT_SCIATICA,
        descriptors=("aching", "tingling"),
        interventions=NERVE_GLIDES,
        stop_logging_day=-21,
        first_offset=4,
    )


def _brian(rng: random.Random) -> History:
    # Diabetes: both feet numb since before treatment (in the intake), so no new-bilateral alarm.
    return course(
        rng,
        weeks=10,
        start_pain=6.5,
        end_pain=2.5,
        early=True,
        regions=("lower_back", "left_buttock", "left_thigh", "left_foot", "right_foot"),
        descriptors=("aching", "numbness"),
        interventions=(("exercise_progression", "education"), ("manual_therapy",)),
        session_kind="telehealth",
        daily_chance=0.6,
    )


def _lena(rng: random.Random) -> History:
    # Neck and right arm: burning, electric shocks and pins and needles (a neuropathic pattern).
    history = course(
        rng,
        weeks=7,
        start_pain=6,
        end_pain=3,
        early=True,
        regions=("neck", "right_shoulder", "right_upper_arm", "right_forearm"),
        descriptors=("pins_and_needles", "aching", "burning"),
        interventions=(("nerve_mobilisation", "manual_therapy"), ("exercise_progression",)),
        first_offset=5,
    )
    # The first entry names three DN4 items; later ones at most two.
    first, *rest = history.entries
    dn4 = EntrySpec(
        day=first.day,
        time=first.time,
        context=first.context,
        pain_now=first.pain_now,
        pain_worst=first.pain_worst,
        descriptors=("burning", "electric_shock", "pins_and_needles"),
        regions=first.regions,
        fields=first.fields,
    )
    return History(history.sessions, [dn4, *rest], history.joined_days_ago)


def _marco(rng: random.Random) -> History:
    # Lives in Madrid (his own time zone); telehealth with both therapists; steady.
    return course(
        rng,
        weeks=7,
        start_pain=5,
        end_pain=2,
        early=True,
        regions=("left_upper_arm", "left_forearm", "left_hand"),
        descriptors=("tingling", "aching"),
        interventions=(("nerve_mobilisation", "education"), ("exercise_progression",)),
        session_kind="telehealth",
        daily_chance=0.9,
    )


STORIES: tuple[PatientStory, ...] = (
    PatientStory(
        "grace",
        "Grace Holloway",
        "grace.demo@example.com",
        ("tess",),
        "Steady recovery over 8 weeks; small bumps after sessions settle by the morning.",
        {
            "conditions": "L5 radiculopathy, left (disc)",
            "baseline_pain": 6,
            "baseline_regions": LEFT_SCIATICA,
        },
        _grace,
    ),
    PatientStory(
        "marcus",
        "Marcus Bell",
        "marcus.demo@example.com",
        ("tess",),
        "Flare-ups for 2-3 days after the dry-needling sessions, fine after the others.",
        {
            "conditions": "S1 radiculopathy, right",
            "baseline_pain": 4,
            "baseline_regions": RIGHT_SCIATICA,
        },
        _marcus,
    ),
    PatientStory(
        "priya",
        "Priya Raman",
        "priya.demo@example.com",
        ("tom",),
        "Pain after each session is higher than after the one before.",
        {
            "conditions": "Lumbar radicular pain, left",
            "baseline_pain": 3,
            "baseline_regions": ("lower_back", "left_buttock", "left_thigh"),
        },
        _priya,
    ),
    PatientStory(
        "owen",
        "Owen Clarke",
        "owen.demo@example.com",
        ("tom",),
        "Noisy but flat: nine weeks without a real change.",
        {
            "conditions": "Chronic lumbar radiculopathy, right",
            "baseline_pain": 5,
            "baseline_regions": ("lower_back", "right_buttock", "right_thigh"),
        },
        _owen,
    ),
    PatientStory(
        "helen",
        "Helen Ward",
        "helen.demo@example.com",
        ("tess",),
        "Improving; a self-reported flare after gardening 20 days ago that settled in days.",
        {
            "conditions": "L5 radiculopathy, left",
            "baseline_pain": 6,
            "baseline_regions": LEFT_SCIATICA,
        },
        _helen,
    ),
    PatientStory(
        "david",
        "David Okafor",
        "david.demo@example.com",
        ("tom",),
        "Emergency: reported saddle numbness 3 days ago (cauda equina screening).",
        {
            "conditions": "L4/5 disc herniation, left leg pain",
            "baseline_pain": 5,
            "baseline_regions": LEFT_SCIATICA,
        },
        _david,
    ),
    PatientStory(
        "amira",
        "Amira Haddad",
        "amira.demo@example.com",
        ("tess",),
        "New patient: intake done, no entries yet, assessment booked.",
        {
            "conditions": "Suspected piriformis-related sciatic irritation, right",
            "baseline_pain": 4,
            "baseline_regions": ("right_buttock", "right_thigh"),
        },
        _amira,
    ),
    PatientStory(
        "frank",
        "Frank Doyle",
        "frank.demo@example.com",
        ("tom",),
        "Left leg for weeks; tingling in the right leg too for the last 4 days (new bilateral).",
        {
            "conditions": "Lumbar spinal stenosis",
            "baseline_pain": 5,
            "baseline_regions": ("lower_back", "left_buttock", "left_thigh"),
        },
        _frank,
    ),
    PatientStory(
        "sofia",
        "Sofia Marin",
        "sofia.demo@example.com",
        ("tess",),
        "Logged well for a month, nothing for the last 3 weeks although sessions continue.",
        {
            "conditions": "S1 radiculopathy, right",
            "baseline_pain": 6,
            "baseline_regions": RIGHT_SCIATICA,
        },
        _sofia,
    ),
    PatientStory(
        "brian",
        "Brian Mills",
        "brian.demo@example.com",
        ("tom",),
        "Diabetes, both feet numb since before treatment; slow start, then improving.",
        {
            "conditions": "L4 radiculopathy, left; diabetic peripheral neuropathy",
            "baseline_pain": 6,
            "baseline_regions": ("lower_back", "left_foot", "right_foot"),
            "diabetes": True,
        },
        _brian,
    ),
    PatientStory(
        "lena",
        "Lena Fischer",
        "lena.demo@example.com",
        ("tess",),
        "Neck and right arm with burning and electric shocks; improving.",
        {
            "conditions": "C6 radiculopathy, right",
            "baseline_pain": 6,
            "baseline_regions": ("neck", "right_shoulder", "right_upper_arm", "right_forearm"),
        },
        _lena,
    ),
    PatientStory(
        "marco",
        "Marco Rossi",
        "marco.demo@example.com",
        ("tom", "tess"),
        "Lives in Madrid (own time zone), telehealth with both therapists; steady.",
        {
            "conditions": "Ulnar nerve irritation at the elbow, left",
            "baseline_pain": 5,
            "baseline_regions": ("left_forearm", "left_hand"),
        },
        _marco,
        time_zone="Europe/Madrid",
    ),
)
