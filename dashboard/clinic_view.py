"""The clinic view's read: open alerts by severity and age, and time to acknowledgement per
therapist. Three queries; the arithmetic is ``summaries.clinic``'s."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.access import clinicians_for_user, patients_for_user
from accounts.models import User
from redflags.models import Alert, AlertState

from .summaries import clinic


@dataclass(frozen=True)
class TherapistAck:
    therapist: User | None
    stats: clinic.AckStats


@dataclass(frozen=True)
class ClinicOverview:
    age_rows: list[clinic.AgeRow]
    open_total: int
    ack_rows: list[TherapistAck]
    ack_all: clinic.AckStats
    since: datetime


def clinic_overview(admin: User, now: datetime | None = None) -> ClinicOverview:
    """Open alerts by severity and age, and time to acknowledgement over the last 30 days per
    therapist (an alert counts for every therapist of its patient). Three queries."""
    now = now or timezone.now()
    alerts = Alert.objects.filter(patient__in=patients_for_user(admin))
    open_alerts = list(
        alerts.exclude(state=AlertState.RESOLVED).values_list("severity", "opened_at")
    )
    since = now - timedelta(days=clinic.ACK_WINDOW_DAYS)
    recent = list(
        alerts.filter(opened_at__gte=since).values_list(
            "id", "patient__therapists", "opened_at", "acknowledged_at", "resolved_at"
        )
    )
    waits_by_therapist: dict[int | None, list[timedelta | None]] = defaultdict(list)
    waits_by_alert: dict[int, timedelta | None] = {}
    for alert_id, therapist_id, opened_at, acknowledged_at, resolved_at in recent:
        wait = clinic.acknowledgement_wait(opened_at, acknowledged_at, resolved_at)
        waits_by_therapist[therapist_id].append(wait)
        waits_by_alert[alert_id] = wait
    therapists = list(clinicians_for_user(admin).order_by("full_name", "pk"))
    rows = [TherapistAck(t, clinic.ack_stats(waits_by_therapist.get(t.pk, []))) for t in therapists]
    if waits_by_therapist.get(None):
        rows.append(TherapistAck(None, clinic.ack_stats(waits_by_therapist[None])))
    return ClinicOverview(
        age_rows=clinic.alerts_by_age(open_alerts, now),
        open_total=len(open_alerts),
        ack_rows=rows,
        ack_all=clinic.ack_stats(waits_by_alert.values()),
        since=since,
    )
