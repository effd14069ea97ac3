"""Reads for accounts: invitation lookups and the clinic's therapists."""

from __future__ import annotations

import enum

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

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


def therapists_for_admin(admin: User) -> QuerySet[User]:
    """The clinic's therapists with the size of their caseload (open patients)."""
    return (
        clinicians_for_user(admin)
        .annotate(caseload_size=Count("caseload", filter=Q(caseload__closed_at__isnull=True)))
        .order_by("full_name")
    )
