"""The red-flag rules (CLINICAL.md section 5), as pure functions over ``redflags.domain`` data.

One function per rule takes exactly the plain data it needs and returns a ``Finding`` or None.
Three entry points bundle them by trigger (section 5, "Which rules run when"):

* ``evaluate_entry`` when a symptom entry is saved: R1-R9 and R12 (R11 detection uses
  ``flare.detect_flares`` and ``r11_flare_finding``);
* ``evaluate_exercise_log`` when an exercise log is saved: R10;
* ``evaluate_day_end`` in the daily sweep: R13 and R14 (the R11 escalation uses
  ``flare.flare_needs_escalation`` and ``r11_escalation_finding``).

Disabled rules (``params.enabled``) are skipped by the entry points; the single-rule functions
do not look at ``enabled``. Whether a finding opens an alert or adds evidence to an open one is
the service's business.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from redflags.baseline import (
    baseline_on,
    is_meaningful_fall,
    is_meaningful_rise,
    median,
    pains_between,
    pre_session_pain,
)
from redflags.domain import (
    DN4_ITEMS,
    LEFT_LEG_REGIONS,
    LIMB_SIDE_LEVELS,
    RIGHT_LEG_REGIONS,
    RULE_CODES,
    RULE_SEVERITY,
    SHARP_DESCRIPTORS,
    SPREADING_DESCRIPTORS,
    WEAKNESS_ORDER,
    DayPain,
    Entry,
    ExerciseLog,
    Finding,
    Intake,
    PlanItem,
    Session,
)
from redflags.flare import FlareEpisode
from redflags.params import RuleParams

__all__ = [
    "evaluate_day_end",
    "evaluate_entry",
    "evaluate_exercise_log",
    "exercise_traffic_light",
    "pre_session_pain",
    "r1_cauda_equina",
    "r2_new_bilateral_leg",
    "r3_progressive_weakness",
    "r4_function_limiting_nerve",
    "r5_spreading_symptoms",
    "r6_serious_pathology",
    "r7_severe_unrelieved_pain",
    "r8_worsening_after_sessions",
    "r9_failed_24h_response",
    "r10_exercise_pain_red_zone",
    "r11_escalation_finding",
    "r11_flare_finding",
    "r12_neuropathic_pattern",
    "r13_disengaged_plan",
    "r13_disengaged_session",
    "r14_not_improving",
]


# --- Helpers -----------------------------------------------------------------------------------


def _finding(
    rule: str,
    reason: str,
    patient_reason: str,
    *,
    entry_ids: Iterable[int | None] = (),
    data: dict[str, Any] | None = None,
    severity: str | None = None,
    log_ids: Iterable[int | None] = (),
) -> Finding:
    return Finding(
        rule=rule,
        code=RULE_CODES[rule],
        severity=severity or RULE_SEVERITY[rule],
        reason=reason,
        patient_reason=patient_reason,
        evidence_entry_ids=tuple(i for i in entry_ids if i is not None),
        data=data or {},
        evidence_exercise_log_ids=tuple(i for i in log_ids if i is not None),
    )


def _number(value: int | Fraction) -> int | float:
    """JSON-friendly form of an exact value; medians are whole or halves, so floats are exact."""
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else float(value)


def _show(value: int | Fraction) -> str:
    return str(_number(value))


def _join(words: Sequence[str]) -> str:
    """Joins words as in a sentence: ``a``, ``a and b``, ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _same_entry(a: Entry, b: Entry) -> bool:
    return a is b or (a.id is not None and a.id == b.id)


def _entries_before(entry: Entry, entries: Iterable[Entry]) -> list[Entry]:
    """Entries recorded before ``entry`` (ties kept: the service passes only earlier ones, and
    the replay orders ties by file order), oldest first, never ``entry`` itself."""
    earlier = [
        e for e in entries if not _same_entry(e, entry) and e.recorded_at <= entry.recorded_at
    ]
    return sorted(earlier, key=lambda e: e.recorded_at)  # stable: ties keep their order


