"""Words for clinicians about the rule set: what each rule checks and what each threshold means.

The alert page explains an alert with the parameters of the rule-set version that raised it, and
the rule-set page shows every threshold with its meaning, unit, default and allowed range. The
numbers come from ``RuleParams`` (never repeated here); only the sentences live in this module.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_lazy as _

from .engine.params import RuleParams

RULE_NAMES: dict[str, Any] = {
    "R1": _("Cauda equina signs"),
    "R2": _("New symptoms in both legs"),
    "R3": _("Progressive weakness"),
    "R4": _("Nerve symptoms limiting daily activities"),
    "R5": _("Spreading nerve symptoms"),
    "R6": _("Possible serious pathology"),
    "R7": _("Severe pain not eased by rest"),
    "R8": _("Worsening after sessions"),
    "R9": _("Failed 24-hour response"),
    "R10": _("Exercise pain in the red zone"),
    "R11": _("Flare-up"),
    "R12": _("Neuropathic pattern"),
    "R13": _("Disengaged"),
    "R14": _("Not improving"),
}

# spec.md section 8, reworded for a clinician with the thresholds as placeholders (filled
# from the rule-set version in force). Fractions are shown as percentages.
RULE_EXPLANATIONS: dict[str, Any] = {
    "R1": _(
        "Fires when an entry reports new bladder or bowel change, saddle numbness or new sexual "
        "dysfunction, whatever the pain. Source: BMJ Best Practice, cauda equina syndrome."
    ),
    "R2": _(
        "Fires when an entry has leg regions on both sides and neither the intake nor any single "
        "entry of the previous %(r2_window_days)s days had both sides. Source: Eur Spine J 2011."
    ),
    "R3": _(
        "Fires on foot drop not reported in the previous %(r3_window_days)s days, or when "
        "weakness rose strictly over the last %(r3_rising_entries)s entries. Source: NHS "
        "Lothian RefHelp."
    ),
    "R4": _(
        "Fires when the patient says numbness or weakness stops ordinary daily activities. "
        "Source: clinic source document."
    ),
    "R5": _(
        "Fires when numbness, tingling or pins and needles reach a region further down a limb "
        "than any region of that limb side in the intake and the previous %(r5_window_days)s "
        "days, where that side had symptoms before. Source: Eur Spine J 2011."
    ),
    "R6": _(
        "Fires on fever or feeling unwell, unexplained weight loss, or constant unrelieved night "
        "pain with a history of cancer. Source: IFOMPT framework, Finucane et al. 2020."
    ),
    "R7": _(
        "Fires when worst pain is at least %(r7_min_pain_worst)s/10, the descriptors include "
        "stabbing or shooting, and rest does not ease it. Source: clinic source document."
    ),
    "R8": _(
        "Fires when post-session pain over the last %(r8_sessions)s sessions that have it rose "
        "strictly each time and by at least %(r8_min_total_rise)s points in all. Source: clinic "
        "source document; Farrar 2001."
    ),
    "R9": _(
        "Fires when a next-morning entry's pain now is a meaningful rise (at least "
        "%(rise_min_points)s points and %(rise_min_fraction)s above) over the pre-session pain. "
        "Source: Silbernagel 2007."
    ),
    "R10": _(
        "Fires when exercise pain is above %(r10_red_pain_above)s/10 on %(r10_min_red_days)s "
        "different days within %(r10_window_days)s days. Source: Silbernagel 2007."
    ),
    "R11": _(
        "Fires when a flare-up starts: the patient says so, or two logged days at most "
        "%(flare_next_day_max_gap)s days apart are a meaningful rise over the baseline. Raised to "
        "urgent when still open %(flare_escalate_after_days)s days after its start. Source: "
        "Costa 2019; Suri 2011."
    ),
    "R12": _(
        "Fires the first time an entry has %(r12_min_dn4_items)s or more DN4 interview items. "
        "Source: Bouhassira 2005."
    ),
    "R13": _(
        "Fires when there is no entry on a session's day or the %(r13_session_days)s days after "
        "it, or when fewer than %(r13_min_fraction)s of the prescribed exercise doses of the last "
        "%(r13_plan_days)s days were logged. Source: MedBridge alert model."
    ),
    "R14": _(
        "Fires when, %(r14_min_days)s or more days after the first entry, the median daily pain "
        "of the last %(r14_window_days)s days is not a meaningful fall from the first "
        "%(r14_window_days)s days. Source: Farrar 2001."
    ),
}

_BASELINE = ("baseline_window_days", "baseline_min_days", "rise_min_points", "rise_min_fraction")

#: The thresholds each rule reads, shown beside an alert.
RULE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "R1": (),
    "R2": ("r2_window_days",),
    "R3": ("r3_window_days", "r3_rising_entries"),
    "R4": (),
    "R5": ("r5_window_days",),
    "R6": (),
    "R7": ("r7_min_pain_worst",),
    "R8": ("r8_sessions", "r8_min_total_rise"),
    "R9": _BASELINE,
    "R10": ("exercise_green_max_pain", "r10_red_pain_above", "r10_window_days", "r10_min_red_days"),
    "R11": (
        *_BASELINE,
        "flare_next_day_max_gap",
        "flare_end_margin_points",
        "flare_session_link_days",
        "flare_escalate_after_days",
    ),
    "R12": ("r12_min_dn4_items",),
    "R13": ("r13_session_days", "r13_plan_days", "r13_min_fraction"),
    "R14": (
        "rise_min_points",
        "rise_min_fraction",
        "r14_min_days",
        "r14_window_days",
        "r14_min_logged_days",
    ),
}


@dataclass(frozen=True)
class ParamInfo:
    """What a threshold means, its unit and the range a clinic may set it to."""

    label: Any
    unit: str  # "days", "points", "fraction" or "count"
    minimum: int
    maximum: int
    help: Any = ""

    @property
    def is_fraction(self) -> bool:
        return self.unit == "fraction"


def _days(label, help_text="", minimum: int = 1) -> ParamInfo:
    return ParamInfo(label, "days", minimum, 60, help_text)


def _points(label, help_text="") -> ParamInfo:
    return ParamInfo(label, "points", 0, 10, help_text)


# Ranges: days 1-60, NPRS points 0-10, fractions 0-1; counts as the rule allows. They catch
# typos; RuleParams itself rejects anything a rule cannot work with.
PARAMS: dict[str, ParamInfo] = {
    "baseline_window_days": _days(
        _("Baseline window"), _("Baseline = median daily pain of the logged days in this window.")
    ),
    "baseline_min_days": _days(
        _("Logged days needed for a baseline"),
        _("With fewer logged days, the intake's usual pain is the baseline."),
    ),
    "rise_min_points": _points(
        _("Meaningful rise: points"), _("A rise (or fall) of at least this many points...")
    ),
    "rise_min_fraction": ParamInfo(
        _("Meaningful rise: percentage of baseline"),
        "fraction",
        0,
        1,
        _("...and at least this percentage of the baseline."),
    ),
    "flare_next_day_max_gap": _days(
        _("Flare: gap to the second high day"),
        _("The second elevated day must come at most this many days after the first."),
    ),
    "flare_end_margin_points": _points(
        _("Flare: end margin"),
        _("A flare ends on a day at most this many points above the baseline at its start."),
    ),
    "flare_session_link_days": _days(
        _("Flare: link to a session"),
        _("A flare starting up to this many days after a session is linked to it."),
    ),
    "flare_escalate_after_days": _days(
        _("Flare: escalate after"),
        _("R11 becomes urgent when a flare is still open this many days after its start."),
    ),
    "exercise_green_max_pain": _points(
        _("Exercise pain: top of green"), _("Exercise pain up to this is green (safe).")
    ),
    "r2_window_days": _days(_("R2 look-back"), _("Earlier entries compared for both legs.")),
    "r3_window_days": _days(
        _("R3 look-back"), _("Foot drop is new if not reported in this window.")
    ),
    "r3_rising_entries": ParamInfo(
        _("R3 entries with rising weakness"), "count", 2, 10, _("This entry included.")
    ),
    "r5_window_days": _days(_("R5 look-back"), _("Earlier regions come from this window.")),
    "r7_min_pain_worst": _points(_("R7 worst pain at least")),
    "r8_sessions": ParamInfo(
        _("R8 sessions compared"), "count", 2, 10, _("The latest sessions with post-session pain.")
    ),
    "r8_min_total_rise": _points(_("R8 total rise at least")),
    "r10_red_pain_above": _points(
        _("R10 red zone: exercise pain above"), _("Also the top of amber on the traffic light.")
    ),
    "r10_window_days": _days(_("R10 window"), _("Red days must fall within this many days.")),
    "r10_min_red_days": ParamInfo(_("R10 red days needed"), "count", 1, 14),
    "r12_min_dn4_items": ParamInfo(_("R12 DN4 items at least"), "count", 1, 7),
    "r13_session_days": _days(
        _("R13 days after a session"), _("An entry on the session day or these days counts.")
    ),
    "r13_plan_days": _days(
        _("R13 adherence window"), _("Also how long a plan runs before it is checked.")
    ),
    "r13_min_fraction": ParamInfo(
        _("R13 doses logged, at least"),
        "fraction",
        0,
        1,
        _("Fires when fewer than this percentage of prescribed doses were logged."),
    ),
    "r14_min_days": _days(_("R14 checked from day"), _("Days after the first entry.")),
    "r14_window_days": _days(_("R14 window"), _("Length of the first and last windows.")),
    "r14_min_logged_days": _days(
        _("R14 logged days needed"), _("Each window needs this many logged days.")
    ),
}


def rule_name(rule: str) -> str:
    return str(RULE_NAMES.get(rule, rule))


def format_value(value: Any) -> str:
    """A threshold as a clinician reads it: fractions as percentages, others as they are."""
    if isinstance(value, Fraction):
        percent = value * 100
        shown = percent.numerator if percent.denominator == 1 else round(float(percent), 1)
        return f"{shown}%"
    return str(value)


def explain_rule(rule: str, params: RuleParams) -> str:
    """The rule's plain explanation with the thresholds of this rule set filled in."""
    values = {f.name: format_value(getattr(params, f.name)) for f in fields(params)}
    return str(RULE_EXPLANATIONS[rule]) % values


@dataclass(frozen=True)
class ParamRow:
    name: str
    info: ParamInfo
    value: str
    default: str

    @property
    def changed(self) -> bool:
        return self.value != self.default


def parameter_rows(params: RuleParams, names: tuple[str, ...]) -> list[ParamRow]:
    """The given thresholds with their meaning, value in force and default."""
    defaults = RuleParams()
    return [
        ParamRow(
            name=name,
            info=PARAMS[name],
            value=format_value(getattr(params, name)),
            default=format_value(getattr(defaults, name)),
        )
        for name in names
    ]
