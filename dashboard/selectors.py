"""Reads for the clinician dashboard: the caseload, the clinic view and the patient overview.

Every selector takes what the caller may see (a queryset from ``accounts.access`` or a patient
loaded through ``get_patient_for_user``) and issues a fixed number of queries whatever the size
of the caseload or the length of the history (pinned in tests/dashboard/test_query_counts.py):

- the caseload orders every patient by risk in SQL (``risk_expression``, the same decision as
  ``summaries.risk_of``), paginates, and only then loads the page's figures with one aggregate
  query per kind over the page's patient ids;
- figures come from ``symptoms.DailySummary`` (one row per logged day, kept up to date on save),
  never from a loop over entries.
"""

from __future__ import annotations

import json
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Least
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts.access import clinicians_for_user, patients_for_user
from accounts.models import Patient, User
from exercises import adherence as adherence_arithmetic
from exercises.models import ExerciseLog, PlanItem, PlanVersion
from exercises.selectors import AdherenceReport, adherence_reports, version_spans
from redflags.engine.domain import DayPain, Entry, Session
from redflags.engine.params import RuleParams
from redflags.models import Alert, AlertState, FlareEpisode, RuleSetVersion, TriageAction
from symptoms import charts
from symptoms.choices import SCREENING_QUESTIONS, Context, Intervention
from symptoms.models import DailySummary, Intake, PTSession, SymptomEntry

from . import summaries
from .summaries import (
    ADHERENCE_DAYS,
    RECENT_FLARE_DAYS,
    SPARKLINE_DAYS,
    CurrentPain,
    Flare,
    FlareSummary,
    Risk,
    SessionResponse,
)

#: Patients per caseload page.
CASELOAD_PAGE_SIZE = 25


# --- Shared ----------------------------------------------------------------------------------


def rule_params_for_clinic(clinic_id: int | None) -> RuleParams:
    """The thresholds of the clinic's current rule-set version; the defaults without one."""
    version = RuleSetVersion.objects.filter(clinic_id=clinic_id).order_by("-number").first()
    return version.rule_params() if version else RuleParams()


def clinic_zone(user: User) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(user.clinic.time_zone if user.clinic_id else "UTC")


def clinic_today(user: User) -> date:
    """The local day in the user's clinic: the caseload's "today" for every patient on it."""
    return timezone.localtime(timezone.now(), clinic_zone(user)).date()


