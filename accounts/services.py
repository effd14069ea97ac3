"""Writes for accounts: inviting patients and therapists, accepting invitations, clinic settings.

An invitation link carries a random token; only its SHA-256 is stored, so a copy of the database
cannot be turned into working links. A link is single use and expires after
settings.INVITATION_VALID_DAYS days; issuing a new one invalidates the earlier ones.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import record
from core.models import MailKind, OutboxMessage
from core.outbox import mail_discard, mail_queue, mail_retry_now

from .models import Clinic, Invitation, Patient, User
from .phones import phone_e164

INVITATION_TOKEN_BYTES = 32

EMAIL_TAKEN = _("Someone already has an account with this email address.")


class InvitationNotNeeded(Exception):
    """The person has already set a password; they can use "Forgot your password?"."""


class InvitationUnusable(Exception):
    """The link was used, replaced or has expired in the meantime."""


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    # The plain token exists only in memory, long enough to put it in the email.
    token: str


def patient_records_lock(patient: Patient) -> None:
    """Inside a transaction: wait until no other transaction is writing this patient's records,
    and hold that until this one ends (a row lock on the patient).

    One patient's saves then run one after the other however many app nodes take them, so each
    sees what the others committed: the day's summary counts every entry, and the red-flag
    rules read windows with every record in them. Other patients are not held up. (SQLite
    already runs one writing transaction at a time.)"""
    Patient.objects.select_for_update().filter(pk=patient.pk).values_list("pk", flat=True).first()


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("accounts:invitation_accept", args=[token])


def invitation_email_queue(invitation: Invitation, token: str) -> None:
    """Put the link (text and HTML) in the mail outbox, in the invitation's transaction: it is
    delivered once that commits, and retried while the mail server is down."""
    user = invitation.user
    context = {
        "user": user,
        "clinic": user.clinic,
        "invited_by": invitation.created_by,
        "url": invitation_url(token),
        "valid_days": settings.INVITATION_VALID_DAYS,
        "expires_at": invitation.expires_at,
    }
    with translation.override(user.preferred_language):
        subject = render_to_string("accounts/email/invitation_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("accounts/email/invitation.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("accounts/email/invitation.html", context), "text/html"
        )
    mail_queue(
        message,
        kind=MailKind.INVITATION,
        dedup_key=f"invitation-{invitation.pk}",
        clinic_id=user.clinic_id,
    )


def invitation_issue(user: User, *, actor: User | None) -> IssuedInvitation:
    """Create a fresh link for `user`, invalidate their earlier unused links, and queue the
    email in the same transaction (delivered once it commits)."""
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
        token = secrets.token_urlsafe(INVITATION_TOKEN_BYTES)
        invitation = Invitation.objects.create(
            user=user,
            token_hash=invitation_token_hash(token),
            created_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        invitation_email_queue(invitation, token)
    return IssuedInvitation(invitation=invitation, token=token)


def _user_create(
    *, clinic: Clinic, full_name: str, email: str, role: str, preferred_language: str = ""
) -> User:
    user = User(
        email=email.strip().lower(),
        full_name=full_name.strip(),
        role=role,
        clinic=clinic,
        preferred_language=preferred_language or settings.LANGUAGE_CODE,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


def _check_therapists(clinic: Clinic, therapists: Iterable[User]) -> list[User]:
    therapists = list(therapists)
    if not therapists:
        raise ValidationError({"therapists": _("Choose at least one therapist.")})
    if any(t.clinic_id != clinic.pk or not t.is_therapist for t in therapists):
        raise ValidationError({"therapists": _("Choose therapists of this clinic.")})
    return therapists


def patient_invite(
    *,
    clinic: Clinic,
    full_name: str,
    email: str,
    time_zone: str = "",
    preferred_language: str = "",
    therapists: Iterable[User],
    actor: User,
) -> Patient:
    """Create the patient's login and caseload links, and send them an invitation.

    Everything is saved together or not at all; the email goes out once it is committed. The
    clinician's page also saves the intake in the same transaction (care.services.patient_add).
    """
    therapists = _check_therapists(clinic, therapists)
    try:
        with transaction.atomic():
            user = _user_create(
                clinic=clinic,
                full_name=full_name,
                email=email,
                role=User.Role.PATIENT,
                preferred_language=preferred_language,
            )
            patient = Patient(user=user, clinic=clinic, time_zone=time_zone)
            patient.full_clean()
            patient.save()
            patient.therapists.set(therapists)
            invitation_issue(user, actor=actor)
    except IntegrityError as error:
        # Two clinicians adding the same email at once: the unique index decides.
        raise ValidationError({"email": EMAIL_TAKEN}) from error
    return patient


def therapist_invite(*, clinic: Clinic, full_name: str, email: str, actor: User) -> User:
    """A clinic admin adds a therapist to their clinic and sends them an invitation."""
    try:
        with transaction.atomic():
            user = _user_create(
                clinic=clinic, full_name=full_name, email=email, role=User.Role.THERAPIST
            )
            invitation_issue(user, actor=actor)
    except IntegrityError as error:
        raise ValidationError({"email": EMAIL_TAKEN}) from error
    return user


def invitation_resend(user: User, *, actor: User) -> IssuedInvitation:
    """A new link for someone who has not set a password yet; earlier links stop working."""
    if user.has_usable_password():
        raise InvitationNotNeeded
    return invitation_issue(user, actor=actor)


def invitation_accept(invitation: Invitation, password: str) -> User:
    """Set the password and use up the link, once: two tabs racing get one success."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not claimed:
            raise InvitationUnusable
        user = invitation.user
        user.set_password(password)
        user.save(update_fields=["password"])
        Invitation.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
    return user