def _earlier_in_window(entry: Entry, entries: Iterable[Entry], window_days: int) -> list[Entry]:
    """Section 5 windows: entries of days D-14 to D-1 plus those earlier on day D."""
    first_day = entry.day - timedelta(days=window_days)
    return [e for e in _entries_before(entry, entries) if first_day <= e.day <= entry.day]


def _region_label(region: str) -> str:
    return region.replace("_", " ")


def _limb_side_label(limb_side: str) -> str:
    return limb_side.replace("_", " ")


# --- Rules run when a symptom entry is saved ----------------------------------------------------

_CAUDA_EQUINA_SIGNS = {
    "bladder_bowel_change": (
        "new bladder or bowel change",
        "new trouble passing or holding urine or stool",
    ),
    "saddle_numbness": ("saddle numbness", "numbness between your legs"),
    "sexual_dysfunction_new": ("new sexual dysfunction", "a new loss of sexual function"),
}


def r1_cauda_equina(entry: Entry) -> Finding | None:
    """R1 ``cauda_equina`` (emergency): bladder/bowel change, saddle numbness or new sexual
    dysfunction, whatever the pain. Source: BMJ Best Practice, cauda equina syndrome."""
    signs = [name for name in _CAUDA_EQUINA_SIGNS if getattr(entry, name)]
    if not signs:
        return None
    clinical = _join([_CAUDA_EQUINA_SIGNS[name][0] for name in signs])
    plain = _join([_CAUDA_EQUINA_SIGNS[name][1] for name in signs])
    return _finding(
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
    window = _earlier_in_window(entry, earlier_entries, params.r2_window_days)
    if any(_has_both_legs(e.regions) for e in window):
        return None
    legs = sorted(entry.regions & (LEFT_LEG_REGIONS | RIGHT_LEG_REGIONS))
    return _finding(
        "R2",
        f"New symptoms in both legs ({', '.join(map(_region_label, legs))}); neither the intake "
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
    earlier = _entries_before(entry, earlier_entries)

    new_foot_drop = False
    if entry.foot_drop:
        window = _earlier_in_window(entry, earlier, params.r3_window_days)
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
    return _finding(
        "R3",
        f"Progressive weakness: {_join(reasons)}.",
        f"You told us {_join(plain)}.",
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
    return _finding(
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
    window = _earlier_in_window(entry, earlier_entries, params.r5_window_days)
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
    clinical = _join(
        [
            f"{_region_label(s['reached'])} (previously no further than "
            f"{_region_label(s['previous_furthest'])})"
            for s in spread
        ]
    )
    plain = _join([_limb_side_label(s["limb_side"]) for s in spread])
    nerve_words = sorted(entry.descriptors & SPREADING_DESCRIPTORS)
    return _finding(
        "R5",
        f"{_join([w.replace('_', ' ') for w in nerve_words]).capitalize()} now reaching "
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
    return _finding(
        "R6",
        f"Possible serious pathology: {_join([s[1] for s in signs])}.",
        f"You told us you have {_join([s[2] for s in signs])}.",
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
    return _finding(
        "R7",
        f"Severe {_join(sharp)} pain (worst {entry.pain_worst}/10) not eased by rest.",
        f"You told us you have very bad {_join(sharp)} pain that rest does not ease.",
        entry_ids=[entry.id],
        data={"pain_worst": entry.pain_worst, "descriptors": sharp, "rest_relief": "no"},
    )


def r8_worsening_after_sessions(
    entry: Entry, sessions_post_pain: Sequence[tuple[Session, int]], params: RuleParams
) -> Finding | None:
    """R8 ``worsening_after_sessions`` (review): over the last 3 sessions that have
    post-session pain, it rose strictly each time and by at least 2 points in all.
    Source: clinic source document; Farrar 2001.

    Only an ``after_session`` entry can change post-session pain, so only such an entry is
    checked, and only when its session is among the last three (a late entry for an old
    session does not re-raise the pattern). ``sessions_post_pain`` holds (session, post-session
    pain) with this entry already counted, oldest first."""
    if entry.context != "after_session":
        return None
    known = [(s, pain) for s, pain in sessions_post_pain if s.day <= entry.day]
    recent = sorted(known, key=lambda pair: pair[0].day)[-params.r8_sessions :]
    if len(recent) < params.r8_sessions:
        return None
    if entry.session_id is not None and entry.session_id not in {s.id for s, _ in recent}:
        return None
    pains = [pain for _, pain in recent]
    strictly_rising = all(a < b for a, b in zip(pains, pains[1:], strict=False))
    if not strictly_rising or pains[-1] - pains[0] < params.r8_min_total_rise:
        return None
    days = [s.day.isoformat() for s, _ in recent]
    return _finding(
        "R8",
        f"Post-session pain rose over the last {len(pains)} sessions: "
        f"{', '.join(map(str, pains))} (up {pains[-1] - pains[0]} points).",
        "Your pain after your last few sessions has gone up each time.",
        entry_ids=[entry.id],
        data={
            "post_session_pain": pains,
            "session_ids": [s.id for s, _ in recent],
            "session_days": days,
        },
    )


def r9_failed_24h_response(
    entry: Entry, pre_session_pain: int | Fraction | None, params: RuleParams
) -> Finding | None:
    """R9 ``failed_24h_response`` (review): a ``next_morning`` entry's ``pain_now`` is a
    meaningful rise over that session's pre-session pain; the exercise advice turns to "ease
    off" (section 4). Source: Silbernagel 2007."""
    if entry.context != "next_morning" or pre_session_pain is None:
        return None
    if not is_meaningful_rise(entry.pain_now, pre_session_pain, params):
        return None
    return _finding(
        "R9",
        f"Next-morning pain {entry.pain_now}/10 is a meaningful rise over the pre-session "
        f"pain of {_show(pre_session_pain)}/10.",
        "Your pain this morning is higher than it was before your session, so ease off your "
        "exercises for now.",
        entry_ids=[entry.id],
        data={
            "pain_now": entry.pain_now,
            "pre_session_pain": _number(pre_session_pain),
            "session_id": entry.session_id,
        },
    )


def r12_neuropathic_pattern(
    entry: Entry, already_fired: bool, params: RuleParams
) -> Finding | None:
    """R12 ``neuropathic_pattern`` (review): for the first time ever for this patient, an
    entry has 3 or more DN4 interview items. Once fired it never fires or adds evidence again
    (section 5). Source: Bouhassira 2005."""
    if already_fired:
        return None
    items = sorted(entry.descriptors & DN4_ITEMS)
    if len(items) < params.r12_min_dn4_items:
        return None
    return _finding(
        "R12",
        f"{len(items)} DN4 interview items ({', '.join(i.replace('_', ' ') for i in items)}) "
        "suggest a neuropathic component.",
        "The words you used for your symptoms can point to an irritated nerve.",
        entry_ids=[entry.id],
        data={"dn4_items": items, "count": len(items)},
    )


def evaluate_entry(
    entry: Entry,
    *,
    intake: Intake,
    earlier_entries: Sequence[Entry],
    day_pains: Sequence[DayPain],
    sessions_post_pain: Sequence[tuple[Session, int]],
    pre_session_pain: int | Fraction | None,
    r12_already_fired: bool,
    params: RuleParams,
) -> list[Finding]:
    """Rules run when a symptom entry is saved: R1-R9 and R12, in rule order.

    What the service passes (section 5 windows):

    * ``earlier_entries``: the patient's entries of days D-14..D-1 and those recorded earlier
      on day D, plus the two entries immediately before this one if they are older (R3's
      weakness branch looks back "whatever the gaps"). Passing more is harmless: each rule
      filters by date and by ``recorded_at``; this entry itself is ignored if included.
    * ``day_pains``: logged days up to and including D (only used for R9's fallback below).
    * ``sessions_post_pain``: (session, post-session pain) for the sessions that have
      post-session pain, oldest first, with this entry already counted; at least the last
      ``params.r8_sessions`` of them.
    * ``pre_session_pain``: for a ``next_morning`` entry, the pre-session pain of its session
      (``pre_session_pain()`` helper); None when there is no session. If it is None while
      ``entry.session_id`` is set, the baseline on the previous day is used.
    * ``r12_already_fired``: whether R12 has ever fired for this patient.
    """
    if (
        pre_session_pain is None
        and entry.context == "next_morning"
        and entry.session_id is not None
    ):
        pre_session_pain = baseline_on(
            entry.day - timedelta(days=1), day_pains, intake.baseline_pain, params
        )

    checks: list[tuple[str, Callable[[], Finding | None]]] = [
        ("R1", lambda: r1_cauda_equina(entry)),
        ("R2", lambda: r2_new_bilateral_leg(entry, intake, earlier_entries, params)),
        ("R3", lambda: r3_progressive_weakness(entry, earlier_entries, params)),
        ("R4", lambda: r4_function_limiting_nerve(entry)),
        ("R5", lambda: r5_spreading_symptoms(entry, intake, earlier_entries, params)),
        ("R6", lambda: r6_serious_pathology(entry, intake)),
        ("R7", lambda: r7_severe_unrelieved_pain(entry, params)),
        ("R8", lambda: r8_worsening_after_sessions(entry, sessions_post_pain, params)),
        ("R9", lambda: r9_failed_24h_response(entry, pre_session_pain, params)),
        ("R12", lambda: r12_neuropathic_pattern(entry, r12_already_fired, params)),
    ]
    return _run(checks, params)


def _run(
    checks: list[tuple[str, Callable[[], Finding | None]]], params: RuleParams
) -> list[Finding]:
    findings = []
    for rule, check in checks:
        if params.is_enabled(rule):
            finding = check()
            if finding is not None:
                findings.append(finding)
    return findings


# --- Rule run when an exercise log is saved ----------------------------------------------------


def exercise_traffic_light(pain_during: int, params: RuleParams) -> str:
    """Section 4 pain-monitoring model (Silbernagel 2007): ``green`` 0-2, ``amber`` 3-5,
    ``red`` above 5."""
    if pain_during <= params.exercise_green_max_pain:
        return "green"
    if pain_during <= params.r10_red_pain_above:
        return "amber"
    return "red"


def r10_exercise_pain_red_zone(
    log: ExerciseLog, earlier_logs: Sequence[ExerciseLog], params: RuleParams
) -> Finding | None:
    """R10 ``exercise_pain_red_zone`` (review): ``pain_during`` above 5 on 2 different days at
    most 13 days apart, this log being one of them (a single red log gets the red-light advice
    only). Source: Silbernagel 2007."""
    if log.pain_during <= params.r10_red_pain_above:
        return None
    span = timedelta(days=params.r10_window_days - 1)
    red = [
        other
        for other in earlier_logs
        if other.pain_during > params.r10_red_pain_above
        and not (other is log or (other.id is not None and other.id == log.id))
        and abs(other.day - log.day) <= span
    ]
    # Any window of r10_window_days calendar days that contains this log's day will do.
    for offset in range(params.r10_window_days):
        first = log.day - span + timedelta(days=offset)
        in_window = [o for o in red if first <= o.day <= first + span]
        days = {o.day for o in in_window} | {log.day}
        if len(days) >= params.r10_min_red_days:
            shown = sorted(days)
            return _finding(
                "R10",
                f"Exercise pain above {params.r10_red_pain_above}/10 on {len(shown)} different "
                f"days within {params.r10_window_days} days "
                f"({', '.join(d.isoformat() for d in shown)}).",
                "Your exercises have hurt a lot on more than one day. Ease off, and your "
                "therapist will look at this.",
                log_ids=[*(o.id for o in in_window), log.id],
                data={
                    "red_days": [d.isoformat() for d in shown],
                    "pain_during": log.pain_during,
                    "exercise_key": log.exercise_key,
                },
            )
    return None


def evaluate_exercise_log(
    log: ExerciseLog, *, earlier_logs: Sequence[ExerciseLog], params: RuleParams
) -> list[Finding]:
    """Rule run when an exercise log is saved: R10. ``earlier_logs``: the patient's other
    exercise logs of days D-13..D (more is harmless; the rule filters by date)."""
    return _run([("R10", lambda: r10_exercise_pain_red_zone(log, earlier_logs, params))], params)


# --- R11 findings (detection itself lives in flare.py) ------------------------------------------


def r11_flare_finding(episode: FlareEpisode, evidence_entry_ids: Sequence[int]) -> Finding:
    """R11 ``flare_up`` (review), opened on the detection day: the start day when
    self-reported, else the second elevated day (section 5). Source: Costa 2019; Suri 2011."""
    if episode.self_reported:
        reason = f"Self-reported flare-up starting {episode.start.isoformat()}."
    else:
        reason = (
            f"Flare-up from {episode.start.isoformat()}: daily pain up to {episode.peak}/10 on "
            f"two logged days against a baseline of {_show(episode.baseline_at_start)}/10."
        )
    return _finding(
        "R11",
        reason,
        "It looks like you are having a flare-up. Your therapist will look at this at your next "
        "visit.",
        entry_ids=evidence_entry_ids,
        data=_episode_data(episode),
    )


def r11_escalation_finding(
    episode: FlareEpisode, today: date, evidence_entry_ids: Sequence[int] = ()
) -> Finding:
    """R11 escalation (urgent): the flare is still open at the end of the 7th day after its
    start; the daily sweep checks ``flare.flare_needs_escalation`` first."""
    days_open = (today - episode.start).days
    return _finding(
        "R11",
        f"Flare-up that started {episode.start.isoformat()} is still open after {days_open} days.",
        "Your flare-up has lasted more than a week, so your clinic will contact you today.",
        entry_ids=evidence_entry_ids,
        data={**_episode_data(episode), "escalated": True, "days_open": days_open},
        severity="urgent",
    )


def _episode_data(episode: FlareEpisode) -> dict[str, Any]:
    return {
        "start_day": episode.start.isoformat(),
        "end_day": episode.end.isoformat() if episode.end else None,
        "baseline_at_start": _number(episode.baseline_at_start),
        "peak": episode.peak,
        "self_reported": episode.self_reported,
        "detected_on": episode.detected_on.isoformat(),
    }


# --- Rules run by the daily sweep --------------------------------------------------------------


def r13_disengaged_session(
    day: date, sessions: Sequence[Session], entry_days: set[date], params: RuleParams
) -> list[Finding]:
    """R13 ``disengaged`` (low), session part: for each session S with S + 2 = ``day``, no
    symptom entry on days S to S+2, linked to the session or not (section 5).
    Source: MedBridge alert model."""
    findings = []
    for session in sessions:
        if session.day + timedelta(days=params.r13_session_days) != day:
            continue
        if any(session.day <= d <= day for d in entry_days):
            continue
        findings.append(
            _finding(
                "R13",
                f"No symptom entry on the day of the session on {session.day.isoformat()} or "
                f"the {params.r13_session_days} days after it.",
                "We have not heard from you since your last session. Please tell us how you "
                "are doing.",
                data={
                    "part": "session",
                    "session_id": session.id,
                    "session_day": session.day.isoformat(),
                },
            )
        )
    return findings


def r13_disengaged_plan(
    day: date, plan_items: Sequence[PlanItem], log_counts: Mapping[date, int], params: RuleParams
) -> Finding | None:
    """R13 ``disengaged`` (low), plan part: once a plan has been active 7 days (checked from the
    end of day start+6), fewer than half of the doses it prescribed over the last 7 days
    (D-6..D) were logged. Prescribed = sum of ``times_per_day`` x ``days_per_week`` over the
    plan's exercises. Source: MedBridge alert model.

    Only items active over the whole window count (started by D-6, not ended before D)."""
    first = day - timedelta(days=params.r13_plan_days - 1)
    active = [
        item
        for item in plan_items
        if item.start_day <= first and (item.end_day is None or item.end_day >= day)
    ]
    # days_per_week is per 7 days; scale in case a clinic tunes the window length.
    prescribed = sum(item.weekly_doses for item in active) * Fraction(params.r13_plan_days, 7)
    if prescribed == 0:
        return None
    logged = sum(count for d, count in log_counts.items() if first <= d <= day)
    if logged >= params.r13_min_fraction * prescribed:
        return None
    return _finding(
        "R13",
        f"{logged} of {_show(prescribed)} prescribed exercise doses logged from "
        f"{first.isoformat()} to {day.isoformat()}.",
        "You have logged fewer than half of your home exercises this week. Try to log each one "
        "when you do it.",
        data={
            "part": "plan",
            "logged": logged,
            "prescribed": _number(prescribed),
            "first_day": first.isoformat(),
            "last_day": day.isoformat(),
        },
    )


def r14_not_improving(
    day: date, first_entry_day: date | None, day_pains: Sequence[DayPain], params: RuleParams
) -> Finding | None:
    """R14 ``not_improving`` (review): once D - (first entry's day) >= 28, the median daily
    pain of D-6..D is not a meaningful fall from that of the first 7 days; skipped unless both
    windows have at least 3 logged days (section 5). Source: Farrar 2001."""
    if first_entry_day is None or (day - first_entry_day).days < params.r14_min_days:
        return None
    width = timedelta(days=params.r14_window_days - 1)
    first = pains_between(day_pains, first_entry_day, first_entry_day + width)
    last = pains_between(day_pains, day - width, day)
    if min(len(first), len(last)) < params.r14_min_logged_days:
        return None
    first_median, last_median = median(first), median(last)
    if is_meaningful_fall(first_median, last_median, params):
        return None
    return _finding(
        "R14",
        f"Median daily pain of the last {params.r14_window_days} days "
        f"({_show(last_median)}/10) is not a meaningful fall from the first "
        f"{params.r14_window_days} days ({_show(first_median)}/10).",
        "Your pain has not gone down much since you started. Your therapist will look at this "
        "with you.",
        data={
            "first_median": _number(first_median),
            "last_median": _number(last_median),
            "first_window_start": first_entry_day.isoformat(),
            "last_window_end": day.isoformat(),
        },
    )


def evaluate_day_end(
    day: date,
    *,
    sessions: Sequence[Session],
    entry_days: set[date],
    plan_items: Sequence[PlanItem],
    log_counts: Mapping[date, int],
    first_entry_day: date | None,
    day_pains: Sequence[DayPain],
    params: RuleParams,
) -> list[Finding]:
    """Rules run by the daily sweep at the end of ``day``: R13 (both parts) and R14.

    The service passes: ``sessions`` that took place on days D-2..D (more is harmless);
    ``entry_days`` with any symptom entry on D-2..D (more is harmless); the ``plan_items`` of
    the plan versions in force; ``log_counts`` of logs of exercises those items name, per day,
    for D-6..D; the day of the patient's first entry; and ``day_pains`` covering the first and
    the last 7 days. The R11 escalation is separate (``flare.flare_needs_escalation``)."""
    checks: list[tuple[str, Callable[[], Finding | None]]] = [
        ("R13", lambda: r13_disengaged_plan(day, plan_items, log_counts, params)),
        ("R14", lambda: r14_not_improving(day, first_entry_day, day_pains, params)),
    ]
    findings = []
    if params.is_enabled("R13"):
        findings.extend(r13_disengaged_session(day, sessions, entry_days, params))
    return findings + _run(checks, params)
