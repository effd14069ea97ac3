"""Screening of saved records against the clinic's rule set (CLINICAL.md sections 3 and 5).

The services load what the rules need through ``selectors``, call the pure rules, and write
alerts, evidence, flare-up episodes and the notification outbox. The screening functions run
inside the caller's transaction (``symptoms.services``, ``exercises.services``): an entry and
the alerts it raises commit together or not at all, and an email is only handed to the task
queue once that transaction has committed.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import partial
from smtplib import SMTPRecipientsRefused
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Clinic, Patient, User
from exercises.models import ExerciseLog as ExerciseLogRow
from symptoms.models import PTSession, SymptomEntry

from . import selectors
from .domain import Finding, Intake, severity_rank
from .flare import detect_flares, flare_needs_escalation, flare_session_link
from .messages import email_body, email_subject, patient_message
from .models import (
    Alert,
    AlertEvidence,
    FlareEpisode,
    Notification,
    NotificationState,
    RuleSetVersion,
    Severity,
    SweepRun,
    TriageAction,
    TriageKind,
)
from .params import RuleParams
from .rules import (
    evaluate_day_end,
    evaluate_entry,
    evaluate_exercise_log,
    r11_escalation_finding,
    r11_flare_finding,
)

logger = logging.getLogger(__name__)

#: Severities that email the patient's therapists (section 5: the clinic acts the same day).
NOTIFY_SEVERITIES = frozenset({Severity.URGENT, Severity.EMERGENCY})
#: Retry policy of the outbox: 1, 2, 4 ... minutes after each failure, at most an hour apart;
#: after this many attempts (about two days of outage) the row is given up and shown as such.
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 48
#: A delivery claimed this long ago without finishing (a killed worker) may be tried again.
SENDING_LEASE = timedelta(minutes=10)
#: How many missed days the daily sweep catches up on after an outage.
SWEEP_CATCH_UP_DAYS = 7


# --- Rule set ------------------------------------------------------------------------------------


def current_rule_set(clinic: Clinic) -> RuleSetVersion:
    """The clinic's rule set in force: its newest version, or version 1 with the defaults of
    CLINICAL.md section 5 when the clinic has none yet. One query once it exists."""
    version = RuleSetVersion.objects.filter(clinic=clinic).order_by("-number").first()
    if version is not None:
        return version
    try:
        with transaction.atomic():
            return RuleSetVersion.objects.create(
                clinic=clinic,
                number=1,
                params=RuleParams().to_dict(),
                note="Defaults of CLINICAL.md section 5",
            )
    except IntegrityError:
        # Another request created version 1 at the same moment.
        return RuleSetVersion.objects.filter(clinic=clinic).order_by("-number").first()


def _params_error(error: Exception) -> ValidationError:
    message = str(error)
    for name in [f for f in RuleParams.__dataclass_fields__ if f != "enabled"]:
        if message.startswith(f"{name}=") or message.startswith(f"{name} "):
            return ValidationError({name: message})
    return ValidationError(message)


NOTE_MAX_LENGTH = RuleSetVersion._meta.get_field("note").max_length


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


# --- Alerts --------------------------------------------------------------------------------------


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
    session). So repeating an evaluation (a correction, a second sweep) adds nothing."""
    entry_ids = _unique_ids(finding.evidence_entry_ids)
    log_ids = _unique_ids(finding.evidence_exercise_log_ids)
    if not entry_ids and not log_ids:
        if entry is not None:
            entry_ids = [entry.pk]
        elif exercise_log is not None:
            log_ids = [exercise_log.pk]
    about_records = bool(entry_ids or log_ids)
    common = {"alert": alert, "reason": finding.reason, "data": finding.data, "added_at": now}
    rows: list[AlertEvidence] = []

    if entry_ids:
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
            for pk, entry_day, entry_session in SymptomEntry.objects.filter(
                pk__in=missing
            ).values_list("pk", "day", "session_id"):
                info[pk] = (entry_day, entry_session)
        rows += [
            AlertEvidence(entry_id=pk, day=info[pk][0], session_id=info[pk][1], **common)
            for pk in entry_ids
            if pk in info
        ]

    if log_ids:
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
        rows += [
            AlertEvidence(exercise_log_id=pk, day=log_days[pk], **common)
            for pk in log_ids
            if pk in log_days
        ]

    if not about_records:
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
    session_id = getattr(session, "pk", session)
    alert = _unresolved_alert(patient, finding.rule)
    created = False
    if alert is None:
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
            created = True
        except IntegrityError:
            # A concurrent save opened it first: add to that one (the constraint allows one).
            alert = _unresolved_alert(patient, finding.rule)
            if alert is None:
                raise

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
    elif added:
        alert.updated_at = now
        alert.save(update_fields=["updated_at"])
    return alert, created


