"""Raising alerts (spec.md section 8): one open alert per rule per patient, findings added
to it as evidence, its severity raised by a more severe finding, and urgent or emergency alerts
queued for email in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Patient
from exercises.models import ExerciseLog as ExerciseLogRow
from symptoms.models import PTSession, SymptomEntry

from .engine.domain import Finding, severity_rank
from .messages import patient_message
from .models import Alert, AlertEvidence, RuleSetVersion, TriageAction, TriageKind
from .notifications import NOTIFY_SEVERITIES, notification_queue


def _unresolved_alert(patient: Patient, rule: str) -> Alert | None:
    return (
        Alert.objects.select_for_update()
        .filter(patient=patient, rule=rule)
        .exclude(state=Alert.State.RESOLVED)
        .first()
    )


def _unique_ids(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def _evidence_add(
    alert: Alert,
    finding: Finding,
    *,
    day: date,
    entry: SymptomEntry | None,
    exercise_log: ExerciseLogRow | None,
    session_id: int | None,
    fresh: bool,
    now: datetime,
) -> int:
    """Add the records behind ``finding`` to ``alert``: one row per entry and per exercise log
    not already behind it; a finding about no record (R13, R14) adds one row per day (and
    session). So repeating an evaluation (a correction, a second sweep) adds nothing.
    ``fresh``: the alert was just opened, so nothing is behind it yet."""
    entry_ids = _unique_ids(finding.evidence_entry_ids)
    log_ids = _unique_ids(finding.evidence_exercise_log_ids)
    if not entry_ids and not log_ids:
        if entry is not None:
            entry_ids = [entry.pk]
        elif exercise_log is not None:
            log_ids = [exercise_log.pk]
    common = {"alert": alert, "reason": finding.reason, "data": finding.data, "added_at": now}
    rows: list[AlertEvidence] = []
    if entry_ids:
        rows += _entry_evidence(alert, entry_ids, entry, fresh=fresh, common=common)
    if log_ids:
        rows += _log_evidence(alert, log_ids, exercise_log, fresh=fresh, common=common)
    if not entry_ids and not log_ids:
        seen = not fresh and (
            AlertEvidence.objects.filter(
                alert=alert,
                day=day,
                session_id=session_id,
                entry__isnull=True,
                exercise_log__isnull=True,
            ).exists()
        )
        if not seen:
            rows.append(AlertEvidence(day=day, session_id=session_id, **common))
    AlertEvidence.objects.bulk_create(rows)
    return len(rows)


def _entry_evidence(
    alert: Alert,
    entry_ids: list[int],
    entry: SymptomEntry | None,
    *,
    fresh: bool,
    common: dict[str, Any],
) -> list[AlertEvidence]:
    """Evidence rows for the entries not yet behind ``alert``, with each entry's day and session
    (the saved ``entry`` is at hand; the others take one query)."""
    if not fresh:
        known = set(
            AlertEvidence.objects.filter(alert=alert, entry_id__in=entry_ids).values_list(
                "entry_id", flat=True
            )
        )
        entry_ids = [pk for pk in entry_ids if pk not in known]
    info = {}
    if entry is not None:
        info[entry.pk] = (entry.day, entry.session_id)
    missing = [pk for pk in entry_ids if pk not in info]
    if missing:
        for pk, entry_day, entry_session in SymptomEntry.objects.filter(pk__in=missing).values_list(
            "pk", "day", "session_id"
        ):
            info[pk] = (entry_day, entry_session)
    return [
        AlertEvidence(entry_id=pk, day=info[pk][0], session_id=info[pk][1], **common)
        for pk in entry_ids
        if pk in info
    ]


def _log_evidence(
    alert: Alert,
    log_ids: list[int],
    exercise_log: ExerciseLogRow | None,
    *,
    fresh: bool,
    common: dict[str, Any],
) -> list[AlertEvidence]:
    """Evidence rows for the exercise logs not yet behind ``alert``, with each log's day."""
    if not fresh:
        known = set(
            AlertEvidence.objects.filter(alert=alert, exercise_log_id__in=log_ids).values_list(
                "exercise_log_id", flat=True
            )
        )
        log_ids = [pk for pk in log_ids if pk not in known]
    log_days = {}
    if exercise_log is not None:
        log_days[exercise_log.pk] = exercise_log.day
    missing = [pk for pk in log_ids if pk not in log_days]
    if missing:
        log_days.update(ExerciseLogRow.objects.filter(pk__in=missing).values_list("pk", "day"))
    return [
        AlertEvidence(exercise_log_id=pk, day=log_days[pk], **common)
        for pk in log_ids
        if pk in log_days
    ]


