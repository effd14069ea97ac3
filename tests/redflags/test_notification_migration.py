"""The alert emails written before the mail outbox move into it in the state they were in
(redflags/migrations/0004): none is lost by a deploy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import OutboxMessage
from redflags.models import Notification
from tests.factories import AlertFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("redflags", "0003_notification_message")]
T0 = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
OLD_ROWS = {
    # old state: (attempts, last error, sent_at) -> expected outbox state
    "pending": (0, "", None, "pending"),
    "failed": (3, "SMTPServerDisconnected: down", None, "pending"),
    "sending": (1, "", None, "pending"),
    "sent": (1, "", T0, "sent"),
    "gave_up": (48, "SMTPServerDisconnected: down", None, "dead"),
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_notifications_become_outbox_emails_in_their_state(patient, therapist):
    alert = AlertFactory(patient=patient, rule="R4", severity="urgent")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    # The old columns come back empty: start from no notification at all.
    Notification.objects.all().delete()
    OutboxMessage.objects.all().delete()
    old = _migrate(BEFORE)
    OldNotification = old.get_model("redflags", "Notification")
    ids = {}
    for state, (attempts, error, sent_at, _expected) in OLD_ROWS.items():
        ids[state] = OldNotification.objects.create(
            alert_id=alert.pk,
            recipient_id=therapist.pk,
            to_email=therapist.email,
            subject=f"[PT Tracker] URGENT: R4 ({state})",
            body_text=f"Open the alert ({state})",
            state=state,
            attempts=attempts,
            last_error=error,
            next_attempt_at=T0 + timedelta(minutes=attempts),
            sent_at=sent_at,
            created_at=T0,
        ).pk

    new = _migrate(latest)

    Migrated = new.get_model("redflags", "Notification")
    for state, (attempts, error, sent_at, expected) in OLD_ROWS.items():
        email = Migrated.objects.select_related("message").get(pk=ids[state]).message
        assert (email.kind, email.clinic_id, email.recipients) == (
            "alert",
            patient.clinic_id,
            [therapist.email],
        ), state
        assert (email.state, email.attempts, email.last_error, email.sent_at) == (
            expected,
            attempts,
            error,
            sent_at,
        ), state
        assert email.subject == f"[PT Tracker] URGENT: R4 ({state})"
        assert email.body_text == ("" if expected == "sent" else f"Open the alert ({state})")
        assert email.dedup_key == f"alert-notification-{ids[state]}"
        assert email.next_attempt_at == T0 + timedelta(minutes=attempts)
