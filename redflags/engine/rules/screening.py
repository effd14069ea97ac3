"""Red flags screened on every symptom entry: R1-R7, the emergency and urgent signs of
spec.md section 8. Each takes the entry (and the earlier data its window needs) and returns a
``Finding`` or None."""

from collections.abc import Iterable, Sequence

from ..domain import (
    LEFT_LEG_REGIONS,
    LIMB_SIDE_LEVELS,
    RIGHT_LEG_REGIONS,
    SHARP_DESCRIPTORS,
    SPREADING_DESCRIPTORS,
    WEAKNESS_ORDER,
    Entry,
    Finding,
    Intake,
)
from ..params import RuleParams
from .common import (
    earlier_in_window,
    entries_before,
    join_words,
    limb_side_label,
    make_finding,
    region_label,
)

_CAUDA_EQUINA_SIGNS = {
    "bladder_bowel_change": (
        "new bladder or bowel change",
        "new trouble passing or holding urine or stool",
    ),
    "saddle_numbness": ("saddle numbness", "numbness between your legs"),
    "sexual_dysfunction_new": ("new sexual dysfunction", "a new loss of sexual function"),
}
#: The answers that make R1 fire by themselves, whatever else the entry says.
CAUDA_EQUINA_ANSWERS: tuple[str, ...] = tuple(_CAUDA_EQUINA_SIGNS)


def r1_cauda_equina(entry: Entry) -> Finding | None:
    """R1 ``cauda_equina`` (emergency): bladder/bowel change, saddle numbness or new sexual
    dysfunction, whatever the pain. Source: BMJ Best Practice, cauda equina syndrome."""
    signs = [name for name in _CAUDA_EQUINA_SIGNS if getattr(entry, name)]
    if not signs:
        return None
    clinical = join_words([_CAUDA_EQUINA_SIGNS[name][0] for name in signs])
    plain = join_words([_CAUDA_EQUINA_SIGNS[name][1] for name in signs])
    return make_finding(
        "R1",
        f"Possible cauda equina syndrome: the patient reports {clinical} "
        f"(pain now {entry.pain_now}/10).",
        f"You told us you have {plain}.",
        entry_ids=[entry.id],
        data={"signs": signs, "pain_now": entry.pain_now},
    )


def _has_both_legs(regions: Iterable[str]) -> bool:
    regions = set(regions)
    return bool(regions & LEFT_LEG_REGIONS) and bool(regions & RIGHT_LEG_REGIONS)


def r2_new_bilateral_leg(
    entry: Entry, intake: Intake, earlier_entries: Sequence[Entry], params: RuleParams
) -> Finding | None:
    """R2 ``new_bilateral_leg`` (urgent): leg regions on both sides, and no single earlier
    source (the intake, or one entry of the previous 14 days) had both sides. One side earlier
    and the other later do not add up (section 5). Source: Eur Spine J 2011 (PMC3082683)."""
    if not _has_both_legs(entry.regions):
        return None
    if _has_both_legs(intake.baseline_regions):
        return None
    window = earlier_in_window(entry, earlier_entries, params.r2_window_days)
    if any(_has_both_legs(e.regions) for e in window):
        return None
    legs = sorted(entry.regions & (LEFT_LEG_REGIONS | RIGHT_LEG_REGIONS))
    return make_finding(
        "R2",
        f"New symptoms in both legs ({', '.join(map(region_label, legs))}); neither the intake "
        f"nor any entry of the previous {params.r2_window_days} days had both legs.",
        "You told us you have symptoms in both legs, which is new for you.",
        entry_ids=[entry.id],
        data={"leg_regions": legs, "window_days": params.r2_window_days},
    )


def r3_progressive_weakness(
    entry: Entry, earlier_entries: Sequence[Entry], params: RuleParams
) -> Finding | None:
    """R3 ``progressive_weakness`` (urgent), two branches (section 5):
    foot drop reported now and not in the previous 14 days (earlier today included); or
    ``weakness`` strictly increasing over the last three entries, whatever the gaps between
    them. Source: NHS Lothian RefHelp (foot drop).

    The weakness branch needs the two entries before this one even when they are older than
    14 days, so the service includes them in ``earlier_entries``."""
    earlier = entries_before(entry, earlier_entries)

    new_foot_drop = False
    if entry.foot_drop:
        window = earlier_in_window(entry, earlier, params.r3_window_days)
        new_foot_drop = not any(e.foot_drop for e in window)

    run = [*earlier[-(params.r3_rising_entries - 1) :], entry]
    levels = [WEAKNESS_ORDER.index(e.weakness) for e in run]
    rising = len(run) == params.r3_rising_entries and all(
        a < b for a, b in zip(levels, levels[1:], strict=False)
    )

    if not (new_foot_drop or rising):
        return None
    reasons, plain = [], []
    if new_foot_drop:
        reasons.append(f"new foot drop (not reported in the previous {params.r3_window_days} days)")
        plain.append("your foot is catching or slapping down, which is new")
    if rising:
        reasons.append(
            "weakness increasing over the last "
            f"{len(run)} entries ({', '.join(e.weakness for e in run)})"
        )
        plain.append("your weakness has got worse each time you logged")
    return make_finding(
        "R3",
        f"Progressive weakness: {join_words(reasons)}.",
        f"You told us {join_words(plain)}.",
        entry_ids=[e.id for e in run] if rising else [entry.id],
        data={
            "new_foot_drop": new_foot_drop,
            "weakness_rising": rising,
            "weakness_sequence": [e.weakness for e in run],
        },
    )