def alert_raise(
    patient: Patient,
    finding: Finding,
    *,
    day: date,
    rule_set_version: RuleSetVersion,
    entry: SymptomEntry | None = None,
    exercise_log: ExerciseLogRow | None = None,
    session: PTSession | int | None = None,
) -> tuple[Alert, bool]:
    """Open an alert for ``finding``, or add it as evidence to the patient's unresolved alert of
    the same rule (section 5: one open alert per rule per patient). Returns (alert, created).

    A finding more severe than the open alert raises the alert's severity (R11's escalation to
    urgent), records an ``auto_escalate`` triage action and notifies. An emergency or urgent
    alert queues its emails in the caller's transaction (``notification_queue``)."""
    now = timezone.now()
    session_id = session.pk if isinstance(session, PTSession) else session
    alert, created = _alert_open(
        patient, finding, day=day, rule_set_version=rule_set_version, now=now
    )
    added = _evidence_add(
        alert,
        finding,
        day=day,
        entry=entry,
        exercise_log=exercise_log,
        session_id=session_id,
        fresh=created,
        now=now,
    )
    if created:
        if alert.severity in NOTIFY_SEVERITIES:
            notification_queue(alert)
    elif severity_rank(finding.severity) > severity_rank(alert.severity):
        _alert_escalate(alert, finding, patient, now=now)
    elif added:
        alert.updated_at = now
        alert.save(update_fields=["updated_at"])
    return alert, created


def _alert_open(
    patient: Patient,
    finding: Finding,
    *,
    day: date,
    rule_set_version: RuleSetVersion,
    now: datetime,
) -> tuple[Alert, bool]:
    """The patient's unresolved alert of the finding's rule, or a new one. (alert, created)."""
    alert = _unresolved_alert(patient, finding.rule)
    if alert is not None:
        return alert, False
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                patient=patient,
                rule=finding.rule,
                severity=finding.severity,
                initial_severity=finding.severity,
                rule_set_version=rule_set_version,
                opened_at=now,
                opened_day=day,
                reason=finding.reason,
                patient_message=patient_message(finding, patient),
                data=finding.data,
                updated_at=now,
            )
        return alert, True
    except IntegrityError:
        # A concurrent save opened it first: add to that one (the constraint allows one).
        alert = _unresolved_alert(patient, finding.rule)
        if alert is None:
            raise
        return alert, False


def _alert_escalate(alert: Alert, finding: Finding, patient: Patient, *, now: datetime) -> None:
    """Raise the open alert to the finding's higher severity, on record as an automatic
    escalation, and notify when it now reaches the clinic the same day."""
    alert.severity = finding.severity
    alert.escalated_at = now
    alert.patient_message = patient_message(finding, patient)
    alert.updated_at = now
    alert.save(update_fields=["severity", "escalated_at", "patient_message", "updated_at"])
    TriageAction.objects.create(
        alert=alert,
        kind=TriageKind.AUTO_ESCALATE,
        actor=None,
        note=finding.reason,
        created_at=now,
    )
    if alert.severity in NOTIFY_SEVERITIES:
        notification_queue(alert)
