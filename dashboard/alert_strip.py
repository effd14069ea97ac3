"""The strip at the top of a patient's overview (issue 11): every open alert, most severe first,
with what it found in words and when, its severity, its age and the way to triage it."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from redflags.engine.domain import severity_rank
from redflags.finding_words import finding_headline
from redflags.models import Alert, AlertState

from .labels import severity_label


@dataclass(frozen=True)
class StripAlert:
    alert: Alert
    #: "Bladder or bowel change reported at 02:23 on Tue 1 Dec".
    headline: str
    severity_label: str

    @property
    def acknowledged(self) -> bool:
        return self.alert.state == AlertState.ACKNOWLEDGED


def open_alert_strip(alerts: Iterable[Alert], zone: zoneinfo.ZoneInfo) -> list[StripAlert]:
    """The unresolved alerts among ``alerts``, emergencies first, then urgent, review and low,
    newest first within each. No query: the overview has loaded them."""
    unresolved = [alert for alert in alerts if alert.state != AlertState.RESOLVED]
    unresolved.sort(key=lambda a: (-severity_rank(a.severity), -a.opened_at.timestamp(), -a.pk))
    return [
        StripAlert(
            alert=alert,
            headline=finding_headline(
                alert.rule,
                alert.data,
                # Annotated by the overview's loader (redflags.report_times).
                reported_at=getattr(alert, "reported_at", None),
                opened_day=alert.opened_day,
                zone=zone,
            ),
            severity_label=severity_label(alert.severity),
        )
        for alert in unresolved
    ]
