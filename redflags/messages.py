"""What people are told when a rule fires: the patient's message (spec.md section 8, "What
the patient sees") and the therapist's email. Plain second-person wording for the patient, at a
reading age of about 11; the email carries only what a therapist needs to open the alert.

The first sentence of the patient's message is the rule's own ``Finding.patient_reason`` (it
says what the patient told us); what follows depends on the severity:

* emergency: act now, with the clinic's emergency number, before anything else;
* urgent: "your clinic will contact you today" and what to do meanwhile;
* review: a calm note that the therapist will look at it next time;
* low: the reminder only.

Languages: the alert stores the message in English (``settings.LANGUAGE_CODE``), as the clinical
record the clinician reads. The patient sees it in their own language, rebuilt at display time
from the rule, the severity and the alert's data (``alert_patient_message``): the rules are pure
and write English, so ``patient_reason`` below mirrors each rule's sentence with translatable
text, and tests/i18n/test_alert_messages.py checks that in English the two are word for word
the same for every finding the rules produce.
"""

from __future__ import annotations

import logging
import zoneinfo

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, override, pgettext_lazy
from django.utils.translation import gettext as _

from accounts.models import Patient, User

from .engine.domain import Finding

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


# --- What the patient told us, per rule (the rules' patient_reason, translatable) -----------------

_R1_SIGNS = {
    "bladder_bowel_change": gettext_lazy("new trouble passing or holding urine or stool"),
    "saddle_numbness": gettext_lazy("numbness between your legs"),
    "sexual_dysfunction_new": gettext_lazy("a new loss of sexual function"),
}
_R6_SIGNS = {
    "fever_or_unwell": gettext_lazy("a fever or feel unwell"),
    "unexplained_weight_loss": gettext_lazy("lost weight without trying"),
    "night_pain_unrelieved": gettext_lazy("constant pain at night that no position eases"),
}
#: The limbs' words, shared with the clinician's words (finding_words.py).
LIMB_SIDES = {
    "left_leg": gettext_lazy("left leg"),
    "right_leg": gettext_lazy("right leg"),
    "left_arm": gettext_lazy("left arm"),
    "right_arm": gettext_lazy("right arm"),
}
# R7's kinds of pain, as words inside "very bad ... pain".
SHARP_PAIN = {
    "shooting": pgettext_lazy("kind of pain", "shooting"),
    "stabbing": pgettext_lazy("kind of pain", "stabbing"),
}
_FIXED_REASONS = {
    "R2": gettext_lazy("You told us you have symptoms in both legs, which is new for you."),
    "R4": gettext_lazy(
        "You told us numbness or weakness is stopping you from doing everyday things."
    ),
    "R8": gettext_lazy("Your pain after your last few sessions has gone up each time."),
    "R9": gettext_lazy(
        "Your pain this morning is higher than it was before your session, so ease off your "
        "exercises for now."
    ),
    "R10": gettext_lazy(
        "Your exercises have hurt a lot on more than one day. Ease off, and your therapist will "
        "look at this."
    ),
    "R12": gettext_lazy("The words you used for your symptoms can point to an irritated nerve."),
    "R14": gettext_lazy(
        "Your pain has not gone down much since you started. Your therapist will look at this "
        "with you."
    ),
}
#: When a rule's data cannot be read (an alert from before a wording change, say).
_UNKNOWN_REASON = gettext_lazy("You told us something your clinic should check.")


def join_words(words) -> str:
    """``a``, ``a and b``, ``a, b and c`` in the active language."""
    words = [str(word) for word in words]
    if len(words) <= 1:
        return "".join(words)
    return _("%(items)s and %(last)s") % {"items": ", ".join(words[:-1]), "last": words[-1]}


def _from(table, keys) -> list:
    return [table[key] for key in keys]  # KeyError: unknown data, see patient_reason


def patient_reason(rule: str, severity: str, data: dict) -> str:
    """The first sentence of what the patient is told, in the active language: the same words
    as the rule's ``Finding.patient_reason`` in English, rebuilt from the alert's data."""
    try:
        if rule in _FIXED_REASONS:
            return str(_FIXED_REASONS[rule])
        if rule == "R1":
            signs = join_words(_from(_R1_SIGNS, data["signs"]))
            return _("You told us you have %(signs)s.") % {"signs": signs}
        if rule == "R3":
            parts = []
            if data.get("new_foot_drop"):
                parts.append(_("your foot is catching or slapping down, which is new"))
            if data.get("weakness_rising"):
                parts.append(_("your weakness has got worse each time you logged"))
            if not parts:
                raise KeyError("new_foot_drop")
            return _("You told us %(what)s.") % {"what": join_words(parts)}
        if rule == "R5":
            limbs = join_words(_from(LIMB_SIDES, [s["limb_side"] for s in data["spread"]]))
            return _(
                "You told us your tingling or numbness has spread further down your %(limbs)s."
            ) % {"limbs": limbs}
        if rule == "R6":
            signs = join_words(_from(_R6_SIGNS, data["signs"]))
            return _("You told us you have %(signs)s.") % {"signs": signs}
        if rule == "R7":
            kinds = join_words(_from(SHARP_PAIN, data["descriptors"]))
            return _("You told us you have very bad %(kinds)s pain that rest does not ease.") % {
                "kinds": kinds
            }
        if rule == "R11":
            if severity == "urgent":
                return _(
                    "Your flare-up has lasted more than a week, so your clinic will contact you "
                    "today."
                )
            return _(
                "It looks like you are having a flare-up. Your therapist will look at this at "
                "your next visit."
            )
        if rule == "R13":
            if data["part"] == "plan":
                return _(
                    "You have logged fewer than half of your home exercises this week. Try to log "
                    "each one when you do it."
                )
            return _(
                "We have not heard from you since your last session. Please tell us how you are "
                "doing."
            )
    except (KeyError, TypeError):
        pass
    return str(_UNKNOWN_REASON)


