"""Reads for accounts: invitation lookups and the clinic's therapists."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import clinicians_for_user
from .models import Invitation, User
from .services import invitation_token_hash


class InvitationState(enum.StrEnum):
    USABLE = "usable"
    USED = "used"
    REPLACED = "replaced"
    EXPIRED = "expired"


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link's token belongs to (only the hash is stored), or None."""
    return (
        Invitation.objects.select_related("user__clinic")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


def invitation_state(invitation: Invitation, now=None) -> InvitationState:
    now = now or timezone.now()
    if invitation.used_at is not None:
        return InvitationState.USED
    if invitation.is_usable(now):
        return InvitationState.USABLE
    newer = Invitation.objects.filter(
        user_id=invitation.user_id, created_at__gt=invitation.created_at
    )
    if newer.exists():
        return InvitationState.REPLACED
    return InvitationState.EXPIRED


def pending_invitation(user: User) -> Invitation | None:
    """The newest invitation of someone who has not set a password yet (usable or not)."""
    if user.has_usable_password():
        return None
    return user.invitations.order_by("-created_at", "-id").first()


@dataclass(frozen=True)
class TherapistRow:
    """A therapist on the clinic admin's list: the account, where their invitation stands and
    whether two-step login is set up."""

    user: User
    caseload_size: int
    active: bool
    #: "accepted", "waiting", "expired" or "none" (no invitation on record).
    invitation: str
    invited_at: datetime | None
    invitation_expires_at: datetime | None
    accepted_at: datetime | None
    two_step: bool


def therapist_rows(admin: User, now: datetime | None = None) -> list[TherapistRow]:
    """The clinic's therapists with the size of their caseload (open patients), their
    invitation and two-step login, in one query."""
    now = now or timezone.now()
    newest = Invitation.objects.filter(user=OuterRef("pk")).order_by("-created_at", "-id")
    therapists = (
        clinicians_for_user(admin)
        .annotate(
            caseload_size=Count("caseload", filter=Q(caseload__closed_at__isnull=True)),
            invited_at=Subquery(newest.values("created_at")[:1]),
            invitation_expires_at=Subquery(newest.values("expires_at")[:1]),
            accepted_at=Subquery(
                Invitation.objects.filter(user=OuterRef("pk"), used_at__isnull=False)
                .order_by("-used_at")
                .values("used_at")[:1]
            ),
            two_step=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        )
        .order_by("full_name")
    )
    rows = []
    for user in therapists:
        active = user.has_usable_password()
        if active:
            state = "accepted" if user.accepted_at else "none"
        elif user.invited_at is None:
            state = "none"
        else:
            state = "waiting" if user.invitation_expires_at > now else "expired"
        rows.append(
            TherapistRow(
                user=user,
                caseload_size=user.caseload_size,
                active=active,
                invitation=state,
                invited_at=user.invited_at,
                invitation_expires_at=user.invitation_expires_at,
                accepted_at=user.accepted_at,
                two_step=user.two_step,
            )
        )
    return rows
