"""The clinic's rule set (spec.md section 8): the version in force, and saving a change as a
new version (alerts keep pointing at the version that raised them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Clinic, User

from .engine.params import RuleParams
from .models import RULE_SET_NOTE_MAX_LENGTH, RuleSetVersion

#: The note of a clinic's first version, in the words the rule-set page shows.
DEFAULT_NOTE = "The recommended starting values"


def current_rule_set(clinic: Clinic) -> RuleSetVersion:
    """The clinic's rule set in force: its newest version, or version 1 with the defaults of
    spec.md section 8 when the clinic has none yet. One query once it exists."""
    version = RuleSetVersion.objects.filter(clinic=clinic).order_by("-number").first()
    if version is not None:
        return version
    try:
        with transaction.atomic():
            return RuleSetVersion.objects.create(
                clinic=clinic,
                number=1,
                params=RuleParams().to_dict(),
                note=DEFAULT_NOTE,
            )
    except IntegrityError:
        # Another request created version 1 at the same moment.
        return RuleSetVersion.objects.filter(clinic=clinic).latest("number")


def _params_error(error: Exception) -> ValidationError:
    message = str(error)
    for name in [f for f in RuleParams.__dataclass_fields__ if f != "enabled"]:
        if message.startswith(f"{name}=") or message.startswith(f"{name} "):
            return ValidationError({name: message})
    return ValidationError(message)


NOTE_MAX_LENGTH = RULE_SET_NOTE_MAX_LENGTH


def rule_set_update(
    clinic: Clinic, params: Mapping[str, Any] | RuleParams, *, actor: User | None, note: str = ""
) -> RuleSetVersion:
    """Save a change to the clinic's rule set as a new version (the old one stays, and alerts
    keep pointing at the version that raised them). ``params`` may name only the parameters
    that change; the others keep their current values. R1-R7 stay on whatever is passed.
    Saving without a change returns the current version. Invalid values raise
    ``ValidationError`` naming the parameter."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("The note can be at most %d characters.") % NOTE_MAX_LENGTH}
        )
    changes = params.to_dict() if isinstance(params, RuleParams) else dict(params)
    if "enabled" in changes:
        changes["enabled"] = sorted(changes["enabled"])
    with transaction.atomic():
        # One change at a time per clinic, so two saves cannot take the same number.
        Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
        current = current_rule_set(clinic)
        try:
            new_params = RuleParams.from_dict({**current.params, **changes})
        except (ValueError, TypeError) as error:
            raise _params_error(error) from error
        if new_params == current.rule_params():
            return current
        return RuleSetVersion.objects.create(
            clinic=clinic,
            number=current.number + 1,
            params=new_params.to_dict(),
            note=note,
            created_by=actor,
        )
