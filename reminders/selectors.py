"""Reads for reminders: preferences, who may be due, whether a check-in is already logged, the
patient's due check-ins and the therapist's panel. Each runs a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import CharField, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Patient
from exercises.selectors import today_doses
from symptoms.choices import Context
from symptoms.models import PTSession, SymptomEntry

from . import schedule
from .choices import ReminderKind, SkipReason
from .models import ReminderDispatch, ReminderPreference

RECENT_DISPATCHES = 10
# Not an entry context, so a session row of due_checkins' union cannot be read as an entry.
SESSION_MARK = "#session"


def preference_for(patient: Patient) -> ReminderPreference:
    """The patient's preferences; the defaults (not saved) when they never changed them."""
    try:
        return patient.reminder_preference
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(patient=patient)


def session_days_for(
    patient_ids: Iterable[int], first_day: date, last_day: date
) -> dict[int, dict[date, int]]:
    """Per patient, each local date with a session and its latest recorded session (the one
    entries link to: symptoms.services.session_for_entry). One query."""
    days: dict[int, dict[date, int]] = defaultdict(dict)
    rows = (
        PTSession.objects.filter(
            patient_id__in=list(patient_ids), date__range=(first_day, last_day)
        )
        .order_by("date", "id")
        .values_list("patient_id", "date", "id")
    )
    for patient_id, day, session_id in rows:
        days[patient_id][day] = session_id
    return days


@dataclass(frozen=True)
class Candidate:
    """A patient who may have a reminder due, with what the schedule needs."""

    patient: Patient
    settings: schedule.ReminderSettings
    session_days: dict[date, int]
    # (kind, local_date) of the reminders already claimed, sent or skipped.
    done: frozenset[tuple[str, date]]


def _window(now: datetime) -> tuple[date, date]:
    # Wide enough for every zone's local "yesterday" and "today" (UTC-12 to UTC+14).
    return (now - timedelta(days=schedule.LOOKBACK_DAYS + 2)).date(), (
        now + timedelta(days=1)
    ).date()


def reminder_candidates(now: datetime) -> list[Candidate]:
    """Active patients with an email address who had a session lately or want a daily or
    exercise reminder. Three queries, whatever the number of patients."""
    first, last = _window(now)
    patients = list(
        Patient.objects.filter(closed_at__isnull=True, user__is_active=True)
        .exclude(user__email="")
        .filter(
            Q(sessions__date__range=(first, last))
            | Q(reminder_preference__daily_enabled=True)
            | Q(reminder_preference__exercise_enabled=True)
        )
        .distinct()
        .select_related("user", "clinic", "reminder_preference")
        .order_by("pk")
    )
    ids = [patient.pk for patient in patients]
    sessions = session_days_for(ids, first, last)
    done: dict[int, set[tuple[str, date]]] = defaultdict(set)
    for patient_id, kind, local_date in ReminderDispatch.objects.filter(
        patient_id__in=ids, local_date__range=(first, last)
    ).values_list("patient_id", "kind", "local_date"):
        done[patient_id].add((kind, local_date))
    return [
        Candidate(
            patient=patient,
            settings=preference_for(patient).settings(),
            session_days=sessions.get(patient.pk, {}),
            done=frozenset(done.get(patient.pk, ())),
        )
        for patient in patients
    ]


def skip_reason(patient: Patient, kind: str, local_date: date) -> str:
    """Why this reminder should not go out now (a SkipReason), or "" to send it.

    After-session: an after-session entry exists for that day; next-morning: a next-morning
    entry for that day; daily: any entry that day; exercise: every dose of the day is logged
    (or none is prescribed).
    """
    user = patient.user
    if patient.closed_at is not None or not user.is_active or not user.email:
        return SkipReason.NO_ADDRESS
    if not preference_for(patient).is_enabled(kind):
        return SkipReason.TURNED_OFF
    entries = SymptomEntry.objects.filter(patient=patient, day=local_date)
    if kind == ReminderKind.AFTER_SESSION:
        logged = entries.filter(context=Context.AFTER_SESSION).exists()
    elif kind == ReminderKind.NEXT_MORNING:
        logged = entries.filter(context=Context.NEXT_MORNING).exists()
    elif kind == ReminderKind.DAILY:
        logged = entries.exists()
    else:
        doses = today_doses(patient, local_date)
        if not doses:
            return SkipReason.NOTHING_PRESCRIBED
        logged = all(dose.done for dose in doses)
    return SkipReason.ALREADY_LOGGED if logged else ""


