"""On SQLite too, triggers reject every UPDATE and DELETE of audit events, like PostgreSQL's
(migration 0002): not even raw SQL through the application's connection, nor the sqlite3 shell,
can rewrite the log.

SQLite has no TRUNCATE and no table owner: ``manage.py flush`` (which the test runner uses
between tests) empties a table with DELETE. audit's own ``flush`` command lifts the triggers for
the length of the flush, as PostgreSQL's flush (TRUNCATE, the owner's right) passes its trigger.
"""

from django.db import migrations

CREATE = [
    """
    CREATE TRIGGER IF NOT EXISTS audit_event_no_update
    BEFORE UPDATE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'audit_auditevent is append-only: UPDATE is not allowed');
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS audit_event_no_delete
    BEFORE DELETE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'audit_auditevent is append-only: DELETE is not allowed');
    END
    """,
]

DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]


def _on_sqlite(statements: list[str]):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.RunPython(_on_sqlite(CREATE), _on_sqlite(DROP)),
    ]