def r4_function_limiting_nerve(entry: Entry) -> Finding | None:
    """R4 ``function_limiting_nerve`` (urgent): numbness or weakness stops ordinary daily
    activities. Source: clinic source document."""
    if not entry.nerve_symptoms_limit_activities:
        return None
    return make_finding(
        "R4",
        "The patient reports numbness or weakness stopping ordinary daily activities.",
        "You told us numbness or weakness is stopping you from doing everyday things.",
        entry_ids=[entry.id],
        data={"nerve_symptoms_limit_activities": True},
    )


def r5_spreading_symptoms(
    entry: Entry, intake: Intake, earlier_entries: Sequence[Entry], params: RuleParams
) -> Finding | None:
    """R5 ``spreading_symptoms`` (urgent): an entry with numbness, tingling or pins and
    needles reaches, on some limb side, a region further down the chain than any region of that
    limb side in the intake baseline and the previous 14 days' entries (any descriptors). A limb
    side with no earlier symptoms does not count (section 5). Source: Eur Spine J 2011."""
    if not entry.descriptors & SPREADING_DESCRIPTORS:
        return None
    window = earlier_in_window(entry, earlier_entries, params.r5_window_days)
    earlier_regions = set(intake.baseline_regions).union(*(e.regions for e in window))

    spread = []
    for limb_side, levels in LIMB_SIDE_LEVELS.items():
        now = [r for r in entry.regions if r in levels]
        before = [r for r in earlier_regions if r in levels]
        if not now or not before:
            continue
        reached = max(now, key=levels.__getitem__)
        previous = max(before, key=levels.__getitem__)
        if levels[reached] > levels[previous]:
            spread.append(
                {"limb_side": limb_side, "reached": reached, "previous_furthest": previous}
            )
    if not spread:
        return None
    clinical = join_words(
        [
            f"{region_label(s['reached'])} (previously no further than "
            f"{region_label(s['previous_furthest'])})"
            for s in spread
        ]
    )
    plain = join_words([limb_side_label(s["limb_side"]) for s in spread])
    nerve_words = sorted(entry.descriptors & SPREADING_DESCRIPTORS)
    return make_finding(
        "R5",
        f"{join_words([w.replace('_', ' ') for w in nerve_words]).capitalize()} now reaching "
        f"{clinical}.",
        f"You told us your tingling or numbness has spread further down your {plain}.",
        entry_ids=[entry.id],
        data={"spread": spread, "descriptors": nerve_words},
    )


def r6_serious_pathology(entry: Entry, intake: Intake) -> Finding | None:
    """R6 ``serious_pathology`` (urgent): fever or feeling unwell, unexplained weight loss, or
    constant unrelieved night pain with a history of cancer. Source: IFOMPT framework,
    Finucane et al. 2020, JOSPT 50:350."""
    signs: list[tuple[str, str, str]] = []
    if entry.fever_or_unwell:
        signs.append(("fever_or_unwell", "fever or feeling unwell", "a fever or feel unwell"))
    if entry.unexplained_weight_loss:
        signs.append(
            ("unexplained_weight_loss", "unexplained weight loss", "lost weight without trying")
        )
    if entry.night_pain_unrelieved and intake.cancer_history:
        signs.append(
            (
                "night_pain_unrelieved",
                "constant night pain that no position eases, with a history of cancer",
                "constant pain at night that no position eases",
            )
        )
    if not signs:
        return None
    return make_finding(
        "R6",
        f"Possible serious pathology: {join_words([s[1] for s in signs])}.",
        f"You told us you have {join_words([s[2] for s in signs])}.",
        entry_ids=[entry.id],
        data={"signs": [s[0] for s in signs], "cancer_history": intake.cancer_history},
    )


def r7_severe_unrelieved_pain(entry: Entry, params: RuleParams) -> Finding | None:
    """R7 ``severe_unrelieved_pain`` (urgent): ``pain_worst`` at least 7, stabbing or shooting,
    and rest does not ease it (``rest_relief`` is ``no``; ``partly`` and ``not_tried`` do not
    count). Source: clinic source document."""
    sharp = sorted(entry.descriptors & SHARP_DESCRIPTORS)
    if entry.pain_worst < params.r7_min_pain_worst or not sharp or entry.rest_relief != "no":
        return None
    return make_finding(
        "R7",
        f"Severe {join_words(sharp)} pain (worst {entry.pain_worst}/10) not eased by rest.",
        f"You told us you have very bad {join_words(sharp)} pain that rest does not ease.",
        entry_ids=[entry.id],
        data={"pain_worst": entry.pain_worst, "descriptors": sharp, "rest_relief": "no"},
    )