def _distinct(alerts: Iterable[Alert]) -> list[Alert]:
    return list({alert.pk: alert for alert in alerts}.values())


# --- Screening on save ---------------------------------------------------------------------------


def screen_symptom_entry(entry: SymptomEntry) -> list[Alert]:
    """Evaluate R1-R9 and R12 for the entry just saved, and R11 detection (section 5, "Which
    rules run when"). Called inside the entry's transaction; returns the alerts the entry
    opened or added evidence to. The rule set is read once; every window is read with a fixed
    number of queries (tests/redflags/test_entry_query_count.py)."""
    patient = entry.patient
    version = current_rule_set(patient.clinic)
    params = version.rule_params()
    context = selectors.entry_context(entry, params)
    findings = evaluate_entry(
        context.entry,
        intake=context.intake,
        earlier_entries=context.earlier_entries,
        day_pains=context.day_pains,
        sessions_post_pain=context.sessions_post_pain,
        pre_session_pain=context.pre_session_pain,
        r12_already_fired=context.r12_already_fired,
        params=params,
    )
    alerts = [
        alert_raise(patient, finding, day=entry.day, rule_set_version=version, entry=entry)[0]
        for finding in findings
    ]
    alerts += flares_sync(
        patient,
        rule_set_version=version,
        params=params,
        intake=context.intake,
        day=entry.day,
        touched_day=entry.day,
    )
    return _distinct(alerts)


def screen_exercise_log(log: ExerciseLogRow) -> list[Alert]:
    """Evaluate R10 for the exercise log just saved, inside its transaction."""
    patient = log.patient
    version = current_rule_set(patient.clinic)
    params = version.rule_params()
    findings = evaluate_exercise_log(
        selectors.exercise_log_to_domain(log),
        earlier_logs=selectors.logs_around(log, params),
        params=params,
    )
    return _distinct(
        alert_raise(patient, finding, day=log.day, rule_set_version=version, exercise_log=log)[0]
        for finding in findings
    )


# --- Flare-ups (section 3, R11) ------------------------------------------------------------------


def _decimal(value: Fraction) -> Decimal:
    # Baselines are medians of whole numbers: whole or halves, so this is exact.
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.1"))


def _flare_detect_from(stored_rows: list[FlareEpisode], touched: date, params: RuleParams) -> date:
    """The first day whose flare decision a change of ``touched``'s entries can alter.

    A start on day D depends on D's pain, the baseline before D and the next logged day at most
    ``flare_next_day_max_gap`` days later, so only starts from touched - gap on can change; a
    stored flare still open, or settling on or after that day, is recomputed from its start.
    Flares that settled earlier keep their rows: detection after them already resumed."""
    detect_from = touched - timedelta(days=params.flare_next_day_max_gap)
    for row in stored_rows:  # ordered by start; flares never overlap
        if row.end is None or row.end >= detect_from:
            return min(row.start, detect_from)
    return detect_from


