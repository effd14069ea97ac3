"""Logs: a request id on every line and on the response, JSON lines in production, and no
health data in any line, checked over a full journey with everything captured."""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from smtplib import SMTPRecipientsRefused

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse

from core.delivery import mail_deliver_due
from core.outbox import mail_queue
from devtools.demo.stories import STORIES
from ops.logs import JsonFormatter, RequestIdFilter, TextFormatter, request_id
from redflags.models import Alert
from redflags.sweep import daily_sweep_all
from tests.auth_helpers import login_verified
from tests.factories import TEST_PASSWORD, PatientFactory

pytestmark = pytest.mark.django_db

DEMO = STORIES[0]
NOTES = "Shooting pain down the left leg after carrying the shopping; numb around the saddle"


# What settings.LOGGING never lets log at DEBUG: a template's whole context, SQL parameters.
PINNED = frozenset({"django.template", "django.db.backends"})


def test_the_loggers_that_quote_data_are_pinned_above_debug():
    for name in PINNED:
        assert settings.LOGGING["loggers"][name] == {"level": "INFO"}


class Collect(logging.Handler):
    def __init__(self, formatter: logging.Formatter):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(formatter)
        self.addFilter(RequestIdFilter())
        self.lines: list[str] = []
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))


@contextmanager
def capture_everything() -> Iterator[Collect]:
    """Every record of every logger at DEBUG, formatted as in production (JSON): as if
    DJANGO_LOG_LEVEL=DEBUG and every library turned up too. Only the loggers that
    settings.LOGGING pins at INFO (their DEBUG lines quote data) keep their level."""
    handler = Collect(JsonFormatter())
    root = logging.getLogger()
    names = [name for name in list(logging.root.manager.loggerDict) if name not in PINNED]
    loggers = [root] + [logging.getLogger(name) for name in names]
    levels = {logger: logger.level for logger in loggers}
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for logger, level in levels.items():
            logger.setLevel(level)


@pytest.fixture
def captured():
    with capture_everything() as handler:
        yield handler


# --- Request ids ---------------------------------------------------------------------------------


def test_every_response_carries_a_request_id_and_every_line_logged_meanwhile_too(client, captured):
    response = client.get(reverse("healthz"))
    rid = response["X-Request-ID"]
    assert len(rid) == 32
    access = [json.loads(line) for line in captured.lines if '"logger": "ops.access"' in line]
    assert access[-1]["request_id"] == rid
    assert access[-1]["view"] == "healthz" and access[-1]["status"] == 200
    assert request_id.get() == "-"  # reset once the request is answered


def test_a_proxys_request_id_is_kept_and_a_malformed_one_replaced(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c21")["X-Request-ID"] == (
        "lb-7f3a9c21"
    )
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert replaced != "<script>" and len(replaced) == 32


def test_the_access_line_names_the_view_never_the_path_or_the_query(therapist_client, captured):
    therapist_client.get(reverse("dashboard:caseload"), {"q": "Pat Patient"})
    line = [line for line in captured.lines if '"ops.access"' in line][-1]
    entry = json.loads(line)
    assert entry["view"] == "dashboard:caseload"
    assert "Pat" not in line and "/dashboard" not in line and "?q" not in line


def test_json_lines_carry_extra_fields_and_exceptions_and_redact_addresses():
    formatter = JsonFormatter()
    try:
        raise SMTPRecipientsRefused({"grace@example.test": (550, b"no such user")})
    except SMTPRecipientsRefused as error:
        record = logging.LogRecord(
            "core.delivery",
            logging.ERROR,
            __file__,
            1,
            "Mail %s given up: %s",
            (7, error),
            exc_info=(type(error), error, error.__traceback__),
        )
    record.outcome = "dead"
    entry = json.loads(formatter.format(record))
    assert entry["level"] == "ERROR" and entry["logger"] == "core.delivery"
    assert entry["outcome"] == "dead"
    assert entry["message"].startswith("Mail 7 given up: {'[email]'")
    assert "grace@example.test" not in json.dumps(entry)
    assert "SMTPRecipientsRefused" in entry["exception"]


def test_the_text_format_is_redacted_too():
    formatter = TextFormatter("%(levelname)s [%(request_id)s] %(message)s")
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "to %s", ("a.b@c.example",), None)
    assert formatter.format(record) == "WARNING [-] to [email]"


def test_a_failed_login_logs_no_email_address(client, patient, captured):
    client.post(reverse("accounts:login"), {"username": "pat@example.test", "password": "no"})
    axes = [line for line in captured.lines if "AXES" in line]
    assert axes, "axes logged the failure"
    assert not any("pat@example.test" in line or "[email]" in line for line in axes)


# --- No health data in any log line, over a full journey ----------------------------------------


def _journey(therapist, django_capture_on_commit_callbacks, settings) -> Alert:
    patient_client = Client()
    login = reverse("accounts:login")
    patient_client.post(login, {"username": DEMO.email, "password": "wrong password"})
    response = patient_client.post(login, {"username": DEMO.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    entry = {
        "context": "daily",
        "pain_now": "7",
        "pain_worst": "9",
        "descriptors": ["burning"],
        "regions": ["left_thigh"],
        "saddle_numbness": "on",
        "rest_relief": "no",
        "weakness": "none",
        "is_flare": "yes",
        "notes": NOTES,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = patient_client.post(reverse("care:entry_create"), entry, follow=True)
    assert response.status_code == 200
    alert = Alert.objects.get(patient__user__email=DEMO.email, rule="R1")
    staff = login_verified(Client(), therapist)
    assert staff.get(reverse("redflags:inbox")).status_code == 200
    assert DEMO.full_name in staff.get(reverse("redflags:alert_detail", args=[alert.pk])).text
    staff.get(reverse("dashboard:caseload"), {"q": DEMO.full_name.split()[0]})
    for name, note in (("acknowledge", "ack"), ("resolve", "resolve")):
        staff.post(reverse(f"redflags:{name}", args=[alert.pk]), {f"{note}-note": NOTES})
    # The background work: the sweep, and an email the server refuses, quoting the address.
    daily_sweep_all()
    settings.MAILERS = {"default": {"BACKEND": "tests.ops.test_logs.RefusingRecipients"}}
    mail_queue(EmailMessage("Hi", NOTES, to=[DEMO.email]), kind="reminder")
    mail_deliver_due()
    return alert


class RefusingRecipients:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise SMTPRecipientsRefused({DEMO.email: (550, b"5.1.1 no such user")})


def test_no_log_line_of_a_full_journey_names_the_patient_or_quotes_their_notes(
    clinic, therapist, django_capture_on_commit_callbacks, settings
):
    PatientFactory(
        clinic=clinic,
        user__full_name=DEMO.full_name,
        user__email=DEMO.email,
        therapists=[therapist],
    )
    with capture_everything() as captured:
        alert = _journey(therapist, django_capture_on_commit_callbacks, settings)
    alert.refresh_from_db()
    assert alert.state == "resolved"

    text = "\n".join(captured.lines)
    # The capture saw the journey: requests, axes, the given-up email.
    assert text.count('"logger": "ops.access"') >= 8
    assert "AXES" in text
    assert "given up" in text and "[email]" in text
    for secret in (DEMO.full_name, DEMO.email, NOTES, NOTES[:30], DEMO.full_name.split()[-1]):
        assert secret not in text, f"{secret!r} is in the logs"
    for record in captured.records:
        message = record.getMessage()
        assert DEMO.full_name not in message and NOTES[:30] not in message