def _says_contact_today(rule: str, severity: str) -> bool:
    # R11's escalation already says that the clinic will contact the patient today.
    return rule == "R11" and severity == "urgent"


def meanwhile_advice(rule: str) -> str:
    """What to do until the clinic calls, for an urgent alert of ``rule``; empty for a rule
    without its own advice."""
    advice = _MEANWHILE.get(rule)
    return advice() if advice is not None else ""


def _compose(rule: str, severity: str, reason: str, number: str) -> str:
    """The patient's message: the reason, then what to do, by severity (section 5)."""
    parts = [reason]
    if severity == "emergency":
        parts.append(
            _(
                "This can be a sign of a serious problem with the nerves in your back that "
                "needs treatment straight away. Call %(number)s now or go to your nearest "
                "emergency department. Do not wait for your next session."
            )
            % {"number": number}
        )
    elif severity == "urgent":
        if not _says_contact_today(rule, severity):
            parts.append(_("Your clinic will contact you today."))
        meanwhile = meanwhile_advice(rule)
        if meanwhile:
            parts.append(meanwhile)
        parts.append(
            _(
                "If it gets much worse, or you have new trouble with your bladder or bowel "
                "or numbness between your legs, call %(number)s."
            )
            % {"number": number}
        )
    elif severity == "review":
        following = _REVIEW_NEXT.get(rule)
        if following is not None:
            parts.append(following())
    return " ".join(str(part) for part in parts)


def patient_message(finding: Finding, patient: Patient) -> str:
    """The message stored on the alert as what the patient is told (section 5), in English:
    the clinical record. The patient reads it in their language (``alert_patient_message``)."""
    with override(settings.LANGUAGE_CODE):
        return _compose(
            finding.rule, finding.severity, finding.patient_reason, patient.clinic.emergency_number
        )


def alert_patient_message(alert) -> str:
    """What the patient is told about ``alert``, in the active language (the stored English
    record word for word when that is the language; nothing for an alert that told nothing)."""
    if not alert.patient_message:
        return ""
    if (get_language() or settings.LANGUAGE_CODE) == settings.LANGUAGE_CODE:
        return alert.patient_message
    reason = patient_reason(alert.rule, alert.severity, alert.data or {})
    return _compose(alert.rule, alert.severity, reason, alert.patient.clinic.emergency_number)


def alert_link(alert_pk: int) -> str:
    """The alert page's absolute address. Until the page's URL exists, the site's home page (a
    missing link must not lose the email)."""
    try:
        path = reverse("redflags:alert_detail", args=[alert_pk])
    except NoReverseMatch:
        logger.warning("redflags:alert_detail is not defined; the email links to the home page")
        path = "/"
    return settings.SITE_URL.rstrip("/") + path


# --- The clinician's email: the minimum necessary (issue 11) -------------------------------------
# An email can be read by someone else (a shared inbox, a phone's lock screen), so it names
# neither the patient, nor what was found, nor the rule: only that an alert of this severity at
# this clinic needs review, and the link to sign in and see it. Whole sentences per severity, so
# that every language gets its article and agreement right ("an urgent", "una alerta urgente").


def _email_subjects() -> dict[str, str]:
    return {
        "emergency": _("PT Tracker: an emergency alert needs your review"),
        "urgent": _("PT Tracker: an urgent alert needs your review"),
        "escalated": _("PT Tracker: an escalated alert needs your review"),
    }


def _email_openings() -> dict[str, str]:
    return {
        "emergency": _("An emergency alert at %(clinic)s needs your review."),
        "urgent": _("An urgent alert at %(clinic)s needs your review."),
        "escalated": _("An alert at %(clinic)s was escalated and needs your review."),
    }


def _email_kind(alert, escalated: bool) -> str:
    return "escalated" if escalated else str(alert.severity)


def email_subject(alert, *, escalated: bool = False) -> str:
    """``PT Tracker: an urgent alert needs your review``: no patient, condition or rule."""
    kind = _email_kind(alert, escalated)
    return _email_subjects().get(kind) or _("PT Tracker: an alert needs your review")


def email_body(alert, recipient: User, *, escalated: bool = False) -> str:
    """The severity, the clinic, when, and the link to sign in: nothing about the patient."""
    clinic = alert.patient.clinic
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    moment = alert.escalated_at if escalated and alert.escalated_at else alert.opened_at
    opened = timezone.localtime(moment, zone)
    opening = _email_openings().get(_email_kind(alert, escalated)) or _(
        "An alert at %(clinic)s needs your review."
    )
    lines = [
        _("Hello %(name)s,") % {"name": recipient.get_short_name()},
        "",
        opening % {"clinic": clinic.name},
        _("Raised %(when)s (%(zone)s).")
        % {"when": date_format(opened, "j M Y, H:i"), "zone": str(zone)},
        "",
        _("Sign in to see it: %(link)s") % {"link": alert_link(alert.pk)},
        "",
        _(
            "This email does not say who the patient is or what was found, in case someone "
            "else reads it."
        ),
        (
            _("You get this email as an admin of %(clinic)s.")
            if recipient.is_clinic_admin
            else _("You get this email because you look after patients at %(clinic)s.")
        )
        % {"clinic": clinic.name},
        _("Record what you do in PT Tracker; replies to this email are not read."),
    ]
    return "\n".join(str(line) for line in lines)
