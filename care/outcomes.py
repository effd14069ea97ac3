"""Outcome measures read across apps: pain against its MCID (symptoms' daily pain and intake,
the rule set's meaningful change), the PSFS and the GROC (outcomes), for one patient or for
many at once (issue 16).

**Pain against its MCID** (Farrar 2001; Childs 2005): "pain now" is the median daily pain of
the patient's last ``PAIN_NOW_DAYS`` logged days up to the day in question; it is compared with
the intake ``baseline_pain``. A meaningful fall (at least 2 points and 30% of the baseline,
the rule set's ``is_meaningful_fall``, as R14 uses it) is improved; a meaningful rise over the
intake baseline is worse. The thresholds are the clinic's rule-set parameters, so the outcome
and the rules never disagree about what a meaningful change is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import OuterRef, Subquery

from accounts.models import Patient
from outcomes import charts
from outcomes.measures import (
    PSFS_MCID,
    MeasureChange,
    Verdict,
    groc_change,
    overall_verdict,
    pain_verdict,
    psfs_change,
)
from outcomes.selectors import (
    PSFSHistory,
    first_and_last_psfs,
    groc_answers,
    groc_history,
    psfs_history,
)
from redflags.engine.baseline import is_meaningful_fall, is_meaningful_rise, median
from redflags.engine.params import RuleParams
from redflags.rule_sets import current_rule_set
from symptoms.models import DailySummary, Intake

#: "Pain now" is the median daily pain of this many most recent logged days.
PAIN_NOW_DAYS = 7


@dataclass(frozen=True)
class PainOutcome:
    """Intake baseline against the median of the last logged days."""

    baseline: int | None
    now: Fraction | None
    #: The logged days behind ``now`` (at most PAIN_NOW_DAYS), first and last.
    days: int
    first_day: date | None
    last_day: date | None
    verdict: Verdict

    @property
    def change(self) -> Fraction | None:
        if self.baseline is None or self.now is None:
            return None
        return self.now - self.baseline

    @property
    def fall(self) -> Fraction | None:
        change = self.change
        return None if change is None else -change

    @property
    def fall_percent(self) -> int | None:
        """The fall as a share of the baseline, in whole percent (None with a baseline of 0)."""
        if self.fall is None or not self.baseline:
            return None
        return round(self.fall / self.baseline * 100)

    @property
    def change_percent(self) -> int | None:
        """The change as a share of the baseline, signed, in whole percent."""
        fall = self.fall_percent
        return None if fall is None else -fall


def pain_outcome(
    baseline: int | None, recent: Sequence[tuple[date, int]], params: RuleParams
) -> PainOutcome:
    """Pain against its MCID from the intake baseline and the last logged days (day, daily
    pain), in any order; only the latest PAIN_NOW_DAYS count."""
    latest = sorted(recent)[-PAIN_NOW_DAYS:]
    if not latest:
        return PainOutcome(baseline, None, 0, None, None, Verdict.UNMEASURED)
    now = median(pain for _day, pain in latest)
    if baseline is None:
        verdict = Verdict.UNMEASURED
    else:
        verdict = pain_verdict(
            meaningful_fall=is_meaningful_fall(baseline, now, params),
            meaningful_rise=is_meaningful_rise(now, baseline, params),
        )
    return PainOutcome(baseline, now, len(latest), latest[0][0], latest[-1][0], verdict)


@dataclass(frozen=True)
class OutcomeSummary:
    """Each measure at the start and now against its MCID, and the patient's overall outcome."""

    pain: PainOutcome
    psfs: MeasureChange
    groc: MeasureChange

    @property
    def overall(self) -> Verdict:
        return overall_verdict([self.pain.verdict, self.psfs.verdict, self.groc.verdict])


@dataclass(frozen=True)
class PatientOutcomes(OutcomeSummary):
    """The summary with the histories behind it, for the overview panel and the patient."""

    psfs_history: PSFSHistory
    groc_history: list[tuple[date, int]]
    pain_days: list[tuple[date, int]]


def _recent_pains(patient_ids: Sequence[int], until: date | None) -> dict[int, list]:
    """The last PAIN_NOW_DAYS logged days of each patient up to ``until``: one query, each day
    a correlated subquery that seeks the (patient, day) index from the newest day back, so the
    cost is the same whatever the length of the histories."""
    if not patient_ids:
        return {}
    days = DailySummary.objects.filter(patient=OuterRef("pk"))
    if until is not None:
        days = days.filter(day__lte=until)
    newest_first = days.order_by("-day")
    annotations = {}
    for n in range(PAIN_NOW_DAYS):
        annotations[f"day_{n}"] = Subquery(newest_first.values("day")[n : n + 1])
        annotations[f"pain_{n}"] = Subquery(newest_first.values("daily_pain")[n : n + 1])
    names = [name for n in range(PAIN_NOW_DAYS) for name in (f"day_{n}", f"pain_{n}")]
    result: dict[int, list[tuple[date, int]]] = {}
    for pk, *values in (
        Patient.objects.filter(pk__in=patient_ids)
        .annotate(**annotations)
        .order_by()
        .values_list("pk", *names)
    ):
        pairs = [(values[i], values[i + 1]) for i in range(0, len(values), 2)]
        result[pk] = [(day, pain) for day, pain in pairs if day is not None]
    return result