def flares_sync(
    patient: Patient,
    *,
    rule_set_version: RuleSetVersion | None = None,
    params: RuleParams | None = None,
    intake: Intake | None = None,
    day: date | None = None,
    touched_day: date | None = None,
) -> list[Alert]:
    """Bring the stored flare-up episodes in step with detection over the patient's logged
    days (section 3), and open R11 for each newly detected one. Returns the R11 alerts raised.

    Detection is recomputed over the daily summaries from the first day the change can affect
    (`_flare_detect_from`; one query), so a later entry on the same
    day can undo an end, and a deleted entry can undo a flare: rows are updated and removed, not
    only appended. A flare is announced once, when its row is first stored; the alert opens on
    ``day`` (the saved entry's day; today after a deletion) with the entries from the start to
    the detection day as evidence. ``touched_day``: the day whose entries changed, so the
    triggers of the flare covering it are gathered again."""
    if rule_set_version is None:
        rule_set_version = current_rule_set(patient.clinic)
    params = params or rule_set_version.rule_params()
    intake = intake or selectors.intake_for_patient(patient)
    day = day or patient.local_day()
    stored_rows = list(FlareEpisode.objects.filter(patient=patient).order_by("start"))
    detect_from = _flare_detect_from(stored_rows, touched_day or day, params)
    # Only the days from the baseline window before detect_from on are read, so a save costs
    # the same whatever the length of the history (tests/redflags/test_entry_query_count.py).
    day_pains = selectors.day_pains_for_patient(
        patient, since=detect_from - timedelta(days=params.baseline_window_days)
    )
    episodes = detect_flares(day_pains, intake.baseline_pain, params, detect_from=detect_from)
    detected = {episode.start: episode for episode in episodes}
    stored = {row.start: row for row in stored_rows if row.start >= detect_from}

    gone = [row.pk for start, row in stored.items() if start not in detected]
    if gone:
        FlareEpisode.objects.filter(pk__in=gone).delete()
    if not episodes:
        return []

    link_days = timedelta(days=params.flare_session_link_days)
    sessions = [
        selectors.session_to_domain(row)
        for row in PTSession.objects.filter(
            patient=patient, date__gte=episodes[0].start - link_days, date__lte=episodes[-1].start
        ).order_by("date", "pk")
    ]

    work: list[tuple[Any, FlareEpisode | None, int | None]] = []
    for episode in episodes:
        linked = flare_session_link(episode.start, sessions, params)
        session_id = linked.id if linked else None
        row = stored.get(episode.start)
        if row is not None:
            unchanged = (
                row.end == episode.end
                and Fraction(row.baseline_at_start) == episode.baseline_at_start
                and row.peak == episode.peak
                and row.self_reported == episode.self_reported
                and row.detected_on == episode.detected_on
                and row.session_id == session_id
            )
            touched = touched_day is not None and episode.covers(touched_day)
            if unchanged and not touched:
                continue
        work.append((episode, row, session_id))
    if not work:
        return []

    spans = Q()
    for episode, _row, _session in work:
        last = episode.end or max(day, episode.detected_on)
        spans |= Q(day__gte=episode.start, day__lte=last)
    entries = list(
        SymptomEntry.objects.filter(patient=patient)
        .filter(spans)
        .order_by("recorded_at", "pk")
        .values_list("pk", "day", "triggers")
    )

    now = timezone.now()
    alerts = []
    for episode, row, session_id in work:
        # Triggers the patient named during the flare; the end day has already settled.
        triggers = sorted(
            {
                trigger
                for _pk, entry_day, entry_triggers in entries
                if episode.start <= entry_day and (episode.end is None or entry_day < episode.end)
                for trigger in entry_triggers or ()
            }
        )
        values = {
            "end": episode.end,
            "baseline_at_start": _decimal(episode.baseline_at_start),
            "peak": episode.peak,
            "self_reported": episode.self_reported,
            "detected_on": episode.detected_on,
            "session_id": session_id,
            "triggers": triggers,
            "updated_at": now,
        }
        if row is not None:
            for name, value in values.items():
                setattr(row, name, value)
            row.save(update_fields=list(values))
            continue
        row = FlareEpisode.objects.create(patient=patient, start=episode.start, **values)
        if params.is_enabled("R11"):
            evidence = [
                pk
                for pk, entry_day, _triggers in entries
                if episode.start <= entry_day <= episode.detected_on
            ]
            alert, _created = alert_raise(
                patient,
                r11_flare_finding(episode, evidence),
                day=day,
                rule_set_version=rule_set_version,
            )
            row.alert = alert
            row.save(update_fields=["alert"])
            alerts.append(alert)
    return alerts


