"""Reads for the red-flag engine: exactly the windows each rule needs, as plain domain data.

The services call these, hand the result to the pure engine (``engine.rules``, ``engine.flare``)
and store the findings. Every selector runs a fixed number of queries, whatever the length of the
patient's history (pinned in tests/redflags/test_entry_query_count.py), and filters on
``(patient, day)`` or ``(patient, recorded_at)``, which the symptom models index.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import Count, Max, Min, Q

from accounts.models import Patient
from exercises.models import ExerciseLog as ExerciseLogRow
from exercises.models import PlanItem as PlanItemRow
from exercises.models import PlanVersion
from exercises.selectors import version_spans
from symptoms.choices import Context
from symptoms.models import DailySummary, PTSession, SymptomEntry
from symptoms.models import Intake as IntakeRow

from .engine.baseline import pre_session_pain
from .engine.domain import (
    ENTRY_ANSWER_FIELDS,
    DayPain,
    Entry,
    ExerciseLog,
    Intake,
    PlanItem,
    Session,
)
from .engine.flare import FlareEpisode as DomainFlare
from .engine.params import RuleParams
from .engine.reconcile import StoredFlare
from .models import Alert, FlareEpisode

# --- Converters: model rows to domain dataclasses ------------------------------------------------


def entry_to_domain(row: SymptomEntry) -> Entry:
    return Entry(
        id=row.pk,
        day=row.day,
        recorded_at=row.recorded_at,
        session_id=row.session_id,
        **{name: getattr(row, name) for name in ENTRY_ANSWER_FIELDS},
    )


def intake_to_domain(row: IntakeRow | None) -> Intake:
    """A patient without an intake has a baseline pain of 0 and no baseline regions
    (docs/clinical-decisions.md, "Engine integration")."""
    if row is None:
        return Intake(baseline_pain=0)
    return Intake(
        baseline_pain=row.baseline_pain,
        baseline_regions=frozenset(row.baseline_regions or ()),
        cancer_history=row.cancer_history,
        diabetes=row.diabetes,
    )


def session_to_domain(row: PTSession) -> Session:
    return Session(id=row.pk, day=row.date, interventions=frozenset(row.interventions or ()))


def exercise_log_to_domain(row: ExerciseLogRow) -> ExerciseLog:
    """The exercise's name is its key: it is what the clinician reads in R10's data."""
    return ExerciseLog(
        id=row.pk, day=row.day, exercise_key=row.exercise.name, pain_during=row.pain_during
    )


def summary_to_domain(row: DailySummary) -> DayPain:
    return DayPain(day=row.day, daily_pain=row.daily_pain, flare_yes=row.flare_yes)


def stored_flare_to_domain(row: FlareEpisode) -> DomainFlare:
    """A stored flare as ``engine.flare.FlareEpisode`` (for the R11 escalation)."""
    return DomainFlare(
        start=row.start,
        end=row.end,
        baseline_at_start=Fraction(row.baseline_at_start),
        peak=row.peak,
        self_reported=row.self_reported,
        second_elevated_day=row.detected_on or row.start,
    )


def flare_row_to_stored(row: FlareEpisode) -> StoredFlare:
    """A stored flare as ``engine.reconcile.StoredFlare`` (to compare with a new detection)."""
    return StoredFlare(
        id=row.pk,
        start=row.start,
        end=row.end,
        baseline_at_start=Fraction(row.baseline_at_start),
        peak=row.peak,
        self_reported=row.self_reported,
        detected_on=row.detected_on,
        session_id=row.session_id,
    )


# --- Reads for one entry save --------------------------------------------------------------------


def intake_for_patient(patient: Patient) -> Intake:
    return intake_to_domain(IntakeRow.objects.filter(patient=patient).first())


def day_pains_for_patient(patient: Patient, since: date | None = None) -> list[DayPain]:
    """Logged days' daily pain from ``since`` on (every day without it), oldest first: one
    query over one row a day (symptoms.DailySummary), never over the entries themselves."""
    rows = DailySummary.objects.filter(patient=patient).order_by("day")
    if since is not None:
        rows = rows.filter(day__gte=since)
    return [
        DayPain(day=day, daily_pain=pain, flare_yes=flare_yes)
        for day, pain, flare_yes in rows.values_list("day", "daily_pain", "flare_yes")
    ]


def _earlier_than(entry: SymptomEntry) -> Q:
    # Entries at the same instant count as earlier when saved before (the replay's file order).
    return Q(recorded_at__lt=entry.recorded_at) | Q(recorded_at=entry.recorded_at, pk__lt=entry.pk)


def earlier_entries_for(entry: SymptomEntry, params: RuleParams) -> list[Entry]:
    """Section 5 windows for R2, R3 and R5: the patient's entries of days D-14..D recorded
    before this one, plus the two entries immediately before it however old (R3's weakness
    branch looks back "whatever the gaps"). Oldest first. Two queries."""
    window_days = max(params.r2_window_days, params.r3_window_days, params.r5_window_days)
    first_day = entry.day - timedelta(days=window_days)
    earlier = SymptomEntry.objects.filter(patient_id=entry.patient_id).filter(_earlier_than(entry))
    in_window = list(earlier.filter(day__gte=first_day, day__lte=entry.day))
    run_length = params.r3_rising_entries - 1
    latest = list(earlier.order_by("-recorded_at", "-pk")[:run_length]) if run_length else []
    rows = {row.pk: row for row in [*in_window, *latest]}
    ordered = sorted(rows.values(), key=lambda row: (row.recorded_at, row.pk))
    return [entry_to_domain(row) for row in ordered]


def sessions_post_pain_for(entry: SymptomEntry, params: RuleParams) -> list[tuple[Session, int]]:
    """R8: (session, post-session pain) of the last ``r8_sessions`` sessions up to the entry's
    day that have post-session pain (the highest ``pain_worst`` of their ``after_session``
    entries), oldest first, this entry already counted. Only an ``after_session`` entry can
    change the pattern, so other entries read nothing. One query."""
    if entry.context != Context.AFTER_SESSION:
        return []
    rows = (
        SymptomEntry.objects.filter(
            patient_id=entry.patient_id,
            context=Context.AFTER_SESSION,
            session__isnull=False,
            session__date__lte=entry.day,
        )
        .values("session_id", "session__date", "session__interventions")
        .annotate(post_pain=Max("pain_worst"))
        .order_by("-session__date", "-session_id")[: params.r8_sessions]
    )
    pairs = [
        (
            Session(
                id=row["session_id"],
                day=row["session__date"],
                interventions=frozenset(row["session__interventions"] or ()),
            ),
            row["post_pain"],
        )
        for row in rows
    ]
    return list(reversed(pairs))


def pre_session_pain_for(
    entry: SymptomEntry, day_pains: list[DayPain], intake: Intake, params: RuleParams
) -> Fraction | None:
    """R9: for a ``next_morning`` entry linked to a session, the session's pre-session pain
    (section 2): ``pain_now`` of its latest ``before_session`` entry recorded before this one,
    else the baseline on the session's day. None for any other entry. Two queries at most."""
    if entry.context != Context.NEXT_MORNING or entry.session_id is None:
        return None
    session_day = (
        PTSession.objects.filter(pk=entry.session_id).values_list("date", flat=True).first()
    )
    if session_day is None:
        return None
    before = SymptomEntry.objects.filter(
        patient_id=entry.patient_id, session_id=entry.session_id, context=Context.BEFORE_SESSION
    ).filter(_earlier_than(entry))
    linked = [entry_to_domain(row) for row in before.order_by("recorded_at", "pk")]
    return pre_session_pain(linked, session_day, day_pains, intake.baseline_pain, params)


