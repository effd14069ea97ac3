"""Rules run by the daily sweep at the end of a patient's day (spec.md section 8): R13
(disengaged: after a session, and against the home plan) and R14 (not improving)."""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from fractions import Fraction

from ..baseline import is_meaningful_fall, median, pains_between
from ..domain import DayPain, Finding, PlanItem, Session
from ..params import RuleParams
from .common import json_number, make_finding, show_number


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
            make_finding(
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
    return make_finding(
        "R13",
        f"{logged} of {show_number(prescribed)} prescribed exercise doses logged from "
        f"{first.isoformat()} to {day.isoformat()}.",
        "You have logged fewer than half of your home exercises this week. Try to log each one "
        "when you do it.",
        data={
            "part": "plan",
            "logged": logged,
            "prescribed": json_number(prescribed),
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
    return make_finding(
        "R14",
        f"Median daily pain of the last {params.r14_window_days} days "
        f"({show_number(last_median)}/10) is not a meaningful fall from the first "
        f"{params.r14_window_days} days ({show_number(first_median)}/10).",
        "Your pain has not gone down much since you started. Your therapist will look at this "
        "with you.",
        data={
            "first_median": json_number(first_median),
            "last_median": json_number(last_median),
            "first_window_start": first_entry_day.isoformat(),
            "last_window_end": day.isoformat(),
        },
    )