# --- The patient's home: due check-ins ---------------------------------------------------------


@dataclass(frozen=True)
class DueCheckin:
    context: str
    prompt: str
    action: str


AFTER_SESSION_PROMPT = DueCheckin(
    Context.AFTER_SESSION,
    _("You had a session today: how do you feel now?"),
    _("Log how you feel after your session"),
)
NEXT_MORNING_PROMPT = DueCheckin(
    Context.NEXT_MORNING,
    _("You had a session yesterday: how do you feel today?"),
    _("Log how you feel the day after"),
)
DAILY_PROMPT = DueCheckin(
    Context.DAILY,
    _("You have not logged today yet: how are you feeling?"),
    _("Do your daily check-in"),
)


def due_checkins(patient: Patient, now: datetime | None = None) -> list[DueCheckin]:
    """Check-ins to ask for on the patient's home, in their local time (two queries).

    After-session: a session today, its reminder time has passed and no after-session entry
    today. Next-morning: a session yesterday and no next-morning entry today. Daily: turned on,
    nothing logged today and no session check-in asked for already (one question at a time).
    The in-app prompts do not depend on the email reminders being on, except the daily one.
    """
    local_now = timezone.localtime(now or timezone.now(), patient.zone)
    today = local_now.date()
    yesterday = today - timedelta(days=1)
    # Sessions of today and yesterday, and today's entry contexts, in one query.
    session_mark = Value(SESSION_MARK, output_field=CharField())
    rows = (
        PTSession.objects.filter(patient=patient, date__in=[today, yesterday])
        .order_by()
        .values_list("date", session_mark)
        .union(
            SymptomEntry.objects.filter(patient=patient, day=today)
            .order_by()
            .values_list("day", "context"),
            all=True,
        )
        .order_by()
    )
    session_dates: set[date] = set()
    logged: set[str] = set()
    for day, tag in rows:
        if tag == SESSION_MARK:
            session_dates.add(day)
        else:
            logged.add(tag)
    preference = preference_for(patient)
    due = []
    after_at: time = preference.after_session_time
    if (
        today in session_dates
        and local_now.time() >= after_at
        and Context.AFTER_SESSION not in logged
    ):
        due.append(AFTER_SESSION_PROMPT)
    if yesterday in session_dates and Context.NEXT_MORNING not in logged:
        due.append(NEXT_MORNING_PROMPT)
    if preference.daily_enabled and not logged and not due:
        due.append(DAILY_PROMPT)
    return due


# --- The therapist's panel ---------------------------------------------------------------------


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    enabled: bool
    at: time
    # Where quiet hours move it to, if they do.
    moved_to: time | None


@dataclass(frozen=True)
class ReminderOverview:
    patient: Patient
    preference: ReminderPreference
    customised: bool
    rows: list[KindRow]
    upcoming: list[schedule.Occurrence]
    recent: list[ReminderDispatch]


def reminder_overview(patient: Patient, now: datetime | None = None) -> ReminderOverview:
    """What is on for this patient, what comes next and what was sent lately (three queries)."""
    now = now or timezone.now()
    preference = preference_for(patient)
    settings = preference.settings()
    rows = []
    for kind in ReminderKind:
        at = preference.time_for(kind)
        _day, moved = schedule.send_slot(date.min, at, preference.quiet_start, preference.quiet_end)
        rows.append(
            KindRow(
                kind, kind.label, preference.is_enabled(kind), at, moved if moved != at else None
            )
        )
    today = schedule.local_today(patient.zone, now)
    sessions = session_days_for([patient.pk], today - timedelta(days=1), today + timedelta(days=2))
    upcoming = schedule.reminders_upcoming(
        patient.zone, settings, sessions.get(patient.pk, {}), now
    )
    recent = list(
        ReminderDispatch.objects.filter(patient=patient).order_by("-due_at", "-id")[
            :RECENT_DISPATCHES
        ]
    )
    return ReminderOverview(
        patient=patient,
        preference=preference,
        customised=preference.pk is not None,
        rows=rows,
        upcoming=upcoming,
        recent=recent,
    )
