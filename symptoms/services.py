"""Writes for symptom records: sessions, intake, and the steps of saving an entry.

Saving an entry and screening it against the rule set is one use case that spans apps; it
lives in care.services, which calls these steps inside its transaction.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, ProtectedError, Q, RestrictedError
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Patient, User
from accounts.services import patient_contact_update

from .choices import Context, IsFlare
from .models import DailySummary, Intake, PTSession, SymptomEntry


class EntryLocked(Exception):
    """The entry is part of the record: older than the correction window, or evidence of an
    alert (a clinician's alert must keep the records behind it)."""


class EntryIsEvidence(EntryLocked):
    """The entry is evidence of an alert, so it stays even within the correction window."""


def session_for_entry(patient: Patient, context: str, day: date) -> PTSession | None:
    """The session an entry is about (spec.md section 2, `session`).

    Before/after-session entries link to a session on the same day, next-morning entries to a
    session the day before. With two sessions on one day, the latest recorded one.
    """
    if context in (Context.BEFORE_SESSION, Context.AFTER_SESSION):
        session_day = day
    elif context == Context.NEXT_MORNING:
        session_day = day - timedelta(days=1)
    else:
        return None
    return patient.sessions.filter(date=session_day).order_by("-id").first()


def daily_summary_refresh(patient: Patient, day: date) -> DailySummary | None:
    """Recompute one day's summary from its entries (daily pain = highest pain_worst)."""
    figures = SymptomEntry.objects.filter(patient=patient, day=day).aggregate(
        daily_pain=Max("pain_worst"),
        entry_count=Count("id"),
        flare_yes=Count("id", filter=Q(is_flare=IsFlare.YES)),
    )
    if not figures["entry_count"]:
        DailySummary.objects.filter(patient=patient, day=day).delete()
        return None
    summary, _ = DailySummary.objects.update_or_create(
        patient=patient,
        day=day,
        defaults={
            "daily_pain": figures["daily_pain"],
            "entry_count": figures["entry_count"],
            "flare_yes": figures["flare_yes"] > 0,
        },
    )
    return summary


def symptom_entry_for_key(patient: Patient, idempotency_key: str) -> SymptomEntry | None:
    """The entry already saved with this form's idempotency key, if any (a double submit)."""
    if not idempotency_key:
        return None
    return SymptomEntry.objects.filter(patient=patient, idempotency_key=idempotency_key).first()


def symptom_entry_prepare(
    patient: Patient,
    data: dict[str, Any],
    *,
    actor: User | None,
    via_link: bool = False,
    idempotency_key: str = "",
) -> SymptomEntry:
    """A new entry, validated but not saved: its local day, and the session it is about."""
    data = dict(data)
    recorded_at = data.pop("recorded_at", None) or timezone.now()
    entry = SymptomEntry(
        patient=patient,
        recorded_at=recorded_at,
        created_by=actor,
        via_link=via_link,
        idempotency_key=idempotency_key,
        **data,
    )
    entry.day = patient.local_day(recorded_at)
    if entry.session_id is None:
        entry.session = session_for_entry(patient, entry.context, entry.day)
    # Field validators and clean() mirror every check constraint, so the constraints are left to
    # the database (one query each otherwise, on the hot path). A concurrent duplicate is caught
    # by the unique constraint when saving, not reported as invalid.
    entry.full_clean(exclude=["idempotency_key"], validate_constraints=False)
    return entry


def symptom_entry_correct(entry: SymptomEntry, data: dict[str, Any]) -> SymptomEntry:
    """Apply a correction within the window, validated but not saved; the day and session stay
    those of recorded_at."""
    if not entry_is_editable(entry):
        raise EntryLocked
    data = dict(data)
    data.pop("recorded_at", None)
    for name, value in data.items():
        setattr(entry, name, value)
    entry.session = session_for_entry(entry.patient, entry.context, entry.day)
    entry.corrected_at = timezone.now()
    entry.full_clean(validate_constraints=False)
    return entry


def symptom_entry_save(entry: SymptomEntry) -> None:
    """Save a prepared or corrected entry and refresh its day's summary.

    Every entry is screened against the rule set in the same transaction, so this is called by
    the use case that does both (care.services.entry_record / entry_correct), never alone.
    """
    entry.save()
    daily_summary_refresh(entry.patient, entry.day)


def entry_editable_until(entry: SymptomEntry) -> datetime:
    """The end of the correction window: after it the entry is part of the record."""
    return entry.created_at + timedelta(minutes=settings.ENTRY_EDIT_WINDOW_MINUTES)


def entry_is_editable(entry: SymptomEntry, now=None) -> bool:
    """Patients may correct or delete an entry within the correction window (30 minutes)."""
    return (now or timezone.now()) <= entry_editable_until(entry)


def symptom_entry_delete(entry: SymptomEntry, *, actor: User) -> None:
    """Delete an entry within the window. An entry behind an alert stays: it is evidence.

    The day's pain may fall with it, so flare-ups are reconciled in the same transaction by the
    use case that calls this (care.services.entry_remove).
    """
    if not entry_is_editable(entry):
        raise EntryLocked
    if entry.alert_evidence.exists():
        raise EntryIsEvidence
    patient, day = entry.patient, entry.day
    try:
        with transaction.atomic():
            entry.delete()
    except (ProtectedError, RestrictedError) as error:
        raise EntryIsEvidence from error
    daily_summary_refresh(patient, day)


def pt_session_create(patient: Patient, data: dict[str, Any], *, actor: User) -> PTSession:
    """Record (or schedule) a session and link same-day/next-morning entries logged before it."""
    session = PTSession(patient=patient, created_by=actor, **data)
    session.full_clean()
    with transaction.atomic():
        session.save()
        SymptomEntry.objects.filter(
            patient=patient,
            session__isnull=True,
            context__in=[Context.BEFORE_SESSION, Context.AFTER_SESSION],
            day=session.date,
        ).update(session=session)
        SymptomEntry.objects.filter(
            patient=patient,
            session__isnull=True,
            context=Context.NEXT_MORNING,
            day=session.date + timedelta(days=1),
        ).update(session=session)
    return session


def pt_session_update(session: PTSession, data: dict[str, Any], *, actor: User) -> PTSession:
    for name, value in data.items():
        setattr(session, name, value)
    session.full_clean()
    session.save()
    return session


def intake_save(patient: Patient, data: dict[str, Any], *, actor: User) -> Intake:
    intake, _ = Intake.objects.get_or_create(patient=patient)
    for name, value in data.items():
        setattr(intake, name, value)
    intake.updated_by = actor
    intake.full_clean()
    intake.save()
    return intake


def intake_and_contact_save(
    patient: Patient,
    intake: dict[str, Any],
    contact: dict[str, Any],
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> Intake:
    """The clinician's intake page: the intake and the patient's contact details (issue 11),
    saved together or not at all; a change of contact details is on the audit log."""
    with transaction.atomic():
        patient_contact_update(patient, contact, actor=actor, request=request)
        return intake_save(patient, intake, actor=actor)
