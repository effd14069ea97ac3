"""The audit log is append-only: the model, its queryset and a trigger in the database (on
PostgreSQL and on SQLite alike) refuse every change and deletion. The raw-SQL tests run on
whichever database the suite runs on: SQLite by default, PostgreSQL with DATABASE_URL (CI runs
both)."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.append_only import SQLITE_TRIGGERS, sqlite_triggers
from audit.models import AuditEvent, AuditLogImmutable
from audit.services import record

pytestmark = pytest.mark.django_db

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")


@pytest.fixture
def event(patient):
    return record(None, AuditEvent.Action.VIEW, patient=patient, actor=patient.user)


def test_an_event_is_written_once(event):
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


def test_saving_an_existing_event_is_refused(event):
    event.action = "delete"
    with pytest.raises(AuditLogImmutable):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


def test_a_fresh_copy_cannot_be_saved_over_it_either(event):
    copy = AuditEvent.objects.get(pk=event.pk)
    copy.outcome = "denied"
    with pytest.raises(AuditLogImmutable):
        copy.save()


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AuditLogImmutable):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda qs: qs.update(action="delete"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["action"]),
        lambda qs: AuditEvent.objects.update(outcome="error"),
        lambda qs: AuditEvent.objects.all().delete(),
    ],
    ids=["update", "delete", "bulk_update", "manager-update", "manager-delete"],
)
def test_bulk_paths_are_refused(event, change):
    with pytest.raises(AuditLogImmutable):
        change(AuditEvent.objects.filter(pk=event.pk))
    assert AuditEvent.objects.filter(pk=event.pk, action="view", outcome="allowed").exists()


def test_a_user_on_record_cannot_be_deleted_from_under_the_log(therapist, patient):
    from django.db.models import ProtectedError

    from tests.factories import TherapistFactory

    bystander = TherapistFactory(clinic=therapist.clinic)
    record(None, AuditEvent.Action.VIEW, patient=patient, actor=bystander)
    with pytest.raises(ProtectedError):
        bystander.delete()


def test_the_database_rejects_a_raw_update(event):
    table = AuditEvent._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET action = 'delete' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


def test_the_database_rejects_a_raw_delete(event):
    table = AuditEvent._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_rejects_a_raw_delete_of_the_whole_table(event):
    table = AuditEvent._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table}")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_still_accepts_new_events(event, patient):
    record(None, AuditEvent.Action.EXPORT, patient=patient, actor=patient.user)
    assert AuditEvent.objects.count() == 2


def test_a_raw_insert_is_still_allowed(event):
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (at, actor_role, action, outcome, object_type, object_id, path,"
            " method, user_agent, detail) VALUES (%s, '', 'view', 'allowed', '', '', '', '', '',"
            " '')",
            [event.at],
        )
    assert AuditEvent.objects.count() == 2


@on_sqlite
def test_sqlite_has_both_triggers():
    assert sqlite_triggers() == sorted(SQLITE_TRIGGERS)


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_puts_the_triggers_back(patient):
    """flush empties every table (the test runner's way between tests): on PostgreSQL with
    TRUNCATE, which the trigger lets through; on SQLite the triggers are lifted for it."""
    record(None, AuditEvent.Action.VIEW, patient=patient, actor=patient.user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        before = [" ".join(sql.split()) for (sql,) in cursor.fetchall()]
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        after = [" ".join(sql.split()) for (sql,) in cursor.fetchall()]
    assert after == before and len(after) == 2
    record(None, AuditEvent.Action.VIEW)
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table}")