def _start_of(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _flare(row: FlareEpisode) -> Flare:
    return Flare(start=row.start, end=row.end, self_reported=row.self_reported, peak=row.peak)


def _session(row: dict[str, Any]) -> Session:
    return Session(
        id=row["id"], day=row["date"], interventions=frozenset(row["interventions"] or ())
    )


INTERVENTION_SHORT = {
    Intervention.MANUAL_THERAPY: "MT",
    Intervention.NERVE_MOBILISATION: "NM",
    Intervention.EXERCISE_PROGRESSION: "EP",
    Intervention.EDUCATION: "ED",
    Intervention.MODALITIES: "MO",
    Intervention.DRY_NEEDLING: "DN",
    Intervention.OTHER: "OT",
}


def intervention_labels(values: Iterable[str]) -> list[str]:
    return [str(Intervention(value).label) for value in sorted(values) if value in Intervention]


# --- Caseload --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadFilters:
    """What the caseload shows: ``show`` is "", "alerts", "flaring" or "not_logging"."""

    show: str = ""
    therapist: User | None = None
    query: str = ""


SHOW_ALERTS = "alerts"
SHOW_FLARING = "flaring"
SHOW_NOT_LOGGING = "not_logging"

#: An unresolved alert's place in the risk order (summaries.risk_of); a low one sorts with the
#: rest.
_ALERT_RISK = Case(
    When(severity="emergency", then=Value(Risk.EMERGENCY)),
    When(severity="urgent", then=Value(Risk.URGENT)),
    When(severity="review", then=Value(Risk.REVIEW)),
    default=Value(Risk.OTHER),
    output_field=IntegerField(),
)


def risk_expression() -> Least:
    """``summaries.risk_of`` in SQL, over the aliases of ``caseload_patients``: the lowest of the
    most serious unresolved alert's place (emergency 0, urgent 1, review 3), an open flare-up's
    (2) and not logging's (4), else 5. Each figure appears once, so SQLite reads each
    correlated subquery once per patient while it sorts the whole caseload."""
    return Least(
        F("alert_risk"),
        Case(When(flare_open=True, then=Value(Risk.ACTIVE_FLARE)), default=Value(Risk.OTHER)),
        Case(When(not_logging=True, then=Value(Risk.NOT_LOGGING)), default=Value(Risk.OTHER)),
        output_field=IntegerField(),
    )


def caseload_patients(
    user: User, *, today: date, filters: CaseloadFilters = CaseloadFilters()
) -> QuerySet[Patient]:
    """The open patients the user may see, most pressing first (``summaries.Risk``), then by
    name; each carries ``risk``, ``last_entry_day`` and ``intake_baseline``. The page's other
    figures come from ``caseload_rows``."""
    zone = clinic_zone(user)
    logging_since = summaries.not_logging_since(today)
    recent_since = today - timedelta(days=RECENT_FLARE_DAYS - 1)
    unresolved = Alert.objects.filter(patient=OuterRef("pk")).exclude(state=AlertState.RESOLVED)
    flares = FlareEpisode.objects.filter(patient=OuterRef("pk"))
    last_entry_day = Subquery(
        DailySummary.objects.filter(patient=OuterRef("pk")).order_by("-day").values("day")[:1]
    )
    patients = (
        patients_for_user(user)
        .filter(closed_at__isnull=True)
        .alias(
            alert_risk=Coalesce(
                Subquery(unresolved.annotate(key=_ALERT_RISK).order_by("key").values("key")[:1]),
                Value(Risk.OTHER),
            ),
            has_alert=Exists(unresolved),
            flare_open=Exists(flares.filter(end__isnull=True)),
            flare_recent=Exists(flares.filter(Q(end__isnull=True) | Q(end__gte=recent_since))),
            # summaries.is_not_logging: nothing on or after logging_since, and either an older
            # entry or on the caseload since before it.
            not_logging=Case(
                When(
                    ~Exists(
                        DailySummary.objects.filter(patient=OuterRef("pk"), day__gte=logging_since)
                    )
                    & (
                        Exists(DailySummary.objects.filter(patient=OuterRef("pk")))
                        | Q(created_at__lt=_start_of(logging_since, zone))
                    ),
                    then=Value(True),
                ),
                default=Value(False),
            ),
        )
        .annotate(
            risk=risk_expression(),
            last_entry_day=last_entry_day,
            intake_baseline=Coalesce(F("intake__baseline_pain"), Value(0)),
        )
    )
    if filters.show == SHOW_ALERTS:
        patients = patients.filter(has_alert=True)
    elif filters.show == SHOW_FLARING:
        patients = patients.filter(flare_recent=True)
    elif filters.show == SHOW_NOT_LOGGING:
        patients = patients.filter(not_logging=True)
    if filters.therapist is not None:
        patients = patients.filter(therapists=filters.therapist)
    if filters.query:
        patients = patients.filter(user__full_name__icontains=filters.query)
    return patients.select_related("user").order_by("risk", "user__full_name", "pk")


@dataclass
class CaseloadRow:
    patient: Patient
    risk: Risk
    #: The most serious unresolved alert (``id``, ``rule``, ``severity``, ``state``,
    #: ``opened_at``), and how many are unresolved.
    alert: dict[str, Any] | None
    open_alerts: int
    flare_open: bool
    #: The latest flare-up open now or ended within RECENT_FLARE_DAYS.
    recent_flare: Flare | None
    sparkline: SafeString
    current: CurrentPain | None
    adherence: adherence_arithmetic.Adherence | None
    last_entry_at: datetime | None
    last_entry_day: date | None
    next_session: date | None
    not_logging: bool
    #: Where the row's links go, filled in by the view (``links.UrlPattern``).
    links: dict[str, str] = field(default_factory=dict)

    @property
    def also_not_logging(self) -> bool:
        """Not logging, while something more pressing decides the row's place."""
        return self.not_logging and self.risk != Risk.NOT_LOGGING


def caseload_page(patients: QuerySet[Patient], page_number: Any) -> Page:
    return Paginator(patients, CASELOAD_PAGE_SIZE).get_page(page_number)


def caseload_rows(
    patients: Sequence[Patient], *, today: date, params: RuleParams, zone: zoneinfo.ZoneInfo
) -> list[CaseloadRow]:
    """The figures of one caseload page: eight queries whatever the number of patients.
    ``today`` and ``zone`` are the clinic's, as in ``caseload_patients``."""
    if not patients:
        return []
    ids = [p.pk for p in patients]
    first = today - timedelta(days=SPARKLINE_DAYS - 1)

    # Daily pain: the sparkline's days, and the 14 days before each patient's latest logged day
    # for the baseline, whenever that was. One query.
    window = Q(patient_id__in=ids, day__gte=first - timedelta(days=params.baseline_window_days))
    for patient in patients:
        last = patient.last_entry_day
        if last is not None and last < first:
            window |= Q(
                patient_id=patient.pk,
                day__gte=last - timedelta(days=params.baseline_window_days),
                day__lte=last,
            )
    pains: dict[int, list[DayPain]] = defaultdict(list)
    for patient_id, day, pain, flare_yes in (
        DailySummary.objects.filter(window)
        .order_by("patient_id", "day")
        .values_list("patient_id", "day", "daily_pain", "flare_yes")
    ):
        pains[patient_id].append(DayPain(day, pain, flare_yes))

    # Sessions of the sparkline's days, and the next one booked (today counts): one query.
    session_days: dict[int, list[date]] = defaultdict(list)
    next_sessions: dict[int, date] = {}
    for patient_id, day in (
        PTSession.objects.filter(patient_id__in=ids, date__gte=first)
        .order_by("date")
        .values_list("patient_id", "date")
    ):
        if day <= today:
            session_days[patient_id].append(day)
        if day >= today:
            next_sessions.setdefault(patient_id, day)

    flares: dict[int, list[Flare]] = defaultdict(list)
    for patient_id, start, end, self_reported, peak in (
        FlareEpisode.objects.filter(patient_id__in=ids)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .order_by("start")
        .values_list("patient_id", "start", "end", "self_reported", "peak")
    ):
        flares[patient_id].append(Flare(start, end, self_reported, peak))

    alerts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        Alert.objects.filter(patient_id__in=ids)
        .exclude(state=AlertState.RESOLVED)
        .values("id", "patient_id", "rule", "severity", "state", "opened_at")
    ):
        alerts[row["patient_id"]].append(row)

    # The newest entry of each patient through the (patient, recorded_at) index, rather than a
    # MAX over all of their entries.
    last_entries = dict(
        Patient.objects.filter(pk__in=ids)
        .annotate(
            last=Subquery(
                SymptomEntry.objects.filter(patient=OuterRef("pk"))
                .order_by("-recorded_at")
                .values("recorded_at")[:1]
            )
        )
        .order_by()
        .values_list("pk", "last")
    )
    adherence = adherence_by_patient(ids, today)

    rows = []
    for patient in patients:
        days = pains.get(patient.pk, [])
        shown = [DayPain(d.day, d.daily_pain, d.flare_yes) for d in days if d.day >= first]
        patient_flares = flares.get(patient.pk, [])
        spark = charts.sparkline(
            [charts.DayPoint(d.day, d.daily_pain, d.flare_yes) for d in shown],
            [charts.SessionMark(day) for day in session_days.get(patient.pk, [])],
            [charts.Period(f.start, f.end) for f in patient_flares],
            start=first,
            end=today,
            id_prefix=f"spark-{patient.pk}",
            title=_("%(name)s: daily pain, last %(days)d days")
            % {"name": patient.user.full_name, "days": SPARKLINE_DAYS},
        )
        patient_alerts = alerts.get(patient.pk, [])
        rows.append(
            CaseloadRow(
                patient=patient,
                risk=Risk(patient.risk),
                alert=summaries.highest_alert(patient_alerts),
                open_alerts=len(patient_alerts),
                flare_open=any(f.end is None for f in patient_flares),
                recent_flare=patient_flares[-1] if patient_flares else None,
                sparkline=spark,
                current=summaries.current_pain(days, patient.intake_baseline, params),
                adherence=adherence.get(patient.pk),
                last_entry_at=last_entries.get(patient.pk),
                last_entry_day=patient.last_entry_day,
                next_session=next_sessions.get(patient.pk),
                not_logging=summaries.is_not_logging(
                    patient.last_entry_day,
                    today,
                    on_caseload_since=timezone.localtime(patient.created_at, zone).date(),
                ),
            )
        )
    return rows


