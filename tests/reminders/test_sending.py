"""The scheduler with the database: the right email at the right local time, skipped when already
logged, across clock changes, from the command and the task. The emails go through the mail
outbox; `run_at` delivers what it queued, as the task worker would. (Exactly once:
test_sending_once.py.)"""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from exercises.services import plan_version_save
from reminders.choices import DispatchState, SkipReason
from reminders.models import QuickLogToken, ReminderDispatch, ReminderPreference
from tests.factories import ExerciseFactory, ExerciseLogFactory
from tests.reminders.conftest import (
    DAY,
    LINK,
    NEW_YORK,
    SYDNEY,
    add_session,
    at,
    later,
    log,
    run_at,
)

pytestmark = pytest.mark.django_db
NEXT_DAY = DAY + timedelta(days=1)


def _rows(patient):
    return list(
        ReminderDispatch.objects.filter(patient=patient)
        .order_by("due_at")
        .values_list("kind", "local_date", "state", "error")
    )


# --- The right email at the right time ------------------------------------------------------------


def test_after_session_email_goes_out_at_18_local_with_a_link_and_an_unsubscribe(
    patient, therapist, time_machine
):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    session = add_session(patient, DAY, therapist)
    assert run_at(time_machine, at(DAY, "17:59")) == {}
    assert mail.outbox == []

    assert run_at(time_machine, at(DAY, "18:00")) == {"sent": 1}
    [message] = mail.outbox
    assert message.to == ["pat@example.test"]
    assert message.subject == "How do you feel after your session today?"
    assert LINK.search(message.body)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and "/reminders/log/?t=" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://") and "/reminders/unsubscribe/" in unsubscribe
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    dispatch = ReminderDispatch.objects.get(patient=patient)
    assert (dispatch.kind, dispatch.local_date, dispatch.session, dispatch.state) == (
        "after_session",
        DAY,
        session,
        DispatchState.SENT,
    )
    token = QuickLogToken.objects.get(dispatch=dispatch)
    assert (token.patient, token.context, token.session) == (patient, "after_session", session)
    assert token.expires_at == at(DAY, "18:00") + timedelta(hours=24)


def test_the_email_says_nothing_clinical(patient, therapist, time_machine):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    log(
        patient,
        at(DAY, "10:00"),
        "before_session",
        pain_now=7,
        pain_worst=8,
        notes="Sharp on the stairs",
    )
    run_at(time_machine, at(DAY, "18:05"))
    [message] = mail.outbox
    text = message.body + message.alternatives[0][0]
    for private in ("Sharp on the stairs", "Tess", "Treatment", "nerve", "pain 7", "Patient"):
        assert private not in text
    assert "Hi Pat," in text


def test_next_morning_email_goes_out_at_8_local_the_day_after(patient, therapist, time_machine):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    run_at(time_machine, at(DAY, "18:00"))
    run_at(time_machine, at(NEXT_DAY, "07:59"))
    assert len(mail.outbox) == 1
    run_at(time_machine, at(NEXT_DAY, "08:00"))
    assert [m.subject for m in mail.outbox] == [
        "How do you feel after your session today?",
        "How do you feel this morning?",
    ]
    assert _rows(patient) == [
        ("after_session", DAY, "sent", ""),
        ("next_morning", NEXT_DAY, "sent", ""),
    ]


@pytest.mark.parametrize(
    ("zone", "utc_before", "utc_due"),
    [
        (NEW_YORK, "22:59", "23:00"),  # 18:00 EST
        (SYDNEY, "06:59", "07:00"),  # 18:00 AEDT
    ],
)
def test_each_patient_is_reminded_in_their_own_time_zone(
    patient, therapist, time_machine, zone, utc_before, utc_due
):
    from datetime import UTC

    patient.time_zone = zone.key
    patient.save()
    time_machine.move_to(at(DAY, "00:00", UTC) - timedelta(hours=12), tick=False)
    add_session(patient, DAY, therapist)
    run_at(time_machine, at(DAY, utc_before, UTC))
    assert mail.outbox == []
    run_at(time_machine, at(DAY, utc_due, UTC))
    assert len(mail.outbox) == 1