def r12_has_fired(patient: Patient) -> bool:
    """R12 fires once ever for a patient: any R12 alert, resolved or not."""
    return Alert.objects.filter(patient=patient, rule="R12").exists()


@dataclass(frozen=True)
class EntryContext:
    """Everything ``rules.evaluate_entry`` and R11 detection need for one saved entry."""

    entry: Entry
    intake: Intake
    earlier_entries: list[Entry]
    day_pains: list[DayPain]
    sessions_post_pain: list[tuple[Session, int]]
    pre_session_pain: Fraction | None
    r12_already_fired: bool


def entry_context(row: SymptomEntry, params: RuleParams) -> EntryContext:
    """The windows of section 5 for the entry just saved; at most eight queries."""
    intake = intake_for_patient(row.patient)
    # Rules read day pains only for the baseline on the session's day (R9's pre-session
    # fallback): the session is on D or D-1, so the 14 days before D-1 are enough.
    day_pains = day_pains_for_patient(
        row.patient, since=row.day - timedelta(days=params.baseline_window_days + 1)
    )
    return EntryContext(
        entry=entry_to_domain(row),
        intake=intake,
        earlier_entries=earlier_entries_for(row, params),
        day_pains=day_pains,
        sessions_post_pain=sessions_post_pain_for(row, params),
        pre_session_pain=pre_session_pain_for(row, day_pains, intake, params),
        r12_already_fired=r12_has_fired(row.patient),
    )


# --- Reads for one exercise-log save -------------------------------------------------------------


def logs_around(log: ExerciseLogRow, params: RuleParams) -> list[ExerciseLog]:
    """R10: the patient's other exercise logs within ``r10_window_days - 1`` days either side
    of this one (D-13..D+13: a backdated log pairs with a later one too). One query."""
    span = timedelta(days=params.r10_window_days - 1)
    rows = (
        ExerciseLogRow.objects.filter(
            patient_id=log.patient_id, day__gte=log.day - span, day__lte=log.day + span
        )
        .exclude(pk=log.pk)
        .select_related("exercise")
        .order_by("day", "pk")
    )
    return [exercise_log_to_domain(row) for row in rows]


# --- Reads for the daily sweep -------------------------------------------------------------------


