"""Triage of alerts (spec.md section 8, "What the clinician sees"): acknowledge, log a
contact, resolve with a note, escalate; and the patient's confirmation of emergency advice.

Each service runs in one transaction, locks the alert, appends one ``TriageAction`` with who and
when, and updates the alert's denormalised state and timestamps. Nothing is ever deleted.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .engine.domain import severity_rank
from .models import Alert, AlertState, ContactMethod, Severity, TriageAction, TriageKind
from .notifications import notification_queue

NOTE_MAX_LENGTH = 4000


class AlertClosed(ValidationError):
    """The action does not apply to the alert in its current state (e.g. it is resolved)."""


def _locked(alert: Alert) -> Alert:
    """The alert's row, locked for the rest of the transaction, with the caller's object
    brought up to date so that the view shows what was saved."""
    fresh = Alert.objects.select_for_update().get(pk=alert.pk)
    for field in ("state", "severity", "acknowledged_at", "resolved_at", "escalated_at"):
        setattr(alert, field, getattr(fresh, field))
    return alert


def _require_unresolved(alert: Alert) -> None:
    if alert.state == AlertState.RESOLVED:
        raise AlertClosed(_("This alert is already resolved."), code="resolved")


def _clean_note(note: str, *, required: bool = False) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError(
            {"note": _("Write a short note to say how it was resolved.")}, code="required"
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX_LENGTH}},
            code="max_length",
        )
    return note


def _record(
    alert: Alert, kind: str, actor: User | None, *, note: str = "", method: str = ""
) -> TriageAction:
    now = timezone.now()
    action = TriageAction.objects.create(
        alert=alert, kind=kind, actor=actor, note=note, contact_method=method, created_at=now
    )
    alert.updated_at = now
    return action


def _mark_acknowledged(alert: Alert, now) -> list[str]:
    if alert.state != AlertState.OPEN:
        return []
    alert.state = AlertState.ACKNOWLEDGED
    alert.acknowledged_at = now
    return ["state", "acknowledged_at"]


def alert_acknowledge(alert: Alert, *, actor: User, note: str = "") -> TriageAction:
    """Say that a clinician has seen the alert and is dealing with it."""
    note = _clean_note(note)
    with transaction.atomic():
        _locked(alert)
        _require_unresolved(alert)
        if alert.state != AlertState.OPEN:
            raise AlertClosed(_("This alert is already acknowledged."), code="acknowledged")
        action = _record(alert, TriageKind.ACKNOWLEDGE, actor, note=note)
        changed = _mark_acknowledged(alert, action.created_at)
        alert.save(update_fields=[*changed, "updated_at"])
    return action


def alert_contact_log(alert: Alert, *, actor: User, method: str, note: str = "") -> TriageAction:
    """Record a contact with the patient (phone, message, in person); it acknowledges an open
    alert, since whoever made contact has seen it."""
    if method not in ContactMethod.values:
        raise ValidationError(
            {"method": _("Choose how you contacted the patient.")}, code="invalid_choice"
        )
    note = _clean_note(note)
    with transaction.atomic():
        _locked(alert)
        _require_unresolved(alert)
        action = _record(alert, TriageKind.CONTACT, actor, note=note, method=method)
        changed = _mark_acknowledged(alert, action.created_at)
        alert.save(update_fields=[*changed, "updated_at"])
    return action


def alert_resolve(alert: Alert, *, actor: User, note: str) -> TriageAction:
    """Close the alert. A note is required: the record must say how it was settled."""
    note = _clean_note(note, required=True)
    with transaction.atomic():
        _locked(alert)
        _require_unresolved(alert)
        action = _record(alert, TriageKind.RESOLVE, actor, note=note)
        alert.state = AlertState.RESOLVED
        alert.resolved_at = action.created_at
        alert.save(update_fields=["state", "resolved_at", "updated_at"])
    return action


def alert_escalate(alert: Alert, *, actor: User, note: str = "") -> TriageAction:
    """Mark the alert as needing senior attention: its severity is raised to at least urgent
    (review and low become urgent; urgent and emergency stay) and the clinic's admins are
    emailed through the mail outbox, in the same transaction."""
    note = _clean_note(note)
    with transaction.atomic():
        _locked(alert)
        _require_unresolved(alert)
        action = _record(alert, TriageKind.ESCALATE, actor, note=note)
        if severity_rank(alert.severity) < severity_rank(Severity.URGENT):
            alert.severity = Severity.URGENT
        alert.escalated_at = action.created_at
        alert.save(update_fields=["severity", "escalated_at", "updated_at"])
        notification_queue(
            alert, reason="escalated", actor=actor, episode=f"escalation-{action.pk}"
        )
    return action


def alert_patient_confirm(alert: Alert, *, actor: User) -> TriageAction:
    """The patient confirms having read the advice of an emergency or urgent alert (its page or
    the banner of their pages). A second confirmation of the same
    advice (a double tap) returns the first instead of recording it twice."""
    with transaction.atomic():
        _locked(alert)
        latest_evidence = (
            alert.evidence.order_by("-added_at").values_list("added_at", flat=True).first()
        )
        seen_from = latest_evidence or alert.opened_at
        existing = (
            alert.actions.filter(kind=TriageKind.PATIENT_CONFIRMED, created_at__gte=seen_from)
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            return existing
        action = _record(alert, TriageKind.PATIENT_CONFIRMED, actor)
        alert.save(update_fields=["updated_at"])
    return action
