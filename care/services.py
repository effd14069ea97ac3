"""Use cases that span apps: each saves through the app that owns the record and screens it
through redflags, inside one transaction, so a record and the alerts it raises commit together
or not at all (STYLE.md, "Where logic lives").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.closure import patient_account_close
from accounts.models import Clinic, Patient, User
from accounts.services import patient_contact_update, patient_invite, patient_records_lock
from exercises.models import Exercise, ExerciseLog, PlanItem
from exercises.services import exercise_log_for_key, exercise_log_prepare
from exercises.traffic_light import Light
from outcomes.models import GROCResponse
from outcomes.services import groc_record
from redflags.flares import flares_sync
from redflags.models import Alert
from redflags.screening import screen_exercise_log, screen_symptom_entry
from reminders.models import QuickLogToken
from reminders.services import quick_log_token_attach, quick_log_token_spend, reminders_revoke
from symptoms.models import SymptomEntry
from symptoms.services import (
    intake_save,
    symptom_entry_correct,
    symptom_entry_delete,
    symptom_entry_for_key,
    symptom_entry_prepare,
    symptom_entry_save,
)

from .selectors import light_for


@dataclass
class EntrySaveResult:
    entry: SymptomEntry
    alerts: list[Alert] = field(default_factory=list)
    duplicate: bool = False
    groc: GROCResponse | None = None


@dataclass
class DoseLogResult:
    log: ExerciseLog
    light: Light
    alerts: list[Alert] = field(default_factory=list)
    duplicate: bool = False


def entry_record(
    patient: Patient,
    data: dict[str, Any],
    *,
    actor: User | None,
    via_link: bool = False,
    idempotency_key: str = "",
) -> EntrySaveResult:
    """Save a symptom entry, refresh its day's summary and screen it against the rule set.

    A repeated idempotency key returns the entry already saved instead of storing a second one;
    two identical submits at the same moment are told apart by the unique constraint. Saves of
    one patient run one after the other (``patient_records_lock``), whichever nodes take them.
    """
    existing = symptom_entry_for_key(patient, idempotency_key)
    if existing:
        return EntrySaveResult(entry=existing, duplicate=True)
    entry = symptom_entry_prepare(
        patient, data, actor=actor, via_link=via_link, idempotency_key=idempotency_key
    )
    try:
        with transaction.atomic():
            patient_records_lock(patient)
            symptom_entry_save(entry)
            alerts = screen_symptom_entry(entry)
    except IntegrityError:
        existing = symptom_entry_for_key(patient, idempotency_key)
        if existing:
            return EntrySaveResult(entry=existing, duplicate=True)
        raise
    return EntrySaveResult(entry=entry, alerts=alerts)


def checkin_record(
    patient: Patient,
    data: dict[str, Any],
    *,
    groc: int | None,
    actor: User | None,
    idempotency_key: str = "",
) -> EntrySaveResult:
    """The check-in: a symptom entry (screened as ``entry_record`` does) and, in the week it is
    asked, the Global Rating of Change, saved together or not at all. A repeated submission
    stores neither a second time."""
    with transaction.atomic():
        result = entry_record(patient, data, actor=actor, idempotency_key=idempotency_key)
        if groc is not None and not result.duplicate:
            result.groc = groc_record(
                patient, groc, actor=actor, recorded_at=result.entry.recorded_at
            )
    return result


def entry_correct(entry: SymptomEntry, data: dict[str, Any], *, actor: User) -> EntrySaveResult:
    """Correct an entry within its window and screen it again."""
    symptom_entry_correct(entry, data)
    with transaction.atomic():
        patient_records_lock(entry.patient)
        symptom_entry_save(entry)
        alerts = screen_symptom_entry(entry)
    return EntrySaveResult(entry=entry, alerts=alerts)


def entry_remove(entry: SymptomEntry, *, actor: User) -> None:
    """Delete an entry within its window; the day's pain may have fallen, so a flare-up can end
    earlier, or not have been one."""
    patient, day = entry.patient, entry.day
    with transaction.atomic():
        patient_records_lock(patient)
        symptom_entry_delete(entry, actor=actor)
        flares_sync(patient, touched_day=day)


def _dose_duplicate(patient: Patient, idempotency_key: str) -> DoseLogResult | None:
    log = exercise_log_for_key(patient, idempotency_key)
    if log is None:
        return None
    return DoseLogResult(log=log, light=light_for(patient, log.pain_during), duplicate=True)


def dose_record(
    patient: Patient,
    *,
    plan_item: PlanItem | None = None,
    exercise: Exercise | None = None,
    day: dt.date | None = None,
    logged_at: dt.datetime | None = None,
    sets_done: int | None = 0,
    pain_during: int,
    difficulty: str = "ok",
    note: str = "",
    idempotency_key: str = "",
    actor: User | None,
) -> DoseLogResult:
    """Log one dose of one exercise with the traffic light for its pain (spec.md section 7)
    and screen it against the rule set (R10) in the same transaction. A repeated
    ``idempotency_key`` returns the log already saved: a double tap stores one log."""
    duplicate = _dose_duplicate(patient, idempotency_key)
    if duplicate:
        return duplicate
    log = exercise_log_prepare(
        patient,
        plan_item=plan_item,
        exercise=exercise,
        day=day,
        logged_at=logged_at,
        sets_done=sets_done,
        pain_during=pain_during,
        difficulty=difficulty,
        note=note,
        idempotency_key=idempotency_key,
        actor=actor,
    )
    light = light_for(patient, log.pain_during)
    try:
        with transaction.atomic():
            patient_records_lock(patient)
            log.save()
            alerts = screen_exercise_log(log)
    except IntegrityError:
        duplicate = _dose_duplicate(patient, idempotency_key)
        if duplicate:
            return duplicate
        raise
    return DoseLogResult(log=log, light=light, alerts=list(alerts))


def quick_log_record(
    token: QuickLogToken, data: dict[str, Any], *, idempotency_key: str = ""
) -> EntrySaveResult:
    """Save a reminder link's one entry, locked to its patient, check-in and session, and spend
    the link in the same transaction. Red-flag screening runs as for a logged-in save."""
    now = timezone.now()
    data = {**data, "context": token.context, "session": token.session}
    with transaction.atomic():
        quick_log_token_spend(token, now)
        result = entry_record(
            token.patient, data, actor=None, via_link=True, idempotency_key=idempotency_key
        )
        quick_log_token_attach(token, result.entry, now)
    return result


def patient_add_with_intake(
    *,
    clinic: Clinic,
    full_name: str,
    email: str,
    time_zone: str = "",
    preferred_language: str = "",
    therapists: Iterable[User],
    intake: dict[str, Any],
    contact: dict[str, Any] | None = None,
    actor: User,
) -> Patient:
    """A clinician adds a patient: login, caseload links, invitation, contact details and
    intake, saved together or not at all (the invitation email goes out once it is
    committed)."""
    with transaction.atomic():
        patient = patient_invite(
            clinic=clinic,
            full_name=full_name,
            email=email,
            time_zone=time_zone,
            preferred_language=preferred_language,
            therapists=therapists,
            actor=actor,
        )
        if contact:
            patient_contact_update(patient, contact, actor=actor)
        intake_save(patient, dict(intake), actor=actor)
    return patient


def patient_close(patient: Patient, *, request: Any = None, actor: User | None = None) -> Patient:
    """Close the patient's account (accounts.closure: the login is deactivated, every record
    kept, the therapists told) and, in the same transaction, revoke what could still act for
    them: their open quick-log links and their reminder emails not yet sent (issue 11)."""
    with transaction.atomic():
        patient_account_close(patient, request=request, actor=actor)
        reminders_revoke(patient)
    return patient