# --- Daily sweep (R13, R14, R11 escalation) ------------------------------------------------------


def _escalate_flares(
    patient: Patient, day: date, *, rule_set_version: RuleSetVersion, params: RuleParams
) -> list[Alert]:
    """R11 escalation at the end of ``day``: a flare still open at the end of the 7th day
    after its start makes R11 urgent, once per flare. If the flare's alert was resolved in the
    meantime, a new urgent R11 alert opens (the flare outlasted what was settled)."""
    alerts = []
    for row in selectors.flares_to_escalate(patient, day, params):
        episode = selectors.stored_flare_to_domain(row)
        if episode.end is not None and episode.end > day:
            episode = replace(episode, end=None)  # a late sweep: still open at the end of day
        if not flare_needs_escalation(episode, day, params):
            continue
        evidence = list(
            SymptomEntry.objects.filter(
                patient=patient, day__gte=episode.start, day__lte=day
            ).values_list("pk", flat=True)
        )
        alert, _created = alert_raise(
            patient,
            r11_escalation_finding(episode, day, evidence),
            day=day,
            rule_set_version=rule_set_version,
        )
        row.escalated_on = day
        row.alert = alert
        row.save(update_fields=["escalated_on", "alert"])
        alerts.append(alert)
    return alerts


def patient_day_end(
    patient: Patient, day: date, *, rule_set_version: RuleSetVersion, params: RuleParams
) -> list[tuple[Alert, bool]]:
    """The sweep's rules for one patient at the end of their local ``day``: R13, R14 and the
    R11 escalation. Returns (alert, created) pairs."""
    context = selectors.day_end_context(patient, day, params)
    findings = evaluate_day_end(
        day,
        sessions=context.sessions,
        entry_days=context.entry_days,
        plan_items=context.plan_items,
        log_counts=context.log_counts,
        first_entry_day=context.first_entry_day,
        day_pains=context.day_pains,
        params=params,
    )
    raised = []
    for finding in findings:
        session_id = (
            finding.data.get("session_id") if finding.data.get("part") == "session" else None
        )
        raised.append(
            alert_raise(
                patient, finding, day=day, rule_set_version=rule_set_version, session=session_id
            )
        )
    if params.is_enabled("R11"):
        for alert in _escalate_flares(
            patient, day, rule_set_version=rule_set_version, params=params
        ):
            raised.append((alert, False))
    return raised


@dataclass
class SweepResult:
    clinic_id: int
    day: date
    skipped: bool = False
    patients: int = 0
    alerts_opened: int = 0
    failures: list[int] = field(default_factory=list)


