"""The caseload table as the page shows it: each row's words, classes, dates and links, made
once per page in Python so that the template only places them.

A template filter or ``{% blocktranslate %}`` costs as much as a whole row of plain lookups,
and the same few labels (a risk's words, a direction's arrow, "Today") would be translated again
on every row; here each is translated once per page, links are reversed once per page
(``links.UrlPattern``), and dates are formatted with the same format strings the template used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypedDict

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from care.outcomes import OutcomeSummary
from outcomes.measures import Verdict
from outcomes.templatetags.outcome_tags import VERDICT_LABELS, signed
from redflags.models import Severity
from symptoms.chart_frame import day_label

from . import labels
from .caseload_rows import CaseloadRow
from .links import UrlPattern
from .summaries.pain import Direction
from .summaries.risk import Risk


class TableRow(TypedDict):
    """One row of the caseload table, every cell ready to show. A dict, because the template
    engine looks a name up in a dict first and only then tries an attribute."""

    name: str
    risk_class: str
    risk_label: str
    #: overview, sessions, intake, plan (empty without the route) and alert (empty without one).
    links: dict[str, str]
    #: The most serious unresolved alert: its severity (for the badge's class), the severity's
    #: words, what it found and when ("Saddle numbness reported at 02:23 on Tue 1 Dec"), its
    #: rule and whether it was acknowledged; "N open alerts" when there is more than one.
    alert: dict[str, Any] | None
    more_alerts: str
    #: A meaningful rise of pain over the baseline without an alert: it needs attention too.
    rise: str
    also_not_logging: bool
    flare_open: bool
    #: "Flaring since 2 Dec" or "Last flare 15-18 Nov (17 days ago)"; empty without a recent one.
    flare: str
    sparkline: SafeString
    #: Current pain against the baseline; ``direction`` is empty without an entry.
    direction: str
    direction_label: str
    direction_arrow: str
    pain: str
    baseline: str
    #: "as of 14 Nov" when the latest logged day is more than a week old.
    as_of: str
    #: Adherence as "57" and "4 of 7 doses"; empty without a plan.
    adherence_percent: str
    adherence_doses: str
    last_entry_iso: str
    last_entry_ago: str
    #: "Today" or "Thu 27 Nov"; empty when none is booked.
    next_session: str
    #: The overall outcome against the MCIDs (issue 16): its value (for the badge's class), its
    #: words, and each measured change ("Pain −3 · PSFS +2.5 · GROC +4").
    outcome: str
    outcome_label: str
    outcome_changes: str


class _Words:
    """What every row of a page says alike, translated and reversed once per page."""

    def __init__(self) -> None:
        self.risk_labels = labels.risk_labels()
        self.risk_classes = {risk: labels.risk_class(risk) for risk in Risk}
        self.severities = {value: labels.severity_label(value) for value in Severity.values}
        self.directions = {
            direction: (label, labels.ARROWS[direction])
            for direction, label in labels.direction_labels().items()
        }
        self.today = _("Today")
        self.doses = _("%(done)s of %(of)s doses")
        self.flare_now = _("Flaring since %(start)s")
        self.flare_last = _("Last flare %(days)s (%(ago)s)")
        self.ended_today = _("ended today")
        self.as_of = _("as of %(day)s")
        self.rise = _("Pain up: %(pain)s against a baseline of %(baseline)s on %(day)s")
        self.links = {
            "overview": UrlPattern("dashboard:patient_overview"),
            "sessions": UrlPattern("symptoms:patient_sessions"),
            "intake": UrlPattern("symptoms:intake_edit"),
            "plan": UrlPattern("exercises:plan_builder"),
        }
        self.alert_link = UrlPattern("redflags:alert_detail")
        self._session_days: dict[date, str] = {}
        self.verdicts = {verdict: str(label) for verdict, label in VERDICT_LABELS.items()}
        self.measures = (_("Pain"), _("PSFS"), _("GROC"))

    def session_day(self, day: date) -> str:
        # The caseload's next sessions fall on the same few days of the coming week.
        if day not in self._session_days:
            self._session_days[day] = date_format(day, "D j M")
        return self._session_days[day]


def caseload_table(
    rows: Sequence[CaseloadRow],
    *,
    today: date,
    outcomes: Mapping[int, OutcomeSummary] | None = None,
) -> list[TableRow]:
    words = _Words()
    outcomes = outcomes or {}
    return [_table_row(row, words, today, outcomes.get(row.patient.pk)) for row in rows]


def _table_row(
    row: CaseloadRow, words: _Words, today: date, outcome: OutcomeSummary | None
) -> TableRow:
    pk = row.patient.pk
    links = {key: pattern(pk) for key, pattern in words.links.items()}
    links["alert"] = words.alert_link(row.alert["id"]) if row.alert else ""
    current, adherence = row.current, row.adherence
    direction_label, arrow = words.directions[current.direction] if current else ("", "")
    return TableRow(
        name=row.patient.user.full_name,
        risk_class=words.risk_classes[row.risk],
        risk_label=words.risk_labels[row.risk],
        links=links,
        alert=_alert(row.alert, row.alert_headline, words),
        more_alerts=_more_alerts(row.open_alerts),
        rise=_rise(row, words),
        also_not_logging=row.also_not_logging,
        flare_open=row.flare_open,
        flare=_flare(row, words, today),
        sparkline=row.sparkline,
        direction=str(current.direction) if current else "",
        direction_label=direction_label,
        direction_arrow=arrow,
        pain=str(current.pain) if current else "",
        baseline=labels.pain(current.baseline) if current else "",
        as_of=_as_of(current.day, today, words) if current else "",
        adherence_percent=str(adherence.percent) if adherence else "",
        adherence_doses=words.doses
        % {"done": adherence.counted_rounded, "of": adherence.prescribed_rounded}
        if adherence
        else "",
        last_entry_iso=_iso(row.last_entry_at),
        last_entry_ago=naturaltime(row.last_entry_at) if row.last_entry_at else "",
        next_session=_next_session(row.next_session, today, words),
        **_outcome(outcome, words),
    )


def _alert(alert: Mapping[str, Any] | None, headline: str, words: _Words) -> dict[str, Any] | None:
    if alert is None:
        return None
    severity = alert["severity"]
    return {
        "severity": severity,
        "label": words.severities.get(severity, severity),
        "headline": headline,
        "rule": alert["rule"],
        "acknowledged": alert["state"] == "acknowledged",
    }


def _more_alerts(count: int) -> str:
    if count <= 1:
        return ""
    return ngettext("%(counter)s open alert", "%(counter)s open alerts", count) % {"counter": count}


def _rise(row: CaseloadRow, words: _Words) -> str:
    """A meaningful rise shows even without an alert (issue 11)."""
    current = row.current
    if row.alert is not None or current is None or current.direction != Direction.RISE:
        return ""
    return words.rise % {
        "pain": current.pain,
        "baseline": labels.pain(current.baseline),
        "day": day_label(current.day),
    }


#: Figures from a logged day older than this many days say which day they are from.
STALE_AFTER_DAYS = 7


def _as_of(day: date, today: date, words: _Words) -> str:
    if (today - day).days <= STALE_AFTER_DAYS:
        return ""
    return words.as_of % {"day": day_label(day)}


def _day_range(start: date, end: date) -> str:
    """ "15-18 Nov", or "28 Nov-3 Dec" across months."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{day_label(end)}"
    return f"{day_label(start)}-{day_label(end)}"


