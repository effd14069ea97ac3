"""Trend and pattern rules (spec.md section 8): how pain responds to sessions (R8, R9), the
neuropathic pattern (R12), exercise pain in the red zone (R10), and the R11 findings for a
flare-up and its escalation (detection itself lives in ``engine.flare``)."""

from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ..baseline import is_meaningful_rise
from ..domain import DN4_ITEMS, Entry, ExerciseLog, Finding, Session
from ..flare import FlareEpisode
from ..params import RuleParams
from .common import json_number, make_finding, show_number

# --- Response to sessions and the neuropathic pattern (run when an entry is saved) --------------


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
    return make_finding(
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
    return make_finding(
        "R9",
        f"Next-morning pain {entry.pain_now}/10 is a meaningful rise over the pre-session "
        f"pain of {show_number(pre_session_pain)}/10.",
        "Your pain this morning is higher than it was before your session, so ease off your "
        "exercises for now.",
        entry_ids=[entry.id],
        data={
            "pain_now": entry.pain_now,
            "pre_session_pain": json_number(pre_session_pain),
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
    return make_finding(
        "R12",
        f"{len(items)} DN4 interview items ({', '.join(i.replace('_', ' ') for i in items)}) "
        "suggest a neuropathic component.",
        "The words you used for your symptoms can point to an irritated nerve.",
        entry_ids=[entry.id],
        data={"dn4_items": items, "count": len(items)},
    )


# --- Exercise pain (run when an exercise log is saved) -------------------------------------------


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
            return make_finding(
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


# --- R11 findings (detection itself lives in flare.py) ------------------------------------------


def r11_flare_finding(episode: FlareEpisode, evidence_entry_ids: Sequence[int]) -> Finding:
    """R11 ``flare_up`` (review), opened on the detection day: the start day when
    self-reported, else the second elevated day (section 5). Source: Costa 2019; Suri 2011."""
    if episode.self_reported:
        reason = f"Self-reported flare-up starting {episode.start.isoformat()}."
    else:
        reason = (
            f"Flare-up from {episode.start.isoformat()}: daily pain up to {episode.peak}/10 on "
            f"two logged days against a baseline of {show_number(episode.baseline_at_start)}/10."
        )
    return make_finding(
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
    return make_finding(
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
        "baseline_at_start": json_number(episode.baseline_at_start),
        "peak": episode.peak,
        "self_reported": episode.self_reported,
        "detected_on": episode.detected_on.isoformat(),
    }