def daily_sweep(clinic: Clinic, day: date, *, force: bool = False) -> SweepResult:
    """Run the end-of-day rules for every open patient of ``clinic`` for local ``day``.

    Idempotent: a day already swept is skipped (``SweepRun``), and even a forced re-run adds
    nothing, because evidence is recorded once per record, day and session and the R11
    escalation once per flare. Each patient is swept in a transaction of its own; a failure is
    logged, the others still run, and the day stays unfinished so the next run tries again."""
    run, _created = SweepRun.objects.get_or_create(clinic=clinic, day=day)
    if run.finished_at is not None and not force:
        return SweepResult(clinic.pk, day, skipped=True)
    version = current_rule_set(clinic)
    params = version.rule_params()
    result = SweepResult(clinic.pk, day)
    patients = (
        Patient.objects.filter(clinic=clinic)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gt=day))
        .select_related("user", "clinic")
        .order_by("pk")
    )
    for patient in patients:
        result.patients += 1
        try:
            with transaction.atomic():
                raised = patient_day_end(patient, day, rule_set_version=version, params=params)
        except Exception:
            logger.exception("Daily sweep failed for patient %s on %s", patient.pk, day)
            result.failures.append(patient.pk)
            continue
        result.alerts_opened += sum(1 for _alert, created in raised if created)
    if not result.failures:
        run.finished_at = timezone.now()
    run.alerts_raised += result.alerts_opened
    run.save(update_fields=["finished_at", "alerts_raised"])
    return result


def sweep_day_for(clinic: Clinic, now: datetime) -> date:
    """The latest local day that has ended for the clinic and every open patient of it: the
    sweep waits for the westernmost patient's midnight, so nobody's day is judged early."""
    zones = {clinic.time_zone}
    zones.update(
        Patient.objects.filter(clinic=clinic, closed_at__isnull=True)
        .exclude(time_zone="")
        .values_list("time_zone", flat=True)
        .distinct()
    )
    return min(
        timezone.localtime(now, zoneinfo.ZoneInfo(zone)).date() for zone in zones
    ) - timedelta(days=1)


def daily_sweep_all(now: datetime | None = None) -> list[SweepResult]:
    """Sweep every clinic for each local day that has ended and not been swept yet (at most
    ``SWEEP_CATCH_UP_DAYS`` back, never before the clinic's first sweep), then re-queue due
    notifications. Safe to run as often as you like: meant for an hourly cron or task."""
    now = now or timezone.now()
    results = []
    for clinic in Clinic.objects.order_by("pk"):
        target = sweep_day_for(clinic, now)
        runs = SweepRun.objects.filter(clinic=clinic)
        first_run = runs.order_by("day").values_list("day", flat=True).first()
        if first_run is None:
            days = [target]
        else:
            earliest = max(target - timedelta(days=SWEEP_CATCH_UP_DAYS - 1), first_run)
            done = set(
                runs.filter(finished_at__isnull=False, day__gte=earliest).values_list(
                    "day", flat=True
                )
            )
            days = [
                earliest + timedelta(days=offset)
                for offset in range((target - earliest).days + 1)
                if earliest + timedelta(days=offset) not in done
            ]
        for day in days:
            results.append(daily_sweep(clinic, day))
    notifications_retry_due(now)
    return results


# --- Notifications (the outbox) ------------------------------------------------------------------


def _recipients(alert: Alert, *, escalated: bool, actor: User | None) -> list[User]:
    patient = alert.patient

    def therapists() -> list[User]:
        return list(patient.therapists.filter(is_active=True).exclude(email=""))

    def admins() -> list[User]:
        return list(
            User.objects.filter(
                clinic_id=patient.clinic_id, role=User.Role.CLINIC_ADMIN, is_active=True
            ).exclude(email="")
        )

    # A manual escalation goes to the clinic's admins; an alert to the patient's therapists.
    # With nobody in the first group, the other one gets it, so an alert is never unseen.
    first, second = (admins, therapists) if escalated else (therapists, admins)
    people = [p for p in first() if actor is None or p.pk != actor.pk]
    if not people:
        people = [p for p in second() if actor is None or p.pk != actor.pk]
    return people


