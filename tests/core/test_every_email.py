"""Every email PT Tracker sends leaves through the mail outbox: nothing is sent inline, each
kind is queued as an OutboxMessage with its clinic, and the outbox delivers it."""

from __future__ import annotations

import ast
from datetime import datetime, time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.closure import patient_account_close
from accounts.services import therapist_invite
from core.models import OutboxMessage
from core.outbox import mail_deliver_due
from reminders.services import reminders_send_due
from symptoms.services import pt_session_create
from tests.redflags.conftest import log_entry

pytestmark = pytest.mark.django_db


def invitation(world):
    therapist_invite(
        clinic=world["clinic"],
        full_name="Nora New",
        email="nora@example.test",
        actor=world["admin"],
    )
    return ["nora@example.test"]


def password_reset(world):
    response = world["client"].post(
        reverse("accounts:password_reset"), {"email": world["patient"].user.email}
    )
    assert response.status_code == 302
    return [world["patient"].user.email]


def account_closed(world):
    patient_account_close(world["patient"])
    return [world["therapist"].email]


def reminder(world):
    patient = world["patient"]
    today = patient.local_day()
    pt_session_create(patient, {"date": today, "kind": "treatment"}, actor=world["therapist"])
    assert reminders_send_due(now=datetime.combine(today, time(18, 1), tzinfo=patient.zone)) == {
        "sent": 1
    }
    return [patient.user.email]


def alert(world):
    log_entry(world["patient"], 0, nerve_symptoms_limit_activities=True)
    return [world["therapist"].email]


KINDS = {
    "invitation": invitation,
    "password_reset": password_reset,
    "account_closed": account_closed,
    "reminder": reminder,
    "alert": alert,
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_email_is_queued_not_sent_inline_and_the_outbox_delivers_it(
    kind, client, clinic, clinic_admin, therapist, patient
):
    world = {
        "client": client,
        "clinic": clinic,
        "admin": clinic_admin,
        "therapist": therapist,
        "patient": patient,
    }
    mail.outbox = []

    recipients = KINDS[kind](world)

    # The test's transaction never commits: whatever went out now was sent inline.
    assert mail.outbox == []
    [message] = OutboxMessage.objects.filter(kind=kind)
    assert (message.state, message.recipients, message.clinic_id) == (
        "pending",
        recipients,
        clinic.pk,
    )
    assert message.subject and message.body_text

    assert mail_deliver_due() == {"sent": OutboxMessage.objects.count()}
    [sent] = [m for m in mail.outbox if m.subject == message.subject]
    assert sent.to == recipients


# --- No other way out ----------------------------------------------------------------------------

PROJECT_PACKAGES = (
    "accounts",
    "audit",
    "care",
    "core",
    "dashboard",
    "devtools",
    "exercises",
    "pt_tracker",
    "redflags",
    "reminders",
    "symptoms",
)
#: The one module that hands email to Django's mail.
DELIVERY = Path("core") / "delivery.py"
SENDERS = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers", "get_connection"}


def _sends_mail(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in SENDERS or name == "send_messages":
        return True
    # EmailMessage.send(fail_silently=..., using=...): no positional argument and no sender,
    # unlike a signal's send(sender, ...).
    keywords = {keyword.arg for keyword in node.keywords}
    return name == "send" and not node.args and "sender" not in keywords


def test_only_the_outbox_hands_email_to_django():
    root = Path(settings.BASE_DIR)
    offenders = []
    for package in PROJECT_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if relative == DELIVERY or "migrations" in relative.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(relative))
            offenders += [
                f"{relative}:{node.lineno}" for node in ast.walk(tree) if _sends_mail(node)
            ]
    assert offenders == []


def test_the_guard_finds_an_inline_send():
    tree = ast.parse("EmailMessage('s', 'b', to=['a@example.test']).send()\nsend_mail('s')")
    assert sum(_sends_mail(node) for node in ast.walk(tree)) == 2
    assert not any(_sends_mail(node) for node in ast.walk(ast.parse("signal.send(sender=X)")))
