"""The audit log is append-only: the model, its queryset and (on PostgreSQL) a trigger refuse
every change and deletion."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent, AuditLogImmutable
from audit.services import record

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The append-only trigger exists on PostgreSQL only (set DATABASE_URL to run this).",
)


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


@on_postgresql
def test_postgresql_rejects_a_raw_update(event):
    table = AuditEvent._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET action = 'delete' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


@on_postgresql
def test_postgresql_rejects_a_raw_delete(event):
    table = AuditEvent._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@on_postgresql
def test_postgresql_still_accepts_new_events(event, patient):
    record(None, AuditEvent.Action.EXPORT, patient=patient, actor=patient.user)
    assert AuditEvent.objects.count() == 2
