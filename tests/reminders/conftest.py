"""Helpers for the reminder tests: fixed local moments, sessions, running the scheduler and
reading the links out of the emails it sends."""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail

from care.services import entry_record
from core.outbox import mail_deliver_due
from reminders.services import reminders_send_due
from symptoms.services import pt_session_create

LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
SYDNEY = zoneinfo.ZoneInfo("Australia/Sydney")

#: A Wednesday in winter (GMT in London), away from clock changes.
DAY = date(2026, 1, 14)

WORKING_MAIL = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
DOWN_MAIL = {"default": {"BACKEND": "tests.redflags.mail_backends.DownEmailBackend"}}
LINK = re.compile(r"https?://\S+/reminders/log/\?t=\S+")
UNSUBSCRIBE = re.compile(r"https?://\S+/reminders/unsubscribe/\S+/")


def at(day: date, clock: str, zone=LONDON) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=zone)


def add_session(patient, day: date, actor=None):
    return pt_session_create(
        patient,
        {"date": day, "kind": "treatment", "interventions": ["nerve_mobilisation"]},
        actor=actor,
    )


def log(patient, moment: datetime, context: str = "daily", **fields):
    data = {"recorded_at": moment, "context": context, "pain_now": 2, "pain_worst": 2, **fields}
    return entry_record(patient, data, actor=patient.user).entry


def run_at(time_machine, moment: datetime) -> dict[str, int]:
    """Run the scheduler at `moment`, then deliver what is due in the mail outbox, as the task
    worker would once the scheduler's transactions commit (test transactions never do)."""
    time_machine.move_to(moment, tick=False)
    counts = reminders_send_due()
    mail_deliver_due()
    return counts


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def quick_log_path(message) -> str:
    """The quick-log link of a reminder email, as a path for the test client."""
    return path_of(LINK.search(message.body).group(0))


def unsubscribe_path(message) -> str:
    return path_of(UNSUBSCRIBE.search(message.body).group(0))


def entry_answers(**answers) -> dict[str, str]:
    data = {
        "context": "daily",
        "pain_now": "3",
        "pain_worst": "",
        "rest_relief": "not_tried",
        "weakness": "none",
        "is_flare": "no",
        "idempotency_key": "6f0e3c1a-0000-4000-8000-000000000001",
    }
    data.update(answers)
    return data


@pytest.fixture(autouse=True)
def _working_mail(settings):
    settings.MAILERS = WORKING_MAIL
    mail.outbox = []


@pytest.fixture
def session_day_reminder(patient, therapist, time_machine):
    """The patient had a session on DAY; the after-session reminder went out at 18:00."""
    time_machine.move_to(at(DAY, "09:00"), tick=False)
    session = add_session(patient, DAY, therapist)
    run_at(time_machine, at(DAY, "18:02"))
    assert len(mail.outbox) == 1
    return session, mail.outbox[0]


@pytest.fixture
def link(session_day_reminder) -> str:
    return quick_log_path(session_day_reminder[1])


def later(moment: datetime, **delta) -> datetime:
    return moment + timedelta(**delta)
