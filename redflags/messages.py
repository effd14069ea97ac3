"""What people are told when a rule fires: the patient's message (CLINICAL.md section 5, "What
the patient sees") and the therapist's email. Plain second-person wording for the patient, at a
reading age of about 11; the email carries only what a therapist needs to open the alert.

The first sentence of the patient's message is the rule's own ``Finding.patient_reason`` (it
says what the patient told us); what follows depends on the severity:

* emergency: act now, with the clinic's emergency number, before anything else;
* urgent: "your clinic will contact you today" and what to do meanwhile;
* review: a calm note that the therapist will look at it next time;
* low: the reminder only.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Patient, User

from .domain import RULE_CODES, Finding

logger = logging.getLogger(__name__)

# What to do until the clinic calls, per urgent rule (section 5: "plus what to do meanwhile").
_MEANWHILE = {
    "R2": lambda: _("Until then, rest in a comfortable position and avoid lifting."),
    "R3": lambda: _(
        "Until then, take care on stairs and uneven ground, and do not drive if your leg feels "
        "weak."
    ),
    "R4": lambda: _("Until then, avoid the activities that make the numbness or weakness worse."),
    "R5": lambda: _("Until then, stop the exercises that bring on the tingling or numbness."),
    "R6": lambda: _("Until then, rest and drink plenty. If you feel very unwell, get help now."),
    "R7": lambda: _(
        "Until then, rest in the position that eases the pain most and stop your home "
        "exercises for today."
    ),
    "R11": lambda: _(
        "Until then, keep moving gently, use heat or cold if it helps, and ease off your exercises."
    ),
}

# Review rules whose own sentence does not already say what happens next.
_REVIEW_NEXT = {
    "R8": lambda: _("Your therapist will look at this at your next session."),
    "R9": lambda: _(
        "Next time, do fewer reps or a smaller range. Your therapist will look at this at "
        "your next session."
    ),
    "R10": lambda: _("Next time, do fewer reps or a smaller range."),
    "R11": lambda: _(
        "Flare-ups are common and usually settle. Heat or cold, gentle movement, changing "
        "position and rest can help. Keep to your home plan as best you can."
    ),
    "R12": lambda: _(
        "This is common, and your therapist will talk about it with you at your next session."
    ),
}


def patient_message(finding: Finding, patient: Patient) -> str:
    """The message stored on the alert as what the patient is told (section 5)."""
    number = patient.clinic.emergency_number
    with override(patient.user.preferred_language or settings.LANGUAGE_CODE):
        parts = [finding.patient_reason]
        if finding.severity == "emergency":
            parts.append(
                _(
                    "This can be a sign of a serious problem with the nerves in your back that "
                    "needs treatment straight away. Call %(number)s now or go to your nearest "
                    "emergency department. Do not wait for your next session."
                )
                % {"number": number}
            )
        elif finding.severity == "urgent":
            if "contact you today" not in finding.patient_reason:
                parts.append(_("Your clinic will contact you today."))
            meanwhile = _MEANWHILE.get(finding.rule)
            if meanwhile is not None:
                parts.append(meanwhile())
            parts.append(
                _(
                    "If it gets much worse, or you have new trouble with your bladder or bowel "
                    "or numbness between your legs, call %(number)s."
                )
                % {"number": number}
            )
        elif finding.severity == "review":
            following = _REVIEW_NEXT.get(finding.rule)
            if following is not None:
                parts.append(following())
        return " ".join(str(part) for part in parts)


def rule_title(rule: str) -> str:
    """``R5 spreading symptoms``."""
    return f"{rule} {RULE_CODES[rule].replace('_', ' ')}"


def alert_link(alert_pk: int) -> str:
    """The alert page's absolute address. Until the page's URL exists, the site's home page (a
    missing link must not lose the email)."""
    try:
        path = reverse("redflags:alert_detail", args=[alert_pk])
    except NoReverseMatch:
        logger.warning("redflags:alert_detail is not defined; the email links to the home page")
        path = "/"
    return settings.SITE_URL.rstrip("/") + path


def email_subject(alert, *, escalated: bool = False) -> str:
    """``[PT Tracker] URGENT: R5 spreading symptoms – Pat Patient``."""
    label = _("ESCALATED") if escalated else alert.get_severity_display().upper()
    return f"[PT Tracker] {label}: {rule_title(alert.rule)} – {alert.patient}"


def email_body(alert, recipient: User, *, escalated: bool = False) -> str:
    """Only what the therapist needs: who, which rule, why, when, and the link."""
    zone = alert.patient.zone
    opened = timezone.localtime(alert.opened_at, zone)
    lines = [
        _("Hello %(name)s,") % {"name": recipient.get_short_name()},
        "",
        (
            _("An alert about %(patient)s was escalated and needs attention.")
            if escalated
            else _("A %(severity)s alert was raised for %(patient)s.")
        )
        % {"patient": alert.patient, "severity": alert.get_severity_display().lower()},
        "",
        f"{rule_title(alert.rule)}: {alert.reason}",
        _("Opened %(when)s (%(zone)s).")
        % {"when": opened.strftime("%d %b %Y %H:%M"), "zone": str(zone)},
        "",
        _("Open the alert: %(link)s") % {"link": alert_link(alert.pk)},
        "",
        (
            _("You get this email as an admin of %(clinic)s.")
            if recipient.is_clinic_admin
            else _("You get this email because %(patient)s is on your caseload at %(clinic)s.")
        )
        % {"patient": alert.patient, "clinic": alert.patient.clinic},
        _("Record what you do in PT Tracker; replies to this email are not read."),
    ]
    return "\n".join(str(line) for line in lines)
