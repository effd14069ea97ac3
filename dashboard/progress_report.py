"""The progress report (issue 16): one patient over a date range, for referrers and insurers.
Diagnosis, sessions attended, interventions, the outcome measures against their MCID, the pain
trend, flare-ups and what preceded them, adherence, and the alerts raised with how they were
resolved. A fixed number of queries whatever the length of the history.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import Prefetch
from django.utils.safestring import SafeString

from accounts.models import Patient, User
from care.outcomes import PatientOutcomes, outcome_chart, patient_outcomes, weekly_pain
from exercises.selectors import AdherenceReport, adherence_reports
from redflags.engine.domain import Session
from redflags.engine.flare import flare_session_link
from redflags.engine.params import RuleParams
from redflags.models import Alert, AlertState, FlareEpisode, TriageAction
from redflags.rule_sets import current_rule_set
from symptoms.choices import Intervention, SessionKind
from symptoms.models import Intake, PTSession

#: The longest report: a year (and a day, for a leap year).
MAX_REPORT_DAYS = 366
#: Without a chosen range: the last 12 weeks.
DEFAULT_REPORT_DAYS = 84


@dataclass(frozen=True)
class ReportSession:
    day: date
    kind: str
    interventions: tuple[str, ...]

    @property
    def kind_label(self) -> str:
        return str(SessionKind(self.kind).label) if self.kind in SessionKind.values else self.kind

    @property
    def intervention_labels(self) -> list[str]:
        return [str(Intervention(i).label) for i in self.interventions if i in Intervention]


@dataclass(frozen=True)
class ReportFlare:
    start: date
    end: date | None
    peak: int
    self_reported: bool
    triggers: tuple[str, ...]
    #: The session it followed (within 2 days), if any.
    after: ReportSession | None

    @property
    def days(self) -> int | None:
        return None if self.end is None else (self.end - self.start).days


@dataclass(frozen=True)
class ReportAlert:
    alert: Alert
    resolved_by: User | None
    resolution_note: str
    actions: list[TriageAction]


@dataclass
class ProgressReport:
    patient: Patient
    start: date
    end: date
    intake: Intake | None
    therapists: list[User]
    sessions: list[ReportSession]
    #: Past sessions in the range (those after today are booked, not attended).
    attended: int
    interventions: list[tuple[str, int]]
    outcomes: PatientOutcomes
    params: RuleParams
    chart: SafeString
    pain_weeks: list[tuple[date, date, Fraction, int]]
    flares: list[ReportFlare]
    adherence: AdherenceReport | None
    alerts: list[ReportAlert] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def open_alerts(self) -> int:
        return sum(1 for a in self.alerts if a.alert.state != AlertState.RESOLVED)


def default_range(today: date) -> tuple[date, date]:
    return today - timedelta(days=DEFAULT_REPORT_DAYS - 1), today


def progress_report(patient: Patient, start: date, end: date, today: date) -> ProgressReport:
    """Everything the report shows from ``start`` to ``end`` (inclusive). Outcome measures are
    compared with the intake, up to ``end``. About 17 queries."""
    params = current_rule_set(patient.clinic).rule_params()
    intake = Intake.objects.filter(patient=patient).first()
    # From 2 days before the range: a flare-up early in it may follow a session just before.
    link_days = timedelta(days=params.flare_session_link_days)
    sessions_qs = PTSession.objects.filter(
        patient=patient, date__gte=start - link_days, date__lte=end
    )
    around = [
        (
            row["id"],
            ReportSession(row["date"], row["kind"], tuple(sorted(row["interventions"] or ()))),
        )
        for row in sessions_qs.order_by("date", "id").values("id", "date", "kind", "interventions")
    ]
    sessions = [s for _pk, s in around if s.day >= start]
    attended = [s for s in sessions if s.day <= today]
    counts = Counter(i for s in attended for i in s.interventions)
    interventions = [
        (str(Intervention(name).label), count)
        for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        if name in Intervention
    ]
    outcomes = patient_outcomes(patient, until=end, params=params, since=start)
    flares = _flares(patient, start, end, around, params)
    adherence_end = min(end, today)
    adherence = (
        adherence_reports(patient, adherence_end, ((adherence_end - start).days + 1,))[0]
        if adherence_end >= start
        else None
    )
    return ProgressReport(
        patient=patient,
        start=start,
        end=end,
        intake=intake,
        therapists=list(patient.therapists.order_by("full_name")),
        sessions=sessions,
        attended=len(attended),
        interventions=interventions,
        outcomes=outcomes,
        params=params,
        chart=outcome_chart(
            outcomes,
            sessions=[s.day for s in attended],
            start=start,
            end=end,
            params=params,
            id_prefix="report-outcomes",
        ),
        pain_weeks=weekly_pain(outcomes.pain_days, start, end),
        flares=flares,
        adherence=adherence if adherence and adherence.overall.prescribed else None,
        alerts=_alerts(patient, start, end),
    )


def _flares(
    patient: Patient,
    start: date,
    end: date,
    sessions: list[tuple[int, ReportSession]],
    params: RuleParams,
) -> list[ReportFlare]:
    """Flare-ups that began in the range, each with the session it followed (the overview's
    ``flare_session_link``: the latest session from 2 days before its start to its start) and
    the triggers the patient named during it."""
    domain = [Session(pk, s.day, frozenset(s.interventions)) for pk, s in sessions]
    by_id = dict(sessions)
    result = []
    for row in FlareEpisode.objects.filter(
        patient=patient, start__gte=start, start__lte=end
    ).order_by("start"):
        linked = flare_session_link(row.start, domain, params)
        result.append(
            ReportFlare(
                start=row.start,
                end=row.end,
                peak=row.peak,
                self_reported=row.self_reported,
                triggers=tuple(row.triggers or ()),
                after=by_id[linked.id] if linked and linked.id is not None else None,
            )
        )
    return result


def _alerts(patient: Patient, start: date, end: date) -> list[ReportAlert]:
    rows = (
        Alert.objects.filter(patient=patient, opened_day__gte=start, opened_day__lte=end)
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=TriageAction.objects.select_related("actor").order_by("created_at", "id"),
            )
        )
        .order_by("opened_at", "id")
    )
    result = []
    for alert in rows:
        actions = list(alert.actions.all())
        resolve = next((a for a in reversed(actions) if a.kind == TriageAction.Kind.RESOLVE), None)
        result.append(
            ReportAlert(
                alert=alert,
                resolved_by=resolve.actor if resolve else None,
                resolution_note=resolve.note if resolve else "",
                actions=actions,
            )
        )
    return result