def _flare(row: CaseloadRow, words: _Words, today: date) -> str:
    flare = row.recent_flare
    if flare is None:
        return ""
    # Without an open flare-up the recent one has ended (its end is None only while open).
    if row.flare_open or flare.end is None:
        return words.flare_now % {"start": day_label(flare.start)}
    days = (today - flare.end).days
    ago = (
        ngettext("%(count)s day ago", "%(count)s days ago", days) % {"count": days}
        if days > 0
        else words.ended_today
    )
    return words.flare_last % {"days": _day_range(flare.start, flare.end), "ago": ago}


class _OutcomeCells(TypedDict):
    outcome: str
    outcome_label: str
    outcome_changes: str


def _outcome(outcome: OutcomeSummary | None, words: _Words) -> _OutcomeCells:
    verdict = outcome.overall if outcome else Verdict.UNMEASURED
    changes = []
    if outcome is not None:
        pain, psfs, groc = words.measures
        if outcome.pain.change is not None:
            changes.append(f"{pain} {signed(outcome.pain.change)}")
        if outcome.psfs.measured_twice:
            changes.append(f"{psfs} {signed(outcome.psfs.change)}")
        if outcome.groc.last is not None:
            changes.append(f"{groc} {signed(outcome.groc.last.value)}")
    return {
        "outcome": str(verdict),
        "outcome_label": words.verdicts[verdict],
        "outcome_changes": " · ".join(changes),
    }


def _iso(moment: datetime | None) -> str:
    # The date filter's "c", in the current time zone as the template would show it.
    return timezone.localtime(moment).isoformat() if moment else ""


def _next_session(day: date | None, today: date, words: _Words) -> str:
    if day is None:
        return ""
    return words.today if day == today else words.session_day(day)