def plan_items_for_day(patient: Patient, day: date) -> tuple[list[PlanItem], set[int]]:
    """R13 plan part: the items of the plan version in force on ``day`` (the newest version
    started by then, unless it has ended; as ``exercises.selectors.current_version``), and the
    ids of every exercise the patient's plan has ever named (a dose is a log of an exercise the
    plan names). Two queries.

    An item's ``start_day`` is where the exercise's prescription began: it goes back through
    earlier versions as long as they followed on without a gap and held the same exercise with
    the same ``times_per_day`` and ``days_per_week``. Re-saving a plan to change one exercise
    thus does not restart the 7-day wait for the others (docs/clinical-decisions.md)."""
    versions = list(PlanVersion.objects.filter(plan__patient=patient).order_by("number"))
    if not versions:
        return [], set()
    items_by_version: dict[int, list[PlanItemRow]] = defaultdict(list)
    items = PlanItemRow.objects.filter(version__plan__patient=patient).select_related("exercise")
    for item in items.order_by("order", "pk"):
        items_by_version[item.version_id].append(item)
    named = {item.exercise_id for items in items_by_version.values() for item in items}

    started = [v for v in versions if v.start_date <= day]
    if not started:
        return [], named
    in_force = started[-1]
    if in_force.end_date is not None and in_force.end_date < day:
        return [], named

    spans = version_spans(versions)
    index = next(i for i, span in enumerate(spans) if span.version.pk == in_force.pk)
    plan_items = []
    for item in items_by_version[in_force.pk]:
        start = spans[index].first_day
        for earlier in reversed(spans[:index]):
            if earlier.is_empty:
                continue
            if earlier.last_day is None or earlier.last_day != start - timedelta(days=1):
                break
            same = [
                other
                for other in items_by_version[earlier.version.pk]
                if other.exercise_id == item.exercise_id
                and other.times_per_day == item.times_per_day
                and other.days_per_week == item.days_per_week
            ]
            if not same:
                break
            start = earlier.first_day
        plan_items.append(
            PlanItem(
                exercise_key=item.exercise.name,
                times_per_day=item.times_per_day,
                days_per_week=item.days_per_week,
                start_day=start,
                end_day=spans[index].last_day,
            )
        )
    return plan_items, named


@dataclass(frozen=True)
class DayEndContext:
    """Everything ``rules.evaluate_day_end`` needs for one patient and one day."""

    sessions: list[Session]
    entry_days: set[date]
    plan_items: list[PlanItem]
    log_counts: dict[date, int]
    first_entry_day: date | None
    day_pains: list[DayPain]


def day_end_context(patient: Patient, day: date, params: RuleParams) -> DayEndContext:
    """The windows the sweep's rules read at the end of ``day`` (section 5, R13 and R14).
    Six queries, whatever the history."""
    session_first = day - timedelta(days=params.r13_session_days)
    sessions = [
        session_to_domain(row)
        for row in PTSession.objects.filter(
            patient=patient, date__gte=session_first, date__lte=day
        ).order_by("date", "pk")
    ]

    first_entry_day = DailySummary.objects.filter(patient=patient).aggregate(first=Min("day"))[
        "first"
    ]
    last_width = timedelta(days=max(params.r14_window_days, params.r13_session_days + 1) - 1)
    windows = Q(day__gte=day - last_width, day__lte=day)
    if first_entry_day is not None:
        first_width = timedelta(days=params.r14_window_days - 1)
        windows |= Q(day__gte=first_entry_day, day__lte=first_entry_day + first_width)
    summaries = DailySummary.objects.filter(patient=patient, day__lte=day).filter(windows)
    day_pains = [summary_to_domain(row) for row in summaries.order_by("day")]
    entry_days = {d.day for d in day_pains if session_first <= d.day <= day}

    plan_items, named = plan_items_for_day(patient, day)
    log_counts: dict[date, int] = {}
    if plan_items:
        plan_first = day - timedelta(days=params.r13_plan_days - 1)
        rows = (
            ExerciseLogRow.objects.filter(
                patient=patient, day__gte=plan_first, day__lte=day, exercise_id__in=named
            )
            .values("day")
            .annotate(count=Count("pk"))
            .order_by()
        )
        log_counts = {row["day"]: row["count"] for row in rows}
    return DayEndContext(
        sessions=sessions,
        entry_days=entry_days,
        plan_items=plan_items,
        log_counts=log_counts,
        first_entry_day=first_entry_day,
        day_pains=day_pains,
    )


def flares_to_escalate(patient: Patient, day: date, params: RuleParams) -> list[FlareEpisode]:
    """Stored flares that may need the R11 escalation at the end of ``day``: not yet
    escalated, started at least ``flare_escalate_after_days`` days before, and open at the end
    of ``day`` (no end, or an end logged on a later day by the time a late sweep runs)."""
    latest_start = day - timedelta(days=params.flare_escalate_after_days)
    return list(
        FlareEpisode.objects.filter(
            patient=patient, escalated_on__isnull=True, start__lte=latest_start
        )
        .filter(Q(end__isnull=True) | Q(end__gt=day))
        .select_related("alert")
        .order_by("start")
    )
