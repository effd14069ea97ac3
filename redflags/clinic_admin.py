"""Reads for the clinic admin's pages: the rule set's versions with what each changed, and a
replay of an uploaded case beside what it expects (CLINICAL.md section 6).

Writes go through the engine: ``redflags.rule_sets.rule_set_update`` for a new version and
``redflags.replay.replay_case`` for the replay (which rolls everything back).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Clinic

from .engine.params import RuleParams
from .explain import PARAMS, format_value, rule_name
from .models import RuleSetVersion
from .replay import replay_case
from .replay_format import CaseError

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


# --- Case replay -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertRow:
    rule: str
    severity: str
    day: Any
    name: str


@dataclass
class ReplayReport:
    """A replay's result beside what the case expects, for the upload page."""

    case_id: str
    output_json: str
    actual_alerts: list[AlertRow]
    actual_flares: list[dict[str, Any]]
    # None when the case has no "expect" part (then nothing is compared).
    expected_alerts: list[AlertRow] | None
    expected_flares: list[dict[str, Any]] | None
    differences: list[str]

    @property
    def has_expectations(self) -> bool:
        return self.expected_alerts is not None

    @property
    def passed(self) -> bool:
        return self.has_expectations and not self.differences


def _alert_rows(alerts: list[dict[str, Any]]) -> list[AlertRow]:
    ordered = sorted(alerts, key=lambda a: (a["day"], int(a["rule"][1:]), a["severity"]))
    return [AlertRow(a["rule"], a["severity"], a["day"], rule_name(a["rule"])) for a in ordered]


def replay_report(case: dict[str, Any], clinic: Clinic) -> ReplayReport:
    """Replay the case (CLINICAL.md section 6) against the clinic's current rule set, through
    the engine's ``replay_case`` (nothing is saved), and compare it with its ``expect``.

    A bad case comes back as a ValidationError carrying the engine's message (which names the
    field); anything else that breaks on an uploaded file is logged and reported the same way,
    so the page never answers 500.
    """
    expect = case.get("expect")
    check = expect is not None
    try:
        result = replay_case(case, check=check, clinic=clinic)
    except CaseError as error:
        raise ValidationError(
            _("The case cannot be run: %(error)s"), params={"error": error}, code="bad_case"
        ) from error
    except Exception as error:
        logger.exception("Replay of an uploaded case failed")
        raise ValidationError(
            _("The case could not be run (%(kind)s). Check its fields against the replay format."),
            params={"kind": type(error).__name__},
            code="replay_failed",
        ) from error
    return ReplayReport(
        case_id=result.id,
        output_json=json.dumps(result.as_dict(), indent=2),
        actual_alerts=_alert_rows(result.alerts),
        actual_flares=result.flares,
        expected_alerts=_alert_rows(expect.get("alerts", [])) if check else None,
        expected_flares=sorted(expect.get("flares", []), key=lambda f: f["start_day"])
        if check
        else None,
        differences=result.differences,
    )
