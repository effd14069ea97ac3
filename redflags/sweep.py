"""The daily sweep (spec.md section 8): at the end of each patient's local day, R13, R14 and
the R11 escalation; idempotent per clinic and day, catching up after an outage, then re-queueing
the mail outbox's due emails (a backstop for deliveries whose task was lost)."""

from __future__ import annotations

import logging
import time
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Clinic, Patient
from core.locks import cluster_lock
from core.metrics import SWEEP_DURATION
from core.outbox import mail_retry_due

from . import selectors
from .alerts import alert_raise
from .engine.params import RuleParams
from .engine.rules.evaluate import evaluate_day_end
from .flares import flares_escalate
from .models import Alert, RuleSetVersion, SweepRun
from .rule_sets import current_rule_set

logger = logging.getLogger(__name__)

#: How many missed days the daily sweep catches up on after an outage.
SWEEP_CATCH_UP_DAYS = 7


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
        for alert in flares_escalate(
            patient, day, rule_set_version=rule_set_version, params=params
        ):
            raised.append((alert, False))
    return raised


@dataclass
class SweepResult:
    clinic_id: int
    day: date
    skipped: bool = False
    # Skipped because another process was sweeping this clinic and day at that moment.
    busy: bool = False
    patients: int = 0
    alerts_opened: int = 0
    failures: list[int] = field(default_factory=list)


def daily_sweep(clinic: Clinic, day: date, *, force: bool = False) -> SweepResult:
    """Run the end-of-day rules for every open patient of ``clinic`` for local ``day``, once in
    the whole cluster.

    Once: the sweep of a clinic and day holds a lock in the database (``core.locks``) while it
    runs, so a second runner at the same moment (cron on another node) skips it as busy, and
    one that comes later finds the day finished (``SweepRun``) and skips it. A runner that dies
    releases the lock with its connection and leaves the day unfinished for the next run. Even a
    forced re-run adds nothing, because evidence is recorded once per record, day and session
    and the R11 escalation once per flare. Each patient is swept in a transaction of its own; a
    failure is logged, the others still run, and the day stays unfinished so the next run tries
    again."""
    with cluster_lock(f"redflags.daily_sweep:{clinic.pk}:{day.isoformat()}") as mine:
        if not mine:
            return SweepResult(clinic.pk, day, skipped=True, busy=True)
        return _sweep_locked(clinic, day, force=force)


def _sweep_locked(clinic: Clinic, day: date, *, force: bool) -> SweepResult:
    # Read once the lock is held: a run that finished a moment ago has committed its mark.
    run, _created = SweepRun.objects.get_or_create(clinic=clinic, day=day)
    if run.finished_at is not None and not force:
        return SweepResult(clinic.pk, day, skipped=True)
    started = time.monotonic()
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
    SWEEP_DURATION.observe(time.monotonic() - started)
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
    ``SWEEP_CATCH_UP_DAYS`` back, never before the clinic's first sweep), then re-queue the
    outbox's due emails (alert emails among them). Safe to run as often as you like: meant
    for an hourly cron or task."""
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
    mail_retry_due(now)
    return results