def clinic_update(clinic: Clinic, data: dict[str, Any], *, actor: User) -> Clinic:
    for name, value in data.items():
        setattr(clinic, name, value)
    clinic.full_clean()
    clinic.save(update_fields=list(data))
    return clinic


def outbox_message_retry(
    message: OutboxMessage, *, actor: User, request: HttpRequest | None = None
) -> bool:
    """A clinic admin asks for another attempt at an email that could not be delivered, now.
    On record when it changed something; False (nothing recorded) when there was nothing to
    retry, so a second click does nothing more."""
    with transaction.atomic():
        retried = mail_retry_now(message)
        if retried:
            record(request, Action.UPDATE, obj=message, actor=actor, detail="Email: retry now")
    return retried


def outbox_message_discard(
    message: OutboxMessage, *, actor: User, request: HttpRequest | None = None
) -> bool:
    """A clinic admin gives up an email for good. On record when it changed something."""
    with transaction.atomic():
        discarded = mail_discard(message)
        if discarded:
            record(request, Action.UPDATE, obj=message, actor=actor, detail="Email: discarded")
    return discarded


def _contact_value(name: str, value: Any) -> str:
    if name.endswith("phone"):
        return phone_e164(value)
    return str(value or "").strip()


#: A patient's contact details (issue 11), as the forms and the services name them.
CONTACT_FIELDS = ("phone", "emergency_contact_name", "emergency_contact_phone", "best_time_to_call")


def patient_contact_update(
    patient: Patient,
    data: dict[str, Any],
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> list[str]:
    """Save the patient's contact details (numbers already parsed, ``phones.phone_parse``) and
    put the change on the audit log, naming the fields that changed (not their values). Returns
    the names of the fields that changed; nothing is saved or recorded when none did."""
    changed = []
    for name in CONTACT_FIELDS:
        if name not in data:
            continue
        value = data[name] if data[name] is not None else ""
        if _contact_value(name, getattr(patient, name)) != _contact_value(name, value):
            setattr(patient, name, value)
            changed.append(name)
    if not changed:
        return []
    patient.full_clean(exclude=["user", "clinic", "therapists"])
    with transaction.atomic():
        patient.save(update_fields=changed)
        record(
            request,
            Action.UPDATE,
            actor=actor,
            patient=patient,
            obj=patient,
            detail="Contact details: " + ", ".join(changed),
        )
    return changed
