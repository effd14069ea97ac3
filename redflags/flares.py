"""Flare-up episodes (spec.md section 6; R11): kept in step with the patient's entries, R11
opened for each newly detected one, and escalated by the daily sweep when a flare lasts.

What to create, update and delete is decided by the pure ``engine.reconcile``; this module
loads what it needs, calls it and writes the plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q
from django.utils import timezone

from accounts.models import Patient
from symptoms.models import PTSession, SymptomEntry

from . import selectors
from .alerts import alert_raise
from .engine.domain import Intake, Session
from .engine.flare import FlareEpisode as Episode
from .engine.flare import detect_flares, flare_needs_escalation
from .engine.params import RuleParams
from .engine.reconcile import (
    FlareWrite,
    flare_detect_from,
    flare_entry_span,
    flare_evidence,
    flare_triggers,
    flares_reconcile,
)
from .engine.rules.patterns import r11_escalation_finding, r11_flare_finding
from .models import Alert, FlareEpisode, RuleSetVersion
from .rule_sets import current_rule_set


def _decimal(value: Fraction) -> Decimal:
    # Baselines are medians of whole numbers: whole or halves, so this is exact.
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.1"))


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
    (``engine.reconcile.flare_detect_from``; one query), so a later entry on the same
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
    rows = list(FlareEpisode.objects.filter(patient=patient).order_by("start"))
    stored = [selectors.flare_row_to_stored(row) for row in rows]
    detect_from = flare_detect_from(stored, touched_day or day, params)
    # Only the days from the baseline window before detect_from on are read, so a save costs
    # the same whatever the length of the history (tests/redflags/test_entry_query_count.py).
    day_pains = selectors.day_pains_for_patient(
        patient, since=detect_from - timedelta(days=params.baseline_window_days)
    )
    episodes = detect_flares(day_pains, intake.baseline_pain, params, detect_from=detect_from)
    plan = flares_reconcile(
        stored,
        episodes,
        _linkable_sessions(patient, episodes, params),
        detect_from=detect_from,
        touched_day=touched_day,
        params=params,
    )
    if plan.delete:
        FlareEpisode.objects.filter(pk__in=plan.delete).delete()
    if not plan.writes:
        return []
    return _flares_write(
        patient,
        plan.writes,
        {row.pk: row for row in rows},
        day=day,
        rule_set_version=rule_set_version,
        params=params,
    )


def _linkable_sessions(
    patient: Patient, episodes: Sequence[Episode], params: RuleParams
) -> list[Session]:
    """The sessions a detected start may follow (``flare_session_link``), in date order."""
    if not episodes:
        return []
    link_days = timedelta(days=params.flare_session_link_days)
    return [
        selectors.session_to_domain(row)
        for row in PTSession.objects.filter(
            patient=patient, date__gte=episodes[0].start - link_days, date__lte=episodes[-1].start
        ).order_by("date", "pk")
    ]


def _flares_write(
    patient: Patient,
    writes: Sequence[FlareWrite],
    rows: Mapping[int, FlareEpisode],
    *,
    day: date,
    rule_set_version: RuleSetVersion,
    params: RuleParams,
) -> list[Alert]:
    """Store the reconciled episodes; a new one opens R11 (when enabled). One query reads the
    entries of every written flare, for its triggers and R11's evidence."""
    spans = Q()
    for write in writes:
        first, last = flare_entry_span(write.episode, day)
        spans |= Q(day__gte=first, day__lte=last)
    entries = list(
        SymptomEntry.objects.filter(patient=patient)
        .filter(spans)
        .order_by("recorded_at", "pk")
        .values_list("pk", "day", "triggers")
    )
    now = timezone.now()
    alerts = []
    for write in writes:
        episode = write.episode
        values = {
            "end": episode.end,
            "baseline_at_start": _decimal(episode.baseline_at_start),
            "peak": episode.peak,
            "self_reported": episode.self_reported,
            "detected_on": episode.detected_on,
            "session_id": write.session_id,
            "triggers": flare_triggers(episode, [(d, triggers) for _pk, d, triggers in entries]),
            "updated_at": now,
        }
        if write.stored is not None:
            row = rows[write.stored.id]
            for name, value in values.items():
                setattr(row, name, value)
            row.save(update_fields=list(values))
            continue
        row = FlareEpisode.objects.create(patient=patient, start=episode.start, **values)
        if params.is_enabled("R11"):
            evidence = flare_evidence(episode, [(pk, d) for pk, d, _triggers in entries])
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


def flares_escalate(
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
