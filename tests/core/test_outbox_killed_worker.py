"""The mail outbox with several workers on PostgreSQL (docs/scaling.md): a worker holds the row
it sends, another skips it instead of waiting, and a worker killed in the middle of sending
leaves the email due again at once, not after a lease (the database decides, not a clock)."""

import os
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from core.models import OutboxMessage
from core.outbox import mail_deliver, mail_due, mail_queue
from tests.core.conftest import DUMMY_TASKS, an_email

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _workers_not_the_test(settings):
    # Committed rows wait for the workers these tests play, instead of a task sending them.
    settings.TASKS = DUMMY_TASKS


#: A process that delivers one row through a mail server that never answers.
DELIVER_ONE = (
    "import django; django.setup(); from core.outbox import mail_deliver; mail_deliver({pk})"
)


def queued() -> OutboxMessage:
    message, _created = mail_queue(an_email(), kind="invitation")
    return message


def test_a_row_another_worker_is_sending_is_skipped_not_waited_for(other_session):
    message = queued()
    other_session.execute("BEGIN")
    other_session.execute(
        "SELECT id FROM core_outboxmessage WHERE id = %s FOR UPDATE", [message.pk]
    )

    began = time.monotonic()
    assert mail_deliver(message.pk) == "pending"  # someone else has it: not sent here
    assert time.monotonic() - began < 2
    assert mail.outbox == []

    other_session.execute("COMMIT")  # that worker finished without sending (say it failed)
    assert mail_deliver(message.pk) == "sent"
    assert len(mail.outbox) == 1


def _database_url() -> str:
    params = connection.settings_dict
    password = f":{quote(params['PASSWORD'])}" if params["PASSWORD"] else ""
    host = params["HOST"] or "127.0.0.1"
    return f"postgres://{params['USER']}{password}@{host}:{params['PORT'] or 5432}/{params['NAME']}"


def _worker_stuck_sending(pk: int, server: socket.socket) -> subprocess.Popen:
    """A separate process delivering row `pk` to `server`, which accepts and never greets: the
    worker waits with the row locked, as one does while a slow mail server takes a message."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_DEBUG": "true",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(server.getsockname()[1]),
        "DJANGO_EMAIL_TIMEOUT": "60",
    }
    return subprocess.Popen(
        [sys.executable, "-c", DELIVER_ONE.format(pk=pk)], cwd=settings.BASE_DIR, env=env
    )


def test_an_email_whose_worker_is_killed_while_sending_is_due_again_at_once(other_session):
    message = queued()
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(30)
        worker = _worker_stuck_sending(message.pk, server)
        try:
            held, _address = server.accept()  # the worker is connected: it holds the row
            assert mail_deliver(message.pk) == "pending"  # held: skipped, not sent twice
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            held.close()
        finally:
            if worker.poll() is None:
                worker.kill()

    # The server ended the dead worker's transaction with its connection: due now, no lease.
    assert mail_due() == [message.pk]
    deadline = time.monotonic() + 5
    while mail_deliver(message.pk) == "pending" and time.monotonic() < deadline:
        time.sleep(0.05)  # the server notices the closed connection within moments
    message.refresh_from_db()
    assert (message.state, message.attempts, message.claimed_until) == ("sent", 1, None)
    assert len(mail.outbox) == 1