@dataclass(frozen=True)
class _Version:
    """What ``exercises.selectors.version_spans`` reads of a plan version."""

    pk: int
    number: int
    start_date: date
    end_date: date | None


def adherence_by_patient(
    patient_ids: Sequence[int], today: date, days: int = ADHERENCE_DAYS
) -> dict[int, adherence_arithmetic.Adherence]:
    """Adherence over the ``days`` days ending today for several patients: three queries in
    all, then ``exercises.adherence.adherence`` per patient. Patients with nothing prescribed
    in the window are left out."""
    first, last = adherence_arithmetic.window(today, days)
    versions: dict[int, list[_Version]] = defaultdict(list)
    for patient_id, *fields in PlanVersion.objects.filter(
        plan__patient_id__in=patient_ids
    ).values_list("plan__patient_id", "pk", "number", "start_date", "end_date"):
        versions[patient_id].append(_Version(*fields))
    spans_by_version = {
        span.version.pk: (patient_id, span)
        for patient_id, patient_versions in versions.items()
        for span in version_spans(patient_versions)
        if span.overlaps(first, last)
    }
    if not spans_by_version:
        return {}
    item_spans: dict[int, list[adherence_arithmetic.ItemSpan]] = defaultdict(list)
    for version_id, exercise_id, times_per_day, days_per_week in (
        PlanItem.objects.filter(version_id__in=spans_by_version)
        .order_by("version__number", "order", "id")
        .values_list("version_id", "exercise_id", "times_per_day", "days_per_week")
    ):
        patient_id, span = spans_by_version[version_id]
        item_spans[patient_id].append(
            adherence_arithmetic.ItemSpan(
                exercise_id=exercise_id,
                times_per_day=times_per_day,
                days_per_week=days_per_week,
                first_day=span.first_day,
                last_day=span.last_day,
            )
        )
    counts: dict[int, dict[tuple[int, date], int]] = defaultdict(dict)
    for row in (
        ExerciseLog.objects.filter(patient_id__in=list(item_spans), day__gte=first, day__lte=last)
        .values("patient_id", "exercise_id", "day")
        .annotate(count=Count("id"))
        .order_by()
    ):
        counts[row["patient_id"]][(row["exercise_id"], row["day"])] = row["count"]
    result = {}
    for patient_id, spans in item_spans.items():
        figure = adherence_arithmetic.adherence(
            spans, counts.get(patient_id, {}), last_day=last, days=days
        )
        if figure.prescribed:
            result[patient_id] = figure
    return result