def outcomes_for_patients(
    patient_ids: Sequence[int],
    *,
    params: RuleParams,
    baselines: dict[int, int | None] | None = None,
    until: date | None = None,
    newest_days: Mapping[int, Sequence[tuple[date, int]]] | None = None,
) -> dict[int, OutcomeSummary]:
    """The outcome summary of many patients in four queries (five when the intake pains are not
    given), whatever their number: the caseload's Outcome column and its filter. ``baselines``
    are the intake pains (missing: no intake).

    ``newest_days`` are logged days (day, daily pain) the caller has already read, for any of
    the patients: every one of theirs from some day to the newest. Where they are at least
    PAIN_NOW_DAYS, they hold "pain now" and its days are not read again (three queries when
    every patient has them and the intake pains are given)."""
    if not patient_ids:
        return {}
    if baselines is None:
        baselines = dict(
            Intake.objects.filter(patient_id__in=patient_ids).values_list(
                "patient_id", "baseline_pain"
            )
        )
    known = {
        pk: list(days)
        for pk, days in (newest_days or {}).items()
        if until is None and len(days) >= PAIN_NOW_DAYS
    }
    pains = known | _recent_pains([pk for pk in patient_ids if pk not in known], until)
    psfs = first_and_last_psfs(patient_ids, until)
    groc = groc_answers(patient_ids, until)
    return {
        pk: OutcomeSummary(
            pain=pain_outcome(baselines.get(pk), pains.get(pk, []), params),
            psfs=psfs_change(psfs.get(pk, [])),
            groc=groc_change(groc.get(pk, [])),
        )
        for pk in patient_ids
    }


def patient_outcomes(
    patient: Patient,
    *,
    until: date | None = None,
    params: RuleParams | None = None,
    since: date | None = None,
) -> PatientOutcomes:
    """One patient's outcome measures up to ``until`` (today when None), with their histories
    (``since`` trims the pain history kept for a chart; the measures always compare with the
    intake). Seven queries."""
    params = params or current_rule_set(patient.clinic).rule_params()
    intake = Intake.objects.filter(patient=patient).values("baseline_pain").first()
    baseline = intake["baseline_pain"] if intake else None
    day_rows = DailySummary.objects.filter(patient=patient)
    if until is not None:
        day_rows = day_rows.filter(day__lte=until)
    if since is not None:
        day_rows = day_rows.filter(day__gte=since)
    pain_days = list(day_rows.order_by("day").values_list("day", "daily_pain"))
    recent = _recent_pains([patient.pk], until).get(patient.pk, [])
    history = psfs_history(patient)
    if until is not None:
        history.assessments = [a for a in history.assessments if a.day <= until]
    grocs = groc_history(patient, until)
    return PatientOutcomes(
        pain=pain_outcome(baseline, recent, params),
        psfs=psfs_change([(a.day, a.rating_list) for a in history.assessments]),
        groc=groc_change(grocs),
        psfs_history=history,
        groc_history=grocs,
        pain_days=pain_days,
    )


def weekly_pain(
    pain_days: Sequence[tuple[date, int]], start: date, end: date
) -> list[tuple[date, date, Fraction, int]]:
    """(first day, last day, median daily pain, logged days) of each week from ``start``, for
    weeks with a logged day; the last week may be short."""
    weeks: dict[int, list[int]] = defaultdict(list)
    for day, pain in pain_days:
        if start <= day <= end:
            weeks[(day - start).days // 7].append(pain)
    result = []
    for index in sorted(weeks):
        first = start + timedelta(days=7 * index)
        last = min(first + timedelta(days=6), end)
        result.append((first, last, median(weeks[index]), len(weeks[index])))
    return result


def pain_target(baseline: int | None, params: RuleParams) -> Fraction | None:
    """The highest pain that is a meaningful fall from the intake baseline (the line to get
    under): B - max(2, 0.3 x B); None when no fall is possible."""
    if baseline is None:
        return None
    target = Fraction(baseline) - max(
        Fraction(params.rise_min_points), params.rise_min_fraction * baseline
    )
    return target if target >= 0 else None


def _as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def outcome_chart(
    outcomes: PatientOutcomes,
    *,
    sessions: Sequence[date],
    start: date,
    end: date,
    params: RuleParams,
    id_prefix: str = "outcomes",
):
    """The outcome measures' small trend chart (``outcomes.charts``) with session markers."""
    psfs_first = outcomes.psfs.first
    return charts.outcome_chart(
        pain=[
            charts.Point(first + (last - first) / 2, value)
            for first, last, value, _n in weekly_pain(outcomes.pain_days, start, end)
        ],
        psfs=[charts.Point(a.day, a.score) for a in outcomes.psfs_history.assessments],
        sessions=sessions,
        start=start,
        end=end,
        pain_target=_as_float(pain_target(outcomes.pain.baseline, params)),
        psfs_target=float(min(psfs_first.value + PSFS_MCID, Fraction(10))) if psfs_first else None,
        id_prefix=id_prefix,
    )
