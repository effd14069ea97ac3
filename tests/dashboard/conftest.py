"""Helpers for the dashboard's database tests.

Records are written directly (factories plus ``daily_summary_refresh``, as the save path keeps
it) so that each figure is checked against a hand-computed expectation, not against whatever
the red-flag engine made of the data. "Today" is frozen at noon on day 20 (Europe/London,
before the spring clock change).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from redflags.models import Alert, AlertState, FlareEpisode, TriageAction
from redflags.rule_sets import current_rule_set
from symptoms.services import daily_summary_refresh
from tests.factories import PTSessionFactory, SymptomEntryFactory

D0 = date(2026, 3, 2)
TODAY = 20


def day(number: int) -> date:
    return D0 + timedelta(days=number)


def moment(patient, number: int, clock: str = "12:00") -> datetime:
    return datetime.combine(day(number), time.fromisoformat(clock), tzinfo=patient.zone)


def noon(number: int) -> datetime:
    return datetime.combine(day(number), time(12, 0), tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(noon(TODAY), tick=False):
        yield


def log(
    patient,
    number: int,
    clock: str = "12:00",
    *,
    context: str = "daily",
    pain_now: int = 2,
    pain_worst: int | None = None,
    session=None,
    **fields,
):
    """An entry on day ``number`` with the day's summary refreshed."""
    entry = SymptomEntryFactory(
        patient=patient,
        recorded_at=moment(patient, number, clock),
        context=context,
        session=session,
        pain_now=pain_now,
        pain_worst=pain_now if pain_worst is None else pain_worst,
        **fields,
    )
    daily_summary_refresh(patient, entry.day)
    return entry


def session(patient, number: int, interventions=("nerve_mobilisation",), **fields):
    return PTSessionFactory(
        patient=patient, date=day(number), interventions=list(interventions), **fields
    )


def flare(patient, start: int, end: int | None, *, self_reported: bool = False, peak: int = 7):
    return FlareEpisode.objects.create(
        patient=patient,
        start=day(start),
        end=None if end is None else day(end),
        baseline_at_start=Decimal(3),
        peak=peak,
        self_reported=self_reported,
    )


def alert(
    patient,
    rule: str = "R7",
    severity: str = "urgent",
    *,
    opened: datetime | None = None,
    state: str = AlertState.OPEN,
    acknowledged: datetime | None = None,
    resolved: datetime | None = None,
    actor=None,
    reason: str = "Test finding.",
):
    opened = opened or moment(patient, TODAY, "09:00")
    row = Alert.objects.create(
        patient=patient,
        rule=rule,
        severity=severity,
        initial_severity=severity,
        state=state,
        rule_set_version=current_rule_set(patient.clinic),
        opened_at=opened,
        opened_day=patient.local_day(opened),
        reason=reason,
        acknowledged_at=acknowledged,
        resolved_at=resolved,
    )
    if acknowledged:
        TriageAction.objects.create(
            alert=row, kind="acknowledge", actor=actor, created_at=acknowledged
        )
    if resolved:
        TriageAction.objects.create(
            alert=row, kind="resolve", actor=actor, note="Settled by phone.", created_at=resolved
        )
    return row


def build_history(patient, therapist):
    """The fixture of tests/dashboard/test_summaries.py, in the database (see there for the
    hand-worked figures), plus a screening answer and a couple of regions and descriptors.

    Sessions: S1 day 0 (nerve mobilisation), S2 day 7 (manual therapy), S3 day 14 (nerve
    mobilisation, education). Flare-ups: day 1-4 (self-reported), 10-13, 16-open."""
    patient.intake.baseline_pain = 3
    patient.intake.save()
    s1 = session(patient, 0, ["nerve_mobilisation"])
    s2 = session(patient, 7, ["manual_therapy"])
    s3 = session(patient, 14, ["nerve_mobilisation", "education"])
    log(patient, 0, "09:00", context="before_session", pain_now=4, session=s1)
    log(patient, 0, "10:00", context="before_session", pain_now=5, session=s1)
    log(patient, 0, "13:00", context="after_session", pain_now=4, pain_worst=6, session=s1)
    log(patient, 0, "15:00", context="after_session", pain_now=5, pain_worst=7, session=s1)
    log(
        patient,
        1,
        "08:00",
        context="next_morning",
        pain_now=8,
        session=s1,
        is_flare="yes",
        triggers=["sitting"],
    )
    log(
        patient,
        2,
        pain_now=4,
        triggers=["sitting", "lifting"],
        descriptors=["burning"],
        regions=["left_thigh", "left_foot"],
    )
    log(patient, 3, pain_now=4)
    log(patient, 4, pain_now=3)
    log(patient, 6, pain_now=3, is_flare="yes", triggers=["gardening"], fever_or_unwell=True)
    log(patient, 8, "08:00", context="next_morning", pain_now=5, session=s2)
    log(patient, 10, pain_now=6, triggers=["driving"])
    log(patient, 11, pain_now=6, triggers=["sitting"])
    log(patient, 14, "09:00", context="before_session", pain_now=3, session=s3)
    log(patient, 17, pain_now=5, is_flare="yes", triggers=["lifting"])
    flare(patient, 1, 4, self_reported=True)
    flare(patient, 10, 13)
    flare(patient, 16, None)
    ack = moment(patient, 1, "11:00")
    alert(
        patient,
        "R9",
        "review",
        opened=moment(patient, 1, "09:00"),
        state=AlertState.RESOLVED,
        acknowledged=ack,
        resolved=ack + timedelta(hours=1),
        actor=therapist,
    )
    alert(patient, "R11", "urgent", opened=moment(patient, 17, "12:00"))
    return {"sessions": (s1, s2, s3)}