# --- Clinic view -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TherapistAck:
    therapist: User | None
    stats: summaries.AckStats


@dataclass(frozen=True)
class ClinicOverview:
    age_rows: list[summaries.AgeRow]
    open_total: int
    ack_rows: list[TherapistAck]
    ack_all: summaries.AckStats
    since: datetime


def clinic_overview(admin: User, now: datetime | None = None) -> ClinicOverview:
    """Open alerts by severity and age, and time to acknowledgement over the last 30 days per
    therapist (an alert counts for every therapist of its patient). Three queries."""
    now = now or timezone.now()
    alerts = Alert.objects.filter(patient__in=patients_for_user(admin))
    open_alerts = list(
        alerts.exclude(state=AlertState.RESOLVED).values_list("severity", "opened_at")
    )
    since = now - timedelta(days=summaries.ACK_WINDOW_DAYS)
    recent = list(
        alerts.filter(opened_at__gte=since).values_list(
            "id", "patient__therapists", "opened_at", "acknowledged_at", "resolved_at"
        )
    )
    waits_by_therapist: dict[int | None, list[timedelta | None]] = defaultdict(list)
    waits_by_alert: dict[int, timedelta | None] = {}
    for alert_id, therapist_id, opened_at, acknowledged_at, resolved_at in recent:
        wait = summaries.acknowledgement_wait(opened_at, acknowledged_at, resolved_at)
        waits_by_therapist[therapist_id].append(wait)
        waits_by_alert[alert_id] = wait
    therapists = list(clinicians_for_user(admin).order_by("full_name", "pk"))
    rows = [
        TherapistAck(t, summaries.ack_stats(waits_by_therapist.get(t.pk, []))) for t in therapists
    ]
    if waits_by_therapist.get(None):
        rows.append(TherapistAck(None, summaries.ack_stats(waits_by_therapist[None])))
    return ClinicOverview(
        age_rows=summaries.alerts_by_age(open_alerts, now),
        open_total=len(open_alerts),
        ack_rows=rows,
        ack_all=summaries.ack_stats(waits_by_alert.values()),
        since=since,
    )