def notification_queue(
    alert: Alert, *, reason: str = "raised", actor: User | None = None
) -> list[Notification]:
    """Write one outbox row per recipient in the caller's transaction, and hand each to the
    delivery task once that transaction commits (never before: a rolled-back alert sends
    nothing). ``reason`` is ``raised`` (an urgent or emergency alert, to the patient's
    therapists) or ``escalated`` (a clinician escalated it, to the clinic's admins)."""
    escalated = reason == "escalated"
    if not escalated and alert.severity not in NOTIFY_SEVERITIES:
        return []
    now = timezone.now()
    rows = []
    for person in _recipients(alert, escalated=escalated, actor=actor):
        with override(person.preferred_language):
            rows.append(
                Notification(
                    alert=alert,
                    recipient=person,
                    to_email=person.email,
                    subject=email_subject(alert, escalated=escalated)[:200],
                    body_text=email_body(alert, person, escalated=escalated),
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    if not rows:
        logger.error("Alert %s has nobody to notify: no therapist or clinic admin", alert.pk)
        return []
    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    transaction.on_commit(partial(_enqueue_deliveries, ids), robust=True)
    return created


def _enqueue_deliveries(ids: list[int]) -> None:
    for pk in ids:
        delivery_enqueue(pk)


def delivery_enqueue(notification_id: int, run_after: datetime | None = None) -> bool:
    """Hand a delivery to the task queue, deferred to ``run_after`` when the backend can defer
    (django-tasks-db can). Returns False when it cannot be deferred; the row is then picked up
    by ``notifications_retry_due``."""
    from .tasks import deliver_notification

    task = deliver_notification
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return False
        task = task.using(run_after=run_after)
    task.enqueue(notification_id)
    return True


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4, 8 ... minutes after the 1st, 2nd, 3rd ... failure, capped
    at an hour."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)


def _due(now: datetime) -> Q:
    return Q(
        state__in=[NotificationState.PENDING, NotificationState.FAILED, NotificationState.SENDING],
        next_attempt_at__lte=now,
    )


def notification_deliver(notification_id: int, *, now: datetime | None = None) -> str:
    """Send one outbox row through the ``default`` mailer; returns its state afterwards.

    The row is claimed with a conditional UPDATE, so two workers never both send it and a sent
    row is never sent again. A failure records the error, counts the attempt and sets the next
    attempt with exponential backoff; after ``MAX_ATTEMPTS`` (or a refused address, which will
    not get better) the row is given up and the alert page shows it."""
    now = now or timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id)
        .filter(_due(now))
        .update(
            state=NotificationState.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now + SENDING_LEASE,
        )
    )
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return ""
    if not claimed:
        return notification.state
    message = EmailMultiAlternatives(
        subject=notification.subject, body=notification.body_text, to=[notification.to_email]
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        message.send(using="default")
    except Exception as error:
        permanent = isinstance(error, SMTPRecipientsRefused)
        state = (
            NotificationState.GAVE_UP
            if permanent or notification.attempts >= MAX_ATTEMPTS
            else NotificationState.FAILED
        )
        Notification.objects.filter(pk=notification_id, state=NotificationState.SENDING).update(
            state=state,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=now + retry_delay(notification.attempts),
        )
        logger.warning(
            "Notification %s attempt %s failed (%s): %s",
            notification_id,
            notification.attempts,
            state,
            error,
        )
        return state
    Notification.objects.filter(pk=notification_id).update(
        state=NotificationState.SENT, sent_at=timezone.now(), last_error=""
    )
    return NotificationState.SENT


def notifications_due(now: datetime | None = None, *, limit: int = 500) -> list[int]:
    """Ids of outbox rows waiting to be (re)tried: new, failed and due, or claimed by a
    worker that never finished."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(_due(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def notifications_retry_due(now: datetime | None = None) -> int:
    """Queue a delivery task for every due row; how delivery resumes once the mail server is
    back (called by the daily sweep and the frequent ``deliver_notifications``)."""
    ids = notifications_due(now)
    for pk in ids:
        delivery_enqueue(pk)
    return len(ids)


def notifications_deliver_due(now: datetime | None = None) -> dict[str, int]:
    """Deliver every due row now, in this process (cron without a worker). Counts by state."""
    counts: dict[str, int] = {}
    for pk in notifications_due(now):
        state = notification_deliver(pk)
        counts[state] = counts.get(state, 0) + 1
    return counts
