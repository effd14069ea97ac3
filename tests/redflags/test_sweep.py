"""The daily sweep: R13, R14 and the R11 escalation at the end of each local day, idempotent."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from exercises.services import plan_version_save
from redflags import sweep as sweeps
from redflags.models import (
    Alert,
    AlertEvidence,
    FlareEpisode,
    Notification,
    SweepRun,
    TriageAction,
)
from tests.factories import ExerciseFactory, PatientFactory
from tests.redflags.conftest import add_session, day, log_entry, log_exercise, moment

pytestmark = pytest.mark.django_db


def sweep(clinic, first: int, last: int | None = None, **kwargs):
    for number in range(first, (first if last is None else last) + 1):
        sweeps.daily_sweep(clinic, day(number), **kwargs)


def snapshot():
    return (
        list(Alert.objects.order_by("pk").values_list("pk", "rule", "severity", "state")),
        list(AlertEvidence.objects.order_by("pk").values_list("pk", "alert_id", "day")),
        list(TriageAction.objects.order_by("pk").values_list("pk", "kind")),
        list(Notification.objects.order_by("pk").values_list("pk", "message__state")),
        list(FlareEpisode.objects.order_by("pk").values_list("pk", "end", "escalated_on")),
    )


# --- R13 -----------------------------------------------------------------------------------------


def test_no_entry_by_the_end_of_the_second_day_after_a_session_is_r13(patient, therapist):
    session = add_session(patient, 0, therapist)
    sweep(patient.clinic, 0, 1)
    assert not Alert.objects.exists()

    sweep(patient.clinic, 2)

    alert = Alert.objects.get(patient=patient)
    assert (alert.rule, alert.severity, alert.opened_day) == ("R13", "low", day(2))
    assert list(alert.evidence.values_list("session_id", "day")) == [(session.pk, day(2))]
    assert "not heard from you" in alert.patient_message


@pytest.mark.parametrize("entry_day", [0, 1, 2])
def test_any_entry_on_the_session_day_or_the_two_days_after_counts(patient, therapist, entry_day):
    add_session(patient, 0, therapist)
    log_entry(patient, entry_day)

    sweep(patient.clinic, 0, 3)

    assert not Alert.objects.filter(rule="R13").exists()


@pytest.mark.parametrize(("logs", "fires"), [(3, True), (4, False)])
def test_r13_fewer_than_half_the_prescribed_doses_over_seven_days(patient, therapist, logs, fires):
    exercise = ExerciseFactory()
    plan_version_save(
        patient,
        [{"exercise": exercise, "times_per_day": 1, "days_per_week": 7}],
        day(0),
        None,
        "",
        therapist,
        now=moment(patient, 0, "00:00"),
    )
    log_entry(patient, 0)  # no session: only the plan part can fire
    for number in range(logs):
        log_exercise(patient, exercise, number, pain_during=1)

    sweep(patient.clinic, 0, 5)
    assert not Alert.objects.exists()  # checked from the end of day start+6 on
    sweep(patient.clinic, 6)

    assert Alert.objects.filter(rule="R13").exists() is fires


# --- R14 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("late_pain", "fires"), [(5, True), (4, False)])
def test_r14_four_weeks_on_without_a_meaningful_fall(patient, late_pain, fires):
    for number in range(0, 7):
        log_entry(patient, number, pain_now=6)
    for number in range(22, 29):
        log_entry(patient, number, pain_now=late_pain)

    sweep(patient.clinic, 27)
    assert not Alert.objects.filter(rule="R14").exists()  # day 27 is not 28 days on
    sweep(patient.clinic, 28)

    assert Alert.objects.filter(rule="R14").exists() is fires


# --- R11 escalation ------------------------------------------------------------------------------


def _open_flare(patient, days: int) -> None:
    for number in range(days):
        log_entry(patient, number, pain_now=6, is_flare="yes")


def test_an_open_flare_is_escalated_at_the_end_of_day_start_plus_7_not_6(patient):
    _open_flare(patient, 7)
    alert = Alert.objects.get(rule="R11")
    assert alert.severity == "review"

    sweep(patient.clinic, 0, 6)
    alert.refresh_from_db()
    assert alert.severity == "review"
    assert not Notification.objects.exists()

    sweep(patient.clinic, 7)

    alert.refresh_from_db()
    assert (alert.severity, alert.initial_severity, alert.opened_day) == (
        "urgent",
        "review",
        day(0),
    )
    action = TriageAction.objects.get(alert=alert)
    assert (action.kind, action.actor) == ("auto_escalate", None)
    notification = Notification.objects.get(alert=alert)
    assert notification.recipient == patient.therapists.get()
    assert notification.message.subject == "PT Tracker: an urgent alert needs your review"
    assert "contact you today" in alert.patient_message
    assert FlareEpisode.objects.get().escalated_on == day(7)

    sweep(patient.clinic, 8, 10)
    assert TriageAction.objects.count() == 1
    assert Notification.objects.count() == 1


def test_a_flare_that_ended_before_the_seventh_day_is_not_escalated(patient):
    _open_flare(patient, 3)
    log_entry(patient, 5, pain_now=2)
    assert FlareEpisode.objects.get().end == day(5)

    sweep(patient.clinic, 0, 10)

    assert Alert.objects.get(rule="R11").severity == "review"


def test_a_late_sweep_still_sees_a_flare_that_was_open_at_the_end_of_its_day(patient):
    _open_flare(patient, 8)
    log_entry(patient, 8, pain_now=2)  # ends on day 8, before the sweep of day 7 runs

    sweep(patient.clinic, 7)

    assert Alert.objects.get(rule="R11").severity == "urgent"


def test_escalating_a_flare_whose_alert_was_resolved_opens_a_new_urgent_alert(patient):
    _open_flare(patient, 3)
    first = Alert.objects.get(rule="R11")
    first.state = Alert.State.RESOLVED
    first.save(update_fields=["state"])

    sweep(patient.clinic, 7)

    second = Alert.objects.get(rule="R11", state="open")
    assert (second.severity, second.opened_day) == ("urgent", day(7))
    assert second.evidence.count() == 3
    assert FlareEpisode.objects.get().alert == second
    assert Notification.objects.filter(alert=second).count() == 1


# --- Idempotence ---------------------------------------------------------------------------------


def test_running_the_sweep_twice_for_a_day_changes_nothing(patient, therapist):
    add_session(patient, 5, therapist)
    _open_flare(patient, 5)  # nothing logged from day 5 on: the flare stays open
    sweep(patient.clinic, 0, 6)
    # End of day 7: R13 for the session of day 5 and the R11 escalation, both at once.
    sweep(patient.clinic, 7)
    before = snapshot()
    assert {a[1] for a in before[0]} == {"R11", "R13"}

    sweep(patient.clinic, 7)
    assert snapshot() == before
    sweep(patient.clinic, 7, force=True)
    assert snapshot() == before
    assert SweepRun.objects.get(clinic=patient.clinic, day=day(7)).finished_at is not None


def test_a_failing_patient_does_not_stop_the_others_and_leaves_the_day_unfinished(
    patient, other_patient, therapist
):
    add_session(other_patient, 0, therapist)
    real = sweeps.patient_day_end

    def fail_for_first(p, *args, **kwargs):
        if p.pk == patient.pk:
            raise RuntimeError("corrupt row")
        return real(p, *args, **kwargs)

    with mock.patch.object(sweeps, "patient_day_end", side_effect=fail_for_first):
        result = sweeps.daily_sweep(patient.clinic, day(2))

    assert result.failures == [patient.pk]
    assert Alert.objects.filter(patient=other_patient, rule="R13").exists()
    assert SweepRun.objects.get(day=day(2)).finished_at is None

    again = sweeps.daily_sweep(patient.clinic, day(2))
    assert not again.skipped and again.failures == []
    assert Alert.objects.filter(patient=other_patient, rule="R13").count() == 1


# --- Which day, per clinic zone ------------------------------------------------------------------


def _utc(number: int, hour: int) -> datetime:
    return datetime.combine(day(number), datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour)


def test_each_clinic_is_swept_for_its_own_local_day_that_has_ended(clinic, other_clinic):
    # 03:00 UTC: London's day 0 has ended; New York (UTC-5) is still on day 0.
    sweeps.daily_sweep_all(now=_utc(1, 3))

    assert list(SweepRun.objects.filter(clinic=clinic).values_list("day", flat=True)) == [day(0)]
    assert list(SweepRun.objects.filter(clinic=other_clinic).values_list("day", flat=True)) == [
        day(-1)
    ]


def test_a_patient_in_a_later_zone_holds_the_clinic_sweep_until_their_day_ends(clinic):
    PatientFactory(clinic=clinic, time_zone="America/Los_Angeles")

    assert sweeps.sweep_day_for(clinic, _utc(1, 3)) == day(-1)
    assert sweeps.sweep_day_for(clinic, _utc(1, 9)) == day(0)


def test_sweep_all_catches_up_missed_days_and_then_does_nothing(clinic):
    sweeps.daily_sweep_all(now=_utc(1, 1))
    results = sweeps.daily_sweep_all(now=_utc(4, 1))

    assert [r.day for r in results] == [day(1), day(2), day(3)]
    assert sweeps.daily_sweep_all(now=_utc(4, 2)) == []


def test_the_command_sweeps_one_clinic_for_one_day(clinic, other_clinic, capsys):
    call_command("run_daily_sweep", "--day", day(3).isoformat(), "--clinic", str(clinic.pk))

    assert list(SweepRun.objects.values_list("clinic_id", "day")) == [(clinic.pk, day(3))]
    assert f"clinic {clinic.pk} {day(3).isoformat()}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--day", "2026-02-31"], "is not a date"),
        (["--clinic", "999999"], "no clinic with id 999999"),
        (["--enqueue", "--force"], "takes no other option"),
    ],
)
def test_the_command_explains_bad_options(clinic, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("run_daily_sweep", *args)


def test_a_closed_patient_is_not_swept(patient, therapist):
    add_session(patient, 0, therapist)
    patient.closed_at = moment(patient, 1, "09:00")
    patient.save(update_fields=["closed_at"])

    result = sweeps.daily_sweep(patient.clinic, day(2))

    assert result.patients == 0
    assert not Alert.objects.exists()


def test_the_sweep_task_runs_in_the_worker(clinic, settings):
    from tests.redflags.conftest import IMMEDIATE_TASKS

    settings.TASKS = IMMEDIATE_TASKS

    call_command("run_daily_sweep", "--enqueue")

    assert SweepRun.objects.filter(clinic=clinic, finished_at__isnull=False).exists()
