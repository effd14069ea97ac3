"""Reads for the clinic admin's rule-set page: the rule set's versions with what each changed.

Writes go through ``redflags.rule_sets.rule_set_update``, one new version per change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from accounts.models import Clinic

from .engine.params import RuleParams
from .explain import PARAMS, format_value, rule_name
from .models import RuleSetVersion

logger = logging.getLogger(__name__)


# --- Rule set ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class VersionRow:
    version: RuleSetVersion
    changes: list[Change] = field(default_factory=list)
    unreadable: bool = False


def _differences(before: RuleParams, after: RuleParams) -> list[Change]:
    changes = [
        Change(
            str(info.label), format_value(getattr(before, name)), format_value(getattr(after, name))
        )
        for name, info in PARAMS.items()
        if getattr(before, name) != getattr(after, name)
    ]
    for rule in sorted(before.enabled ^ after.enabled, key=lambda r: int(r[1:])):
        on, off = str(_("on")), str(_("off"))
        changes.append(
            Change(
                f"{rule} {rule_name(rule)}",
                on if before.is_enabled(rule) else off,
                on if after.is_enabled(rule) else off,
            )
        )
    return changes


def rule_set_versions(clinic: Clinic) -> list[VersionRow]:
    """The clinic's versions, newest first, each with what it changed from the one before (the
    first from the defaults). One query."""
    versions = list(
        RuleSetVersion.objects.filter(clinic=clinic).select_related("created_by").order_by("number")
    )
    rows: list[VersionRow] = []
    previous = RuleParams()
    for version in versions:
        try:
            params = version.rule_params()
        except ValueError:
            # A stored version this code cannot read is shown, not hidden.
            rows.append(VersionRow(version, unreadable=True))
            continue
        rows.append(VersionRow(version, _differences(previous, params)))
        previous = params
    return list(reversed(rows))