def test_times_and_kinds_follow_the_patients_preferences(patient, therapist, time_machine):
    ReminderPreference.objects.create(
        patient=patient,
        after_session_enabled=False,
        daily_enabled=True,
        daily_time=at(DAY, "19:30").time(),
    )
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    run_at(time_machine, at(DAY, "19:00"))
    assert mail.outbox == []
    run_at(time_machine, at(DAY, "19:30"))
    assert [m.subject for m in mail.outbox] == ["Your daily check-in"]


def test_patients_who_left_or_have_no_login_get_nothing(
    patient, other_patient, therapist, time_machine
):
    patient.closed_at = at(DAY, "08:00")
    patient.save()
    other_patient.user.is_active = False
    other_patient.user.save()
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    add_session(other_patient, DAY, therapist)
    run_at(time_machine, at(DAY, "18:05"))
    assert mail.outbox == []


# --- Skipped when already logged ------------------------------------------------------------------


def test_after_session_is_skipped_when_an_after_session_entry_exists(
    patient, therapist, time_machine
):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    log(patient, at(DAY, "16:00"), "after_session")
    assert run_at(time_machine, at(DAY, "18:05")) == {"skipped": 1}
    assert mail.outbox == []
    assert _rows(patient) == [("after_session", DAY, "skipped", SkipReason.ALREADY_LOGGED)]


def test_a_daily_entry_does_not_count_as_the_after_session_check_in(
    patient, therapist, time_machine
):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    log(patient, at(DAY, "12:00"), "daily")
    assert run_at(time_machine, at(DAY, "18:05")) == {"sent": 1}


def test_next_morning_is_skipped_when_a_next_morning_entry_exists(patient, therapist, time_machine):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    run_at(time_machine, at(DAY, "18:05"))
    log(patient, at(NEXT_DAY, "07:00"), "next_morning")
    run_at(time_machine, at(NEXT_DAY, "08:05"))
    assert len(mail.outbox) == 1
    assert _rows(patient)[-1] == ("next_morning", NEXT_DAY, "skipped", "already_logged")


def test_daily_is_skipped_when_anything_was_logged_that_day(patient, time_machine):
    ReminderPreference.objects.create(patient=patient, daily_enabled=True)
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    log(patient, at(DAY, "09:00"), "flare")
    run_at(time_machine, at(DAY, "19:05"))
    run_at(time_machine, at(NEXT_DAY, "19:05"))
    assert [m.subject for m in mail.outbox] == ["Your daily check-in"]
    assert _rows(patient) == [
        # The first run ever finds yesterday's long past: stale, recorded, not sent.
        ("daily", DAY - timedelta(days=1), "skipped", "stale"),
        ("daily", DAY, "skipped", "already_logged"),
        ("daily", NEXT_DAY, "sent", ""),
    ]


def test_exercise_reminder_only_while_doses_are_left(patient, therapist, time_machine):
    ReminderPreference.objects.create(patient=patient, exercise_enabled=True)
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    run_at(time_machine, at(DAY - timedelta(days=1), "17:05"))
    glide = ExerciseFactory(name="Sciatic glide")
    plan_version_save(
        patient,
        [
            {
                "exercise": glide,
                "sets": 2,
                "reps": 10,
                "hold_seconds": 0,
                "times_per_day": 1,
                "days_per_week": 7,
                "instructions": "",
            }
        ],
        DAY,
        None,
        "",
        therapist,
    )
    run_at(time_machine, at(DAY, "17:05"))
    ExerciseLogFactory(patient=patient, exercise=glide, day=NEXT_DAY)
    run_at(time_machine, at(NEXT_DAY, "17:05"))
    assert [m.subject for m in mail.outbox] == ["Time for your home exercises"]
    assert "/exercises/" in mail.outbox[0].body
    assert not QuickLogToken.objects.exists()
    assert _rows(patient) == [
        ("exercise", DAY - timedelta(days=2), "skipped", "stale"),
        ("exercise", DAY - timedelta(days=1), "skipped", "nothing_prescribed"),
        ("exercise", DAY, "sent", ""),
        ("exercise", NEXT_DAY, "skipped", "already_logged"),
    ]


def test_a_scheduler_that_was_down_does_not_send_an_evening_check_in_the_next_morning(
    patient, therapist, time_machine
):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    # First run 6 hours after 18:00: stale, recorded as skipped.
    assert run_at(time_machine, at(NEXT_DAY, "00:00")) == {"skipped": 1}
    assert mail.outbox == []
    assert _rows(patient) == [("after_session", DAY, "skipped", "stale")]


