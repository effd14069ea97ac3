"""Reminders the old sender left claimed or failed are forgotten when the mail outbox takes over
(reminders/migrations/0002): the next run sends them if still due, or records them as stale."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from reminders.models import ReminderDispatch

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_claimed_and_failed_dispatches_are_forgotten_sent_and_skipped_ones_kept(patient):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    ReminderDispatch.objects.all().delete()
    old = _migrate([("reminders", "0001_initial")])
    Dispatch = old.get_model("reminders", "ReminderDispatch")
    Token = old.get_model("reminders", "QuickLogToken")
    now = timezone.now()
    for number, state in enumerate(["claimed", "failed", "sent", "skipped"]):
        dispatch = Dispatch.objects.create(
            patient_id=patient.pk,
            kind="daily",
            local_date=now.date().replace(day=1 + number),
            due_at=now,
            state=state,
            attempts=1,
        )
        Token.objects.create(
            token_hash=f"{number:064d}",
            patient_id=patient.pk,
            context="daily",
            dispatch=dispatch,
            expires_at=now,
        )

    new = _migrate(latest)

    kept = new.get_model("reminders", "ReminderDispatch").objects.values_list("state", flat=True)
    assert sorted(kept) == ["sent", "skipped"]
    assert new.get_model("reminders", "QuickLogToken").objects.count() == 2
