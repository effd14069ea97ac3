"""What an alert found, in a few words for a clinician, and when (issue 11): "Bladder or bowel
change reported at 02:23 on Tue 1 Dec". The caseload, the inbox and the patient overview say why
a patient needs attention with these words first and the rule code second.

The words come from the rule and the alert's data (what the rule recorded), in the active
language; an alert whose data cannot be read falls back to the rule's name. No clinical detail
beyond what the alert page shows, and never in an email (notifications say only the severity).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .explain import rule_name
from .messages import LIMB_SIDES, SHARP_PAIN, join_words

_R1 = {
    "bladder_bowel_change": gettext_lazy("bladder or bowel change"),
    "saddle_numbness": gettext_lazy("saddle numbness"),
    "sexual_dysfunction_new": gettext_lazy("new sexual dysfunction"),
}
_R6 = {
    "fever_or_unwell": gettext_lazy("fever or feeling unwell"),
    "unexplained_weight_loss": gettext_lazy("unexplained weight loss"),
    "night_pain_unrelieved": gettext_lazy("unrelieved night pain with a history of cancer"),
}
_FIXED = {
    "R2": gettext_lazy("new symptoms in both legs"),
    "R4": gettext_lazy("numbness or weakness limiting daily activities"),
    "R8": gettext_lazy("pain rising after each recent session"),
    "R12": gettext_lazy("neuropathic words for the symptoms"),
    "R14": gettext_lazy("no improvement since the start"),
}
#: Found by the daily check at the end of a day, not reported by the patient at a moment.
_FOUND_BY_THE_DAY = frozenset({"R13", "R14"})


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _signs(table: Mapping[str, Any], keys: Any) -> str:
    return join_words([table[key] for key in keys])  # KeyError: unknown data


def _summary(rule: str, data: Mapping[str, Any]) -> str:
    """The finding in a few lower-case words; KeyError or TypeError for unreadable data."""
    if rule in _FIXED:
        return str(_FIXED[rule])
    if rule == "R1":
        return _signs(_R1, data["signs"])
    if rule == "R3":
        parts = []
        if data.get("new_foot_drop"):
            parts.append(_("new foot drop"))
        if data.get("weakness_rising"):
            parts.append(_("weakness rising entry by entry"))
        if not parts:
            raise KeyError("new_foot_drop")
        return join_words(parts)
    if rule == "R5":
        sides = _signs(LIMB_SIDES, [spread["limb_side"] for spread in data["spread"]])
        return _("symptoms spreading down the %(sides)s") % {"sides": sides}
    if rule == "R6":
        return _signs(_R6, data["signs"])
    if rule == "R7":
        kinds = _signs(SHARP_PAIN, data["descriptors"])
        return _("severe %(kinds)s pain (worst %(worst)s/10) not eased by rest") % {
            "kinds": kinds,
            "worst": data["pain_worst"],
        }
    if rule == "R9":
        return _("next-morning pain %(now)s, above %(before)s before the session") % {
            "now": data["pain_now"],
            "before": data["pre_session_pain"],
        }
    if rule == "R10":
        return _("exercise pain %(pain)s/10, in the red zone on more than one day") % {
            "pain": data["pain_during"]
        }
    if rule == "R11":
        if data.get("escalated"):
            return _("flare-up open for %(days)s days") % {"days": data["days_open"]}
        return _("flare-up")
    if rule == "R13":
        if data["part"] == "plan":
            return _("fewer than half of the home exercise doses logged")
        return _("no check-in after the last session")
    raise KeyError(rule)


def finding_summary(rule: str, data: Mapping[str, Any] | None) -> str:
    """ "Bladder or bowel change", "Severe stabbing pain (worst 8/10) not eased by rest"; the
    rule's name when the data cannot be read."""
    try:
        return _capitalised(_summary(rule, data or {}))
    except (KeyError, TypeError, ValueError):
        return str(rule_name(rule))


def found_by_the_day(rule: str, data: Mapping[str, Any] | None) -> bool:
    """Found by the daily check (R13, R14, the R11 escalation) rather than reported."""
    return rule in _FOUND_BY_THE_DAY or bool((data or {}).get("escalated"))


def finding_headline(
    rule: str,
    data: Mapping[str, Any] | None,
    *,
    reported_at: datetime | None,
    opened_day: date,
    zone: zoneinfo.ZoneInfo,
) -> str:
    """ "Bladder or bowel change reported at 02:23 on Tue 1 Dec" (the time of the record behind
    the alert, ``report_times``, in the patient's zone), or "... found on Tue 1 Dec" for the
    daily check's findings and an alert with no record behind it."""
    summary = finding_summary(rule, data)
    if reported_at is None or found_by_the_day(rule, data):
        return _("%(finding)s found on %(day)s") % {
            "finding": summary,
            "day": date_format(opened_day, "D j M"),
        }
    local = timezone.localtime(reported_at, zone)
    return _("%(finding)s reported at %(time)s on %(day)s") % {
        "finding": summary,
        "time": local.strftime("%H:%M"),
        "day": date_format(local.date(), "D j M"),
    }