# --- Patient overview ------------------------------------------------------------------------


RANGE_4_WEEKS = "4w"
RANGE_12_WEEKS = "12w"
RANGE_ALL = "all"
RANGE_DAYS = {RANGE_4_WEEKS: 28, RANGE_12_WEEKS: 84}
DEFAULT_RANGE = RANGE_4_WEEKS


@dataclass(frozen=True)
class ChartDay:
    """One day of the chart's table alternative."""

    day: date
    pain: int | None
    flare_reported: bool
    baseline: Fraction
    in_flare: bool
    sessions: list[str]
    alerts: list[str]


@dataclass
class AlertHistoryItem:
    alert: Alert
    actions: list[TriageAction] = field(default_factory=list)


@dataclass
class PatientOverview:
    patient: Patient
    range_key: str
    start: date
    today: date
    params: RuleParams
    intake: Intake | None
    current: CurrentPain | None
    logged_days: int
    chart: SafeString
    #: The chart's table alternative: a row per day of up to 12 weeks, else a row per week.
    chart_days: list[ChartDay]
    chart_weeks: list[summaries.WeekSummary]
    responses: list[SessionResponse]
    flare_summary: FlareSummary
    flares: list[Flare]
    descriptors: list[tuple[str, int]]
    regions: list[tuple[str, int]]
    screening: list[summaries.ScreeningRow]
    adherence: list[AdherenceReport]
    alerts: list[AlertHistoryItem]
    open_alerts: int
    last_entry_at: datetime | None
    next_session: date | None

    @property
    def range_days(self) -> int:
        return (self.today - self.start).days + 1

    @property
    def has_entries(self) -> bool:
        return self.last_entry_at is not None

    @property
    def adherence_rows(self) -> list[tuple[Any, Any, Any]]:
        """(exercise, 7-day share or None, 28-day share or None) per exercise."""
        week, month = self.adherence
        weekly = {exercise.pk: share for exercise, share in week.rows}
        rows = [(exercise, weekly.pop(exercise.pk, None), share) for exercise, share in month.rows]
        return rows


def range_start(range_key: str, today: date, earliest: date | None) -> date:
    """The first day shown: 4 or 12 weeks back, or for "all" the earliest record (today when
    there is none)."""
    if range_key in RANGE_DAYS:
        return today - timedelta(days=RANGE_DAYS[range_key] - 1)
    return min(earliest or today, today)


