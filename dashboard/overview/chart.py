"""The overview's trend chart: the view model's ``Trend`` as ``symptoms.charts.trend_chart``
draws it, with the clinician's additions (the baseline band, alert markers, each session named
with all its interventions)."""

from __future__ import annotations

from django.utils.safestring import SafeString

from symptoms import charts

from .assembler import PatientOverview, intervention_labels

#: The plot's height in CSS pixels; it is as wide as the page allows (``core.charts``).
HEIGHT = 300


def overview_chart(overview: PatientOverview) -> SafeString:
    trend = overview.trend
    return charts.trend_chart(
        [charts.DayPoint(d.day, d.daily_pain, d.flare_yes) for d in trend.days],
        [
            charts.SessionMark(s.day, label=", ".join(intervention_labels(s.interventions)))
            for s in trend.sessions
        ],
        [charts.Period(f.start, f.end) for f in trend.flares],
        start=overview.start,
        end=overview.today,
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
