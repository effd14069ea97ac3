"""The overview's trend chart: the view model's ``Trend`` as ``symptoms.charts.trend_chart``
draws it, with the clinician's additions (the baseline band, alert markers, short intervention
labels above sessions)."""

from __future__ import annotations

from django.utils.safestring import SafeString

from symptoms import charts
from symptoms.choices import Intervention

from .assembler import PatientOverview, intervention_labels

#: The few letters drawn above a session marker for each intervention (the figure's caption
#: spells them out).
INTERVENTION_SHORT = {
    Intervention.MANUAL_THERAPY: "MT",
    Intervention.NERVE_MOBILISATION: "NM",
    Intervention.EXERCISE_PROGRESSION: "EP",
    Intervention.EDUCATION: "ED",
    Intervention.MODALITIES: "MO",
    Intervention.DRY_NEEDLING: "DN",
    Intervention.OTHER: "OT",
}
WIDTH = 760
HEIGHT = 300


def overview_chart(overview: PatientOverview) -> SafeString:
    trend = overview.trend
    return charts.trend_chart(
        [charts.DayPoint(d.day, d.daily_pain, d.flare_yes) for d in trend.days],
        [
            charts.SessionMark(
                s.day,
                label=", ".join(intervention_labels(s.interventions)),
                short=" ".join(INTERVENTION_SHORT[i] for i in sorted(s.interventions)),
            )
            for s in trend.sessions
        ],
        [charts.Period(f.start, f.end) for f in trend.flares],
        start=overview.start,
        end=overview.today,
        width=WIDTH,
        height=HEIGHT,
        id_prefix="overview-trend",
        baseline=[
            charts.BaselineDay(band.day, float(band.baseline), float(band.rise))
            for band in trend.baseline
        ],
        alerts=[
            charts.AlertMark(
                fact.opened_day,
                f"{fact.rule} {fact.severity_label}: {fact.reason}",
                serious=fact.serious,
            )
            for fact in trend.alerts
        ],
        clinician=True,
    )
