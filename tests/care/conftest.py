"""The care pages run symptom, exercise and reminder records, so their tests reuse those apps'
helpers, clocks and fixtures (imported here so that pytest finds them for tests/care)."""

import pytest
import time_machine
from django.core import mail

from tests.exercises.conftest import NOW as EXERCISES_NOW
from tests.exercises.conftest import bridge, glide, plan_version  # noqa: F401
from tests.redflags.conftest import DUMMY_TASKS
from tests.reminders.conftest import WORKING_MAIL, link, session_day_reminder  # noqa: F401
from tests.symptoms.conftest import frozen_now  # noqa: F401


@pytest.fixture
def exercises_clock():
    """The exercise tests' Thursday noon (tests/exercises/conftest.py)."""
    with time_machine.travel(EXERCISES_NOW, tick=False):
        yield


@pytest.fixture
def working_mail(settings):
    """Email that is delivered (to the test outbox), as in tests/reminders."""
    settings.MAILERS = WORKING_MAIL
    mail.outbox = []


@pytest.fixture
def no_task_queue(settings):
    """Tasks go nowhere, as in tests/redflags (the replay raises alerts that would queue emails)."""
    settings.TASKS = DUMMY_TASKS