# --- Daylight saving, end to end ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone_key", "session_day"),
    [
        ("Europe/London", date(2026, 3, 28)),  # the clocks go forward that night
        ("Europe/London", date(2026, 10, 24)),  # and back
        ("America/New_York", date(2026, 3, 7)),
        ("Australia/Sydney", date(2026, 4, 4)),
    ],
)
def test_across_a_clock_change_each_reminder_is_sent_once_at_its_local_time(
    patient, therapist, time_machine, zone_key, session_day
):
    import zoneinfo

    zone = zoneinfo.ZoneInfo(zone_key)
    patient.time_zone = zone_key
    patient.save()
    time_machine.move_to(at(session_day, "09:00", zone), tick=False)
    add_session(patient, session_day, therapist)
    # cron every 10 minutes, from the session morning to the evening after the change
    moment = at(session_day, "09:00", zone).astimezone(zoneinfo.ZoneInfo("UTC"))
    end = moment + timedelta(hours=36)
    while moment <= end:
        run_at(time_machine, moment)
        moment += timedelta(minutes=10)
    sent = {
        d.kind: d.sent_at.astimezone(zone)
        for d in ReminderDispatch.objects.filter(patient=patient, state="sent")
    }
    assert len(mail.outbox) == 2
    assert sent["after_session"].date() == session_day
    assert sent["after_session"].time().replace(second=0) == at(session_day, "18:00").time()
    assert sent["next_morning"].date() == session_day + timedelta(days=1)
    assert sent["next_morning"].time().replace(second=0) == at(session_day, "08:00").time()


# --- The command and the task ---------------------------------------------------------------------


def test_the_command_sends_and_says_what_it_did(
    patient, therapist, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    time_machine.move_to(at(DAY, "18:03"), tick=False)
    out = StringIO()
    # Its transactions commit, and the worker delivers the email (immediate tasks here).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_reminders", stdout=out)
    assert "1 sent" in out.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_reminders", stdout=out)
    assert "none due" in out.getvalue()
    assert len(mail.outbox) == 1


def test_the_dry_run_lists_what_comes_and_sends_nothing(patient, therapist, time_machine):
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    out = StringIO()
    call_command("send_due_reminders", "--dry-run", stdout=out)
    assert f"Wed 14 Jan 18:00 Europe/London        patient {patient.pk}" in out.getvalue()
    assert "after_session" in out.getvalue()
    assert mail.outbox == [] and not ReminderDispatch.objects.exists()


def test_the_task_sends_in_the_worker(
    patient, therapist, time_machine, django_capture_on_commit_callbacks
):
    from reminders.tasks import send_due_reminders_task

    # Immediate tasks (tests/conftest.py): the worker runs the task, then the mail delivery.
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    add_session(patient, DAY, therapist)
    time_machine.move_to(at(DAY, "18:03"), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        result = send_due_reminders_task.enqueue()
    assert result.return_value == {"sent": 1}
    assert len(mail.outbox) == 1


def test_the_enqueue_option_queues_the_task(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    out = StringIO()
    call_command("send_due_reminders", "--enqueue", stdout=out)
    assert out.getvalue().startswith("Queued send_due_reminders_task")
    assert mail.outbox == []


def test_the_demo_patient_gets_both_emails_at_the_right_local_times(time_machine):
    """Issue 8, "done when": Frank (demo) has a session booked tomorrow."""
    from accounts.models import Patient

    time_machine.move_to(at(DAY, "10:00"), tick=False)
    call_command("seed_demo", stdout=StringIO())
    frank = Patient.objects.get(user__email="frank.demo@example.com")
    session_day = frank.sessions.order_by("-date").first().date
    assert session_day == DAY + timedelta(days=1)
    assert ReminderPreference.objects.filter(patient__clinic=frank.clinic).count() == 12

    def frank_mail():
        return [m.subject for m in mail.outbox if m.to == [frank.user.email]]

    run_at(time_machine, at(session_day, "17:55"))
    assert frank_mail() == []
    run_at(time_machine, at(session_day, "18:00"))
    assert frank_mail() == ["How do you feel after your session today?"]
    run_at(time_machine, at(session_day + timedelta(days=1), "08:00"))
    run_at(time_machine, later(at(session_day + timedelta(days=1), "08:00"), minutes=5))
    assert frank_mail() == [
        "How do you feel after your session today?",
        "How do you feel this morning?",
    ]
