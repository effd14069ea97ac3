"""A replay of an uploaded clinical-safety case beside what it expects (spec.md section 10),
for the clinic admin's upload page."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Clinic
from redflags.explain import rule_name
from redflags.replay_format import CaseError

from .run import replay_case

logger = logging.getLogger(__name__)


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
    """Replay the case (spec.md section 10) against the clinic's current rule set, through
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
        expected_alerts=_alert_rows(expect.get("alerts", [])) if expect is not None else None,
        expected_flares=sorted(expect.get("flares", []), key=lambda f: f["start_day"])
        if expect is not None
        else None,
        differences=result.differences,
    )
