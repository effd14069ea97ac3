"""The database's own guard of the audit log: triggers that refuse UPDATE and DELETE on
``audit_auditevent`` (PostgreSQL: migration 0002; SQLite: migration 0003).

``triggers_lifted`` drops SQLite's triggers for the length of a ``with`` block and puts them back
after, even when the block fails: only ``manage.py flush`` uses it (audit's flush command), the
one operation that empties every table and that PostgreSQL allows through TRUNCATE.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections

SQLITE_CREATE = [
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: UPDATE is not allowed'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: DELETE is not allowed'); END",
]
SQLITE_TRIGGERS = ("audit_event_no_update", "audit_event_no_delete")


def sqlite_triggers(using: str = "default") -> list[str]:
    """The append-only triggers that exist on an SQLite database."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["audit_auditevent"],
        )
        return sorted(name for (name,) in cursor.fetchall() if name in SQLITE_TRIGGERS)


@contextmanager
def triggers_lifted(using: str = "default") -> Iterator[None]:
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    present = sqlite_triggers(using)
    with connection.cursor() as cursor:
        for name in present:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    try:
        yield
    finally:
        if present:
            with connection.cursor() as cursor:
                for sql in SQLITE_CREATE:
                    cursor.execute(sql)
