"""Reads for symptom records: entries, sessions, daily pain and the patient's diary.

Every selector takes the patient already loaded through an access helper; none of them checks
who is asking. Each issues a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Patient

from .charts import DayPoint, Period, SessionMark
from .choices import Context
from .models import DailySummary, PTSession, SymptomEntry

#: Local time from which a session day's entry is "after" rather than "before" the session,
#: and until which the next day's entry is "the morning after".
NOON = time(12, 0)
#: Days of the diary shown at once; "Show older" moves to the next days that hold something.
DIARY_PAGE_DAYS = 14
#: Days covered by the diary's trend chart (spec.md section 4, daily pain).
TREND_DAYS = 28


def suggest_context(local_now: datetime, session_days: Collection[date]) -> str:
    """The context to preselect on the logging page, from the patient's local time.

    On a session day: before the session until noon, after it from noon. The morning after a
    session (before noon): next morning. Any other time: an everyday check-in.
    """
    today = local_now.date()
    if today in session_days:
        return Context.AFTER_SESSION if local_now.time() >= NOON else Context.BEFORE_SESSION
    if today - timedelta(days=1) in session_days and local_now.time() < NOON:
        return Context.NEXT_MORNING
    return Context.DAILY


@dataclass(frozen=True)
class ContextSuggestion:
    context: str
    session_today: PTSession | None
    session_yesterday: PTSession | None

    @property
    def session_days_back(self) -> frozenset[int]:
        """The days with a session, counted back from today: 0 today, 1 yesterday."""
        return frozenset(
            back
            for back, session in ((0, self.session_today), (1, self.session_yesterday))
            if session is not None
        )


def context_suggestion_for_patient(
    patient: Patient, now: datetime | None = None
) -> ContextSuggestion:
    """What to preselect for this patient now, with the sessions an entry could link to."""
    local_now = timezone.localtime(now or timezone.now(), patient.zone)
    today = local_now.date()
    yesterday = today - timedelta(days=1)
    latest: dict[date, PTSession] = {}
    # Oldest first, so the latest recorded session of a day wins (as in session_for_entry).
    for session in patient.sessions.filter(date__in=[today, yesterday]).order_by("date", "id"):
        latest[session.date] = session
    return ContextSuggestion(
        context=suggest_context(local_now, latest.keys()),
        session_today=latest.get(today),
        session_yesterday=latest.get(yesterday),
    )


def entries_for_patient(patient: Patient) -> QuerySet[SymptomEntry]:
    """The patient's entries, newest first, with the session each is about."""
    return SymptomEntry.objects.filter(patient=patient).select_related("session")


def sessions_for_patient(
    patient: Patient, start: date | None = None, end: date | None = None
) -> QuerySet[PTSession]:
    """The patient's sessions (newest first), optionally between two days inclusive."""
    sessions = PTSession.objects.filter(patient=patient)
    if start is not None:
        sessions = sessions.filter(date__gte=start)
    if end is not None:
        sessions = sessions.filter(date__lte=end)
    return sessions


def daily_pains(patient: Patient, start: date, end: date) -> list[DayPoint]:
    """Daily pain (spec.md section 4) of each logged day from start to end, oldest first."""
    summaries = DailySummary.objects.filter(patient=patient, day__range=(start, end)).order_by(
        "day"
    )
    return [
        DayPoint(day=summary.day, pain=summary.daily_pain, flare_reported=summary.flare_yes)
        for summary in summaries
    ]


def session_label(session: PTSession) -> str:
    """A session in words: its kind, then every intervention, e.g. "Treatment (Manual therapy,
    Dry needling)"."""
    kind = str(session.get_kind_display())
    interventions = session.intervention_labels
    return f"{kind} ({', '.join(interventions)})" if interventions else kind


def session_marks(sessions: Collection[PTSession]) -> list[SessionMark]:
    return [SessionMark(day=session.date, label=session_label(session)) for session in sessions]


def flare_periods(patient: Patient, start: date, end: date) -> list[Period]:
    """Flare-ups (spec.md section 6) overlapping start..end; an open one has no end."""
    # The flare-up records belong to the red-flag app, reached through the reverse relation
    # so that symptoms does not import it.
    flares = patient.flares.filter(Q(end__isnull=True) | Q(end__gte=start), start__lte=end)
    return [Period(start=flare.start, end=flare.end) for flare in flares.order_by("start")]


