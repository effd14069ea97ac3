"""Persona fixtures shared by every test (compare healthchecks' alice/bob/charlie)."""

import shutil

import psycopg
import pytest
from django.db import connection
from django.test import Client

from tests.auth_helpers import login_verified
from tests.factories import (
    TEST_PASSWORD,
    ClinicAdminFactory,
    ClinicFactory,
    PatientFactory,
    TherapistFactory,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests only need a hasher that works.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # The outbox hands each email to a task when its transaction commits; here that task runs
    # at once, as a worker would, instead of waiting in the database queue. (Test transactions
    # never commit: use django_capture_on_commit_callbacks(execute=True), or deliver what is
    # due with core.outbox.mail_deliver_due.)
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.fixture
def other_session(db):
    """A second session on the test database, as another process (another node's worker or
    cron job) would have: for what PostgreSQL decides between processes (row locks, advisory
    locks). Skips on SQLite. Autocommit: BEGIN it to hold row locks."""
    if connection.vendor != "postgresql":
        pytest.skip("Decided by PostgreSQL between processes: run with DATABASE_URL=postgres://...")
    params = connection.settings_dict
    session = psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
    )
    yield session
    session.close()


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="Riverside Physio", time_zone="Europe/London", emergency_number="999")


@pytest.fixture
def other_clinic(db):
    return ClinicFactory(
        name="Hilltop Physio", time_zone="America/New_York", emergency_number="911"
    )


@pytest.fixture
def therapist(clinic):
    return TherapistFactory(clinic=clinic, full_name="Tess Therapist", email="tess@example.test")


@pytest.fixture
def other_therapist(clinic):
    return TherapistFactory(clinic=clinic, full_name="Owen Other", email="owen@example.test")


@pytest.fixture
def clinic_admin(clinic):
    return ClinicAdminFactory(clinic=clinic, full_name="Ada Admin", email="ada@example.test")


@pytest.fixture
def other_clinic_admin(other_clinic):
    return ClinicAdminFactory(
        clinic=other_clinic, full_name="Otto Admin", email="otto@example.test"
    )


@pytest.fixture
def patient(clinic, therapist):
    return PatientFactory(
        clinic=clinic,
        user__full_name="Pat Patient",
        user__email="pat@example.test",
        therapists=[therapist],
    )


@pytest.fixture
def other_patient(clinic, other_therapist):
    return PatientFactory(
        clinic=clinic,
        user__full_name="Olive Other",
        user__email="olive@example.test",
        therapists=[other_therapist],
    )


def _client_for(user) -> Client:
    # Clinicians must pass two-step verification; their clients start verified.
    return login_verified(Client(), user)


@pytest.fixture
def patient_client(patient):
    return _client_for(patient.user)


@pytest.fixture
def other_patient_client(other_patient):
    return _client_for(other_patient.user)


@pytest.fixture
def therapist_client(therapist):
    return _client_for(therapist)


@pytest.fixture
def other_therapist_client(other_therapist):
    return _client_for(other_therapist)


@pytest.fixture
def clinic_admin_client(clinic_admin):
    return _client_for(clinic_admin)


@pytest.fixture
def other_clinic_admin_client(other_clinic_admin):
    return _client_for(other_clinic_admin)


@pytest.fixture
def password():
    return TEST_PASSWORD


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_runtest_logreport(report):
    """Collect the bad-input corpus's outcomes (tests/security), from xdist workers too."""
    from tests.security.corpus_figures import FIGURES, FIGURES_PROPERTY

    if report.when == "call":
        for name, value in report.user_properties:
            if name == FIGURES_PROPERTY:
                FIGURES.record(report.nodeid, value)


def pytest_terminal_summary(terminalreporter):
    from tests.security.corpus_figures import FIGURES

    if FIGURES.cases:
        terminalreporter.write_sep("-", FIGURES.summary())
