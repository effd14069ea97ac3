"""Who is told about an alert (spec.md section 8: urgent and emergency alerts reach the clinic
the same day), and with which email. One email per recipient per alert episode goes into the
mail outbox (core.outbox) in the alert's transaction; the outbox delivers it once that commits,
retries with backoff while the mail server is down and gives it up visibly. A ``Notification``
row keeps who was told about which alert, and points at the email whose delivery the alert
page shows.
"""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import override

from accounts.models import User
from core.models import MailKind
from core.outbox import mail_queue

from .messages import email_body, email_subject
from .models import Alert, Notification, Severity

logger = logging.getLogger(__name__)

#: Severities that email the patient's therapists (section 5: the clinic acts the same day).
NOTIFY_SEVERITIES = frozenset({Severity.URGENT, Severity.EMERGENCY})


def _recipients(alert: Alert, *, escalated: bool, actor: User | None) -> list[User]:
    patient = alert.patient

    def therapists() -> list[User]:
        return list(patient.therapists.filter(is_active=True).exclude(email=""))

    def admins() -> list[User]:
        return list(
            User.objects.filter(
                clinic_id=patient.clinic_id, role=User.Role.CLINIC_ADMIN, is_active=True
            ).exclude(email="")
        )

    # A manual escalation goes to the clinic's admins; an alert to the patient's therapists.
    # With nobody in the first group, the other one gets it, so an alert is never unseen.
    first, second = (admins, therapists) if escalated else (therapists, admins)
    people = [p for p in first() if actor is None or p.pk != actor.pk]
    if not people:
        people = [p for p in second() if actor is None or p.pk != actor.pk]
    return people


def _episode(alert: Alert, *, escalated: bool) -> str:
    """What one round of emails is about, when the caller does not say: the alert reaching a
    severity that notifies (raised, or escalated automatically), or a manual escalation at its
    moment."""
    if escalated:
        return f"escalated-{(alert.escalated_at or timezone.now()):%Y%m%d%H%M%S%f}"
    return f"raised-{alert.severity}"


def notification_queue(
    alert: Alert,
    *,
    reason: str = "raised",
    actor: User | None = None,
    episode: str | None = None,
) -> list[Notification]:
    """Queue one email per recipient in the mail outbox, in the caller's transaction (delivered
    once it commits: a rolled-back alert sends nothing), and record who was told. ``reason`` is
    ``raised`` (an urgent or emergency alert, to the patient's therapists) or ``escalated`` (a
    clinician escalated it, to the clinic's admins). Queueing the same ``episode`` again adds
    nothing: each email's dedup key is the alert, the episode and the recipient (a manual
    escalation names its triage action as its episode)."""
    escalated = reason == "escalated"
    if not escalated and alert.severity not in NOTIFY_SEVERITIES:
        return []
    people = _recipients(alert, escalated=escalated, actor=actor)
    if not people:
        logger.error("Alert %s has nobody to notify: no therapist or clinic admin", alert.pk)
        return []
    episode = episode or _episode(alert, escalated=escalated)
    now = timezone.now()
    rows = []
    for person in people:
        with override(person.preferred_language):
            email = EmailMessage(
                subject=email_subject(alert, escalated=escalated),
                body=email_body(alert, person, escalated=escalated),
                to=[person.email],
            )
        message, created = mail_queue(
            email,
            kind=MailKind.ALERT,
            dedup_key=f"alert-{alert.pk}-{episode}-{person.pk}",
            clinic_id=alert.patient.clinic_id,
        )
        if created:
            rows.append(
                Notification(alert=alert, recipient=person, message=message, created_at=now)
            )
    return Notification.objects.bulk_create(rows)