def patient_overview(
    patient: Patient, range_key: str = DEFAULT_RANGE, today: date | None = None
) -> PatientOverview:
    """Everything the patient overview and its printable summary show, over one range of days.
    Eleven queries, whatever the length of the history."""
    today = today or patient.local_day()
    params = rule_params_for_clinic(patient.clinic_id)
    intake = Intake.objects.filter(patient=patient).first()
    intake_baseline = intake.baseline_pain if intake else 0
    fixed = range_key in RANGE_DAYS
    # What the range's first day needs from before it: the baseline looks 14 days back, and a
    # session 2 days before can be the one a flare-up followed.
    lookback = timedelta(days=params.baseline_window_days + params.flare_session_link_days)
    provisional_start = range_start(range_key, today, None)

    summaries_qs = DailySummary.objects.filter(patient=patient, day__lte=today)
    sessions_qs = PTSession.objects.filter(patient=patient)
    if fixed:
        summaries_qs = summaries_qs.filter(day__gte=provisional_start - lookback)
        sessions_qs = sessions_qs.filter(
            date__gte=provisional_start - timedelta(days=params.flare_session_link_days)
        )
    day_pains = [
        DayPain(day, pain, flare_yes)
        for day, pain, flare_yes in summaries_qs.order_by("day").values_list(
            "day", "daily_pain", "flare_yes"
        )
    ]
    session_rows = list(
        sessions_qs.order_by("date", "id").values("id", "date", "interventions", "kind")
    )
    past_rows = [row for row in session_rows if row["date"] <= today]
    next_session = next((row["date"] for row in session_rows if row["date"] > today), None)

    earliest = min(
        [d.day for d in day_pains[:1]] + [row["date"] for row in past_rows[:1]], default=None
    )
    start = range_start(range_key, today, earliest)
    sessions = [_session(row) for row in past_rows]
    shown_sessions = [s for s in sessions if s.day >= start]

    linked = (
        [
            Entry(
                id=row["id"],
                day=row["day"],
                recorded_at=row["recorded_at"],
                context=row["context"],
                session_id=row["session_id"],
                pain_now=row["pain_now"],
                pain_worst=row["pain_worst"],
            )
            for row in SymptomEntry.objects.filter(
                patient=patient,
                session_id__in=[s.id for s in shown_sessions],
                context__in=[Context.BEFORE_SESSION, Context.AFTER_SESSION, Context.NEXT_MORNING],
            ).values("id", "day", "recorded_at", "context", "session_id", "pain_now", "pain_worst")
        ]
        if shown_sessions
        else []
    )

    flares = [
        _flare(row)
        for row in FlareEpisode.objects.filter(patient=patient, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .order_by("start")
    ]
    started_in_range = [f for f in flares if f.start >= start]

    screening_fields = list(SCREENING_QUESTIONS)
    # The sets come as JSON text and are parsed once per distinct value: a year of entries
    # repeats a few dozen combinations.
    parsed: dict[str, frozenset[str]] = {}

    def as_set(text: str | None) -> frozenset[str]:
        if text not in parsed:
            parsed[text] = frozenset(json.loads(text) if text else ())
        return parsed[text]

    entry_rows = [
        (row[0], as_set(row[1]), as_set(row[2]), as_set(row[3]), *row[4:])
        for row in SymptomEntry.objects.filter(patient=patient, day__gte=start, day__lte=today)
        .annotate(
            descriptors_text=Cast("descriptors", TextField()),
            regions_text=Cast("regions", TextField()),
            triggers_text=Cast("triggers", TextField()),
        )
        .values_list("day", "descriptors_text", "regions_text", "triggers_text", *screening_fields)
    ]
    answers = [
        (row[0], [name for name, value in zip(screening_fields, row[4:], strict=True) if value])
        for row in entry_rows
    ]

    alert_rows = list(
        Alert.objects.filter(patient=patient)
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=TriageAction.objects.select_related("actor").order_by("created_at", "id"),
            )
        )
        .order_by("-opened_at", "-id")
    )
    last_entry_at = SymptomEntry.objects.filter(patient=patient).aggregate(last=Max("recorded_at"))[
        "last"
    ]

    shown_days = [start + timedelta(days=n) for n in range((today - start).days + 1)]
    baselines = summaries.baselines_by_day(day_pains, shown_days, intake_baseline, params)
    in_range_pains = [d for d in day_pains if d.day >= start]
    chart_alerts = [a for a in alert_rows if start <= a.opened_day <= today]
    chart = charts.trend_chart(
        [charts.DayPoint(d.day, d.daily_pain, d.flare_yes) for d in in_range_pains],
        [
            charts.SessionMark(
                s.day,
                label=", ".join(intervention_labels(s.interventions)),
                short=" ".join(INTERVENTION_SHORT[i] for i in sorted(s.interventions)),
            )
            for s in shown_sessions
        ],
        [charts.Period(f.start, f.end) for f in flares],
        start=start,
        end=today,
        width=760,
        height=300,
        id_prefix="overview-trend",
        baseline=[
            charts.BaselineDay(day, float(value), float(summaries.rise_threshold(value, params)))
            for day, value in baselines.items()
        ],
        alerts=[
            charts.AlertMark(
                a.opened_day,
                f"{a.rule} {a.get_severity_display()}: {a.reason}",
                serious=a.severity in ("urgent", "emergency"),
            )
            for a in chart_alerts
        ],
        clinician=True,
    )

    by_day = {d.day: d for d in in_range_pains}
    sessions_by_day: dict[date, list[str]] = defaultdict(list)
    for s in shown_sessions:
        sessions_by_day[s.day].append(", ".join(intervention_labels(s.interventions)) or "-")
    alerts_by_day: dict[date, list[str]] = defaultdict(list)
    for a in chart_alerts:
        alerts_by_day[a.opened_day].append(f"{a.rule} {a.get_severity_display()}")
    long_range = len(shown_days) > RANGE_DAYS[RANGE_12_WEEKS]
    chart_weeks = []
    if long_range:
        chart_weeks = summaries.weekly_summary(
            in_range_pains,
            start=start,
            end=today,
            flare_days=[day for day in shown_days if any(f.covers(day, today) for f in flares)],
            session_days=[s.day for s in shown_sessions],
            alert_days=[a.opened_day for a in chart_alerts],
        )
    chart_days = (
        []
        if long_range
        else [
            ChartDay(
                day=day,
                pain=by_day[day].daily_pain if day in by_day else None,
                flare_reported=by_day[day].flare_yes if day in by_day else False,
                baseline=baselines[day],
                in_flare=any(f.covers(day, today) for f in flares),
                sessions=sessions_by_day.get(day, []),
                alerts=alerts_by_day.get(day, []),
            )
            for day in shown_days
            if day in by_day or day in sessions_by_day or day in alerts_by_day
        ]
    )

    return PatientOverview(
        patient=patient,
        range_key=range_key,
        start=start,
        today=today,
        params=params,
        intake=intake,
        current=summaries.current_pain(day_pains, intake_baseline, params),
        logged_days=len(in_range_pains),
        chart=chart,
        chart_days=chart_days,
        chart_weeks=chart_weeks,
        responses=list(
            reversed(
                summaries.session_responses(
                    sessions, linked, day_pains, intake_baseline, flares, params, since=start
                )
            )
        ),
        flare_summary=summaries.flare_summary(
            started_in_range,
            sessions,
            [(row[0], row[3]) for row in entry_rows if row[3]],
            [d.day for d in in_range_pains if d.flare_yes],
            today=today,
            params=params,
            since=start,
        ),
        flares=started_in_range,
        descriptors=summaries.day_frequencies((row[0], row[1]) for row in entry_rows),
        regions=summaries.day_frequencies((row[0], row[2]) for row in entry_rows),
        screening=summaries.screening_over_time(answers, screening_fields),
        adherence=adherence_reports(patient, today, (ADHERENCE_DAYS, 28)),
        alerts=[AlertHistoryItem(a, list(a.actions.all())) for a in alert_rows],
        open_alerts=sum(1 for a in alert_rows if a.state != AlertState.RESOLVED),
        last_entry_at=last_entry_at,
        next_session=next_session,
    )


# --- Exports ---------------------------------------------------------------------------------


def entries_for_export(patient: Patient) -> QuerySet[SymptomEntry]:
    return (
        SymptomEntry.objects.filter(patient=patient)
        .select_related("session")
        .order_by("recorded_at", "id")
    )


def exercise_logs_for_export(patient: Patient) -> QuerySet[ExerciseLog]:
    return (
        ExerciseLog.objects.filter(patient=patient)
        .select_related("exercise")
        .order_by("logged_at", "id")
    )


def alerts_for_export(patient: Patient) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(patient=patient)
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=TriageAction.objects.select_related("actor").order_by("created_at", "id"),
            )
        )
        .order_by("opened_at", "id")
    )