def alerts_for_entry(entry: SymptomEntry) -> list[Any]:
    """The alerts this entry is evidence of: what its guidance is about. Resolved ones count
    too, so that an entry's advice does not turn into reassurance once the clinic closes it."""
    return list(entry.patient.alerts.filter(evidence__entry=entry).distinct())


@dataclass(frozen=True)
class Trend:
    """What the daily-pain chart shows: logged days, sessions and flare-ups from start to end."""

    start: date
    end: date
    days: list[DayPoint]
    sessions: list[SessionMark]
    flares: list[Period]


def trend_for_patient(
    patient: Patient, *, end: date | None = None, days: int = TREND_DAYS
) -> Trend:
    """The last `days` days of daily pain up to `end` (default today). Three queries."""
    end = end or patient.local_day()
    start = end - timedelta(days=days - 1)
    return Trend(
        start=start,
        end=end,
        days=daily_pains(patient, start, end),
        sessions=session_marks(sessions_for_patient(patient, start, end).order_by("date", "id")),
        flares=flare_periods(patient, start, end),
    )


@dataclass
class SessionGroup:
    session: PTSession
    entries: list[SymptomEntry] = field(default_factory=list)


@dataclass
class DayGroup:
    day: date
    sessions: list[SessionGroup] = field(default_factory=list)
    entries: list[SymptomEntry] = field(default_factory=list)


@dataclass
class DiaryPage:
    start: date
    end: date
    days: list[DayGroup]
    # The latest earlier day holding an entry or a session; None when there is nothing older.
    older_until: date | None
    # The end of the next page towards today; None on the page that ends today.
    newer_until: date | None
    context: str


def diary_page(
    patient: Patient,
    *,
    until: date | None = None,
    context: str = "",
    days: int = DIARY_PAGE_DAYS,
) -> DiaryPage:
    """One page of the diary: `days` days ending `until` (default today), newest day first.

    A session's entries are shown with the session, on the session's day, even the next
    morning's; other entries under their own day. `context` keeps only entries of that context
    (and, when set, drops sessions left without entries). Four queries whatever the size.
    """
    today = patient.local_day()
    end = min(until or today, today)
    start = end - timedelta(days=days - 1)
    entries = entries_for_patient(patient).annotate(group_day=Coalesce("session__date", "day"))
    if context:
        entries = entries.filter(context=context)
    page_entries = list(
        entries.filter(group_day__range=(start, end)).order_by("-recorded_at", "-id")
    )
    # Sessions scheduled ahead have nothing to show yet.
    sessions = list(sessions_for_patient(patient, start, end).order_by("-date", "-id"))
    older_entry_day = entries.filter(group_day__lt=start).aggregate(day=Max("group_day"))["day"]
    older_session_day = None
    if not context:
        older_session_day = sessions_for_patient(patient, end=start - timedelta(days=1)).aggregate(
            day=Max("date")
        )["day"]
    older = [day for day in (older_entry_day, older_session_day) if day is not None]
    return DiaryPage(
        start=start,
        end=end,
        days=diary_groups(page_entries, sessions, keep_empty_sessions=not context),
        older_until=max(older) if older else None,
        newer_until=min(end + timedelta(days=days), today) if end < today else None,
        context=context,
    )


def diary_groups(
    entries: Sequence[SymptomEntry],
    sessions: Sequence[PTSession],
    *,
    keep_empty_sessions: bool = True,
) -> list[DayGroup]:
    """Group entries by day and, within the session's day, by session; newest day first.

    `entries` come newest first with their sessions loaded; the grouping makes no queries.
    """
    session_groups = {session.pk: SessionGroup(session) for session in sessions}
    day_groups: dict[date, DayGroup] = {}

    def day_group(day: date) -> DayGroup:
        return day_groups.setdefault(day, DayGroup(day))

    for entry in entries:
        session = entry.session
        if session is None:
            day_group(entry.day).entries.append(entry)
            continue
        group = session_groups.get(session.pk)
        if group is None:
            group = session_groups[session.pk] = SessionGroup(session)
        group.entries.append(entry)
    for group in session_groups.values():
        if group.entries or keep_empty_sessions:
            day_group(group.session.date).sessions.append(group)
    for day in day_groups.values():
        day.sessions.sort(key=lambda g: g.session.pk, reverse=True)
    return sorted(day_groups.values(), key=lambda g: g.day, reverse=True)
