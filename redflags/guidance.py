"""What the patient is told after logging an entry (spec.md section 8, last paragraphs).

One `Guidance` per severity in `GUIDANCE`. Without alerts the patient gets the normal-recovery
reassurance and home-care tips. To add the emergency/urgent/review/low branches, add their
entries to `GUIDANCE` (a callable may take the entry and the alerts, e.g. to show the clinic's
emergency number); `guidance_for` already picks the most serious alert's severity.
The wording is ours: plain, second person, reading age about 11.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from symptoms.models import SymptomEntry

from .messages import alert_patient_message, meanwhile_advice, patient_reason

NORMAL = "normal"
#: Alert severities from most to least serious (models.Severity, reversed).
SEVERITY_ORDER = ("emergency", "urgent", "review", "low")


@dataclass(frozen=True)
class Guidance:
    # The texts are lazy (gettext_lazy): rendered in the patient's language.
    severity: str
    heading: str | Promise
    body: str | Promise
    tips: tuple[str | Promise, ...] = ()
    # Why: what the patient told us, from the alerts' patient messages ("You told us ...").
    reasons: tuple[str, ...] = ()
    # The clinic's emergency number, shown as a tap-to-call link (emergency and urgent).
    call_number: str = ""
    tips_heading: str | Promise = ""

    @property
    def call_href(self) -> str:
        """tel: link target: the digits, with a leading + kept."""
        digits = "".join(ch for ch in self.call_number if ch.isdigit())
        return f"tel:{'+' if self.call_number.strip().startswith('+') else ''}{digits}"


# An entry, or None for an alert's own page (the emergency page), and the alerts.
GuidanceSource = Guidance | Callable[[SymptomEntry | None, Sequence[Any]], Guidance]

NORMAL_RECOVERY = Guidance(
    severity=NORMAL,
    heading=_("Thank you, your entry is saved"),
    body=_(
        "Your therapist can see what you logged. Some tingling, burning or soreness is common "
        "after treatment or after doing more. It is part of how nerves get better. It often "
        "settles with rest in a day or two, and it tends to ease as your sessions go on. If it "
        "gets worse, or something new worries you, log it again or call your clinic."
    ),
    tips=(
        _(
            "Try warmth or something cool on the sore area for 10 to 15 minutes, whichever "
            "feels better. Wrap it in a towel so it does not touch your skin."
        ),
        _("Keep moving gently. A short walk or easy movement often helps more than staying still."),
        _("Change position often. Try not to sit or stand the same way for a long time."),
        _(
            "Keep doing your home exercises as your therapist showed you. If one makes it much "
            "worse, do fewer and tell your therapist."
        ),
        _("Rest when you need to, and try to get a good night's sleep."),
    ),
)

# Used while a severity has no entry of its own yet: it never reassures.
UNLISTED = Guidance(
    severity="unlisted",
    heading=_("Thank you, your entry is saved"),
    body=_(
        "Something you told us needs a look from your clinic. Your therapist will see your "
        "entry. If you feel very unwell or you are worried, call your clinic. In an emergency, "
        "call your local emergency number."
    ),
)

# --- Alert severities (spec.md section 8, "What the patient sees") -------------------------
# `reasons` are the alerts' patient messages, shown word for word: the alert page tells the
# clinician that this is what the patient was shown. The texts below frame them. Reading level
# is checked by tests/redflags/test_guidance_wording.py (Flesch-Kincaid grade).

EMERGENCY_TIPS = (
    _("Call %(number)s now, or go to your nearest hospital emergency department."),
    _("Tell them what you told us here."),
    _("Do not drive yourself. Ask someone to take you, or call an ambulance."),
    _("Your clinic will see this too, but do not wait for them to call you."),
)
URGENT_TIPS = (
    _("Keep your phone close by, and answer calls you do not know."),
    _("Rest, and stop anything that makes it worse."),
    _("If you have not heard from your clinic by the end of the day, call them."),
    _(
        "Call %(number)s now if you get numbness between your legs, new problems peeing or "
        "pooing, or you feel very unwell."
    ),
)


def _alert_reasons(alerts: Sequence[Any]) -> tuple[str, ...]:
    """What the patient told us, most serious alert first, each message once, in the patient's
    language (the alert stores it in English: redflags.messages)."""
    rank = {severity: index for index, severity in enumerate(SEVERITY_ORDER)}
    reasons: list[str] = []
    for alert in sorted(alerts, key=lambda a: rank.get(a.severity, len(rank))):
        message = alert_patient_message(alert).strip()
        if message and message not in reasons:
            reasons.append(message)
    return tuple(reasons)


def _emergency_number(entry: SymptomEntry | None, alerts: Sequence[Any]) -> str:
    patient = entry.patient if entry is not None else alerts[0].patient
    return patient.clinic.emergency_number


def _with_number(tips: Sequence[Any], number: str) -> tuple[str, ...]:
    return tuple(str(tip) % {"number": number} for tip in tips)


def offline_emergency_guidance(number: str, reasons: tuple[str, ...] = ()) -> Guidance:
    """The emergency advice with the clinic's number. Without reasons it is what a phone shows
    at once for an entry saved offline, before the entry reaches the rules (issue 17)."""
    return Guidance(
        severity="emergency",
        heading=_("Get help now"),
        body=_("Please act on this now, even if your pain is mild."),
        tips=_with_number(EMERGENCY_TIPS, number),
        reasons=reasons,
        call_number=number,
        tips_heading=_("What to do now"),
    )


def emergency_guidance(entry: SymptomEntry | None, alerts: Sequence[Any]) -> Guidance:
    return offline_emergency_guidance(_emergency_number(entry, alerts), _alert_reasons(alerts))


def urgent_guidance(entry: SymptomEntry | None, alerts: Sequence[Any]) -> Guidance:
    number = _emergency_number(entry, alerts)
    return Guidance(
        severity="urgent",
        heading=_("Your clinic will contact you today"),
        body=_("Someone from your clinic will call or message you today."),
        tips=_with_number(URGENT_TIPS, number),
        reasons=_alert_reasons(alerts),
        call_number=number,
        tips_heading=_("Until they contact you"),
    )


def review_guidance(entry: SymptomEntry | None, alerts: Sequence[Any]) -> Guidance:
    return Guidance(
        severity="review",
        heading=_("Your therapist will look at this"),
        body=_(
            "Thank you for telling us. Your therapist will look at this at your next visit. You "
            "do not need to do anything else now."
        ),
        tips=(
            _("Keep doing your home plan, unless it makes things worse."),
            _("Keep logging how you feel. It helps your therapist."),
            _("If things get a lot worse, log it again or call your clinic."),
        ),
        reasons=_alert_reasons(alerts),
        tips_heading=_("Until then"),
    )


def low_guidance(entry: SymptomEntry | None, alerts: Sequence[Any]) -> Guidance:
    return Guidance(
        severity="low",
        heading=_("A quick reminder"),
        body=_(
            "Logging often helps your therapist see how you are doing. Try to log how you feel "
            "each day, and tick off your exercises when you do them."
        ),
        reasons=_alert_reasons(alerts),
    )


GUIDANCE: dict[str, GuidanceSource] = {
    NORMAL: NORMAL_RECOVERY,
    "emergency": emergency_guidance,
    "urgent": urgent_guidance,
    "review": review_guidance,
    "low": low_guidance,
}


def highest_severity(alerts: Sequence[Any]) -> str:
    """The most serious severity among the alerts, or NORMAL without any."""
    severities = {alert.severity for alert in alerts}
    for severity in SEVERITY_ORDER:
        if severity in severities:
            return severity
    return UNLISTED.severity if severities else NORMAL


def guidance_for(entry: SymptomEntry | None, alerts: Sequence[Any]) -> Guidance:
    """What to tell the patient about this entry, given the alerts it raised or added to."""
    severity = highest_severity(alerts)
    source = GUIDANCE.get(severity, UNLISTED)
    return source(entry, alerts) if callable(source) else source


# --- The banner of an open urgent or emergency alert (issue 11, patient_warnings) ---------------
# Shown at the top of every patient page until a clinician resolves the alert: what the patient
# told us (the rule's own sentence, in their language) and what to do now. Reading level is
# checked with the rest (tests/redflags/test_guidance_wording.py).

WARNING_EMERGENCY_BODY = _(
    "Call %(number)s now, or go to your nearest hospital emergency department. Do not wait "
    "for your clinic to call you."
)
WARNING_PLAN_PAUSED = _("Your home exercises are paused until your clinic has spoken to you.")
WARNING_URGENT_MEANWHILE = _("Until then, rest, and stop anything that makes it worse.")


def warning_guidance(alert: Any) -> Guidance:
    """The banner's words for one open urgent or emergency alert, in the active language."""
    number = alert.patient.clinic.emergency_number
    reason = patient_reason(alert.rule, alert.severity, alert.data or {})
    if alert.severity == "emergency":
        return Guidance(
            severity="emergency",
            heading=_("Get help now"),
            body=str(WARNING_EMERGENCY_BODY) % {"number": number},
            tips=(WARNING_PLAN_PAUSED,),
            reasons=(reason,),
            call_number=number,
        )
    return Guidance(
        severity="urgent",
        heading=_("Your clinic will contact you today"),
        body=meanwhile_advice(alert.rule) or WARNING_URGENT_MEANWHILE,
        # Keep the phone close, call the clinic if nobody has called by the evening, and when
        # not to wait: the urgent guidance's own tips, without "rest" (the meantime advice).
        tips=_with_number((URGENT_TIPS[0], URGENT_TIPS[2], URGENT_TIPS[3]), number),
        reasons=(reason,),
        call_number=number,
    )
