"""Backup and restore (ops/backup.py): a seeded clinic is backed up while another process keeps
writing entries, restored into a new empty database, and compared table by table, row counts
and checksums, on the database the suite runs on (SQLite; PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from ops.backup import database_sums, table_sum

WRITER_TABLES = {"symptoms_symptomentry", "audit_auditevent"}
VENDOR = connection.vendor


class Database:
    """A database of its own for one process of the test: an SQLite file or a new PostgreSQL
    database on the suite's server."""

    def __init__(self, tmp: Path, name: str):
        self.name = f"pt_ops_backup_{name}_{uuid.uuid4().hex[:8]}"
        self.path = tmp / f"{name}.sqlite3"

    def env(self) -> dict[str, str]:
        env = {**os.environ, "DJANGO_TESTING": "true"}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        if VENDOR == "sqlite":
            env.pop("DATABASE_URL", None)
            env["DJANGO_SQLITE_PATH"] = str(self.path)
        else:
            env["DATABASE_URL"] = self.url()
        return env

    def url(self) -> str:
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
        host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        return f"postgres://{s['USER']}{password}@{host}/{self.name}"

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        if VENDOR == "sqlite":
            with closing(sqlite3.connect(self.path)) as raw:
                yield raw.cursor()
        else:
            with psycopg.connect(self.url(), autocommit=True) as raw, raw.cursor() as cursor:
                yield cursor


@contextmanager
def databases(tmp: Path, *names: str) -> Iterator[list[Database]]:
    made = [Database(tmp, name) for name in names]
    admin = Database(tmp, "admin")
    admin.name = "postgres"
    if VENDOR == "postgresql":
        with psycopg.connect(admin.url(), autocommit=True) as raw:
            for db in made:
                raw.execute(f'CREATE DATABASE "{db.name}"')
    try:
        yield made
    finally:
        if VENDOR == "postgresql":
            with psycopg.connect(admin.url(), autocommit=True) as raw:
                for db in made:
                    raw.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')


def run(db: Database, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        env=db.env(),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=check,
        timeout=600,
    )


class Writer:
    """``backup_world write`` in its own process; its committed (entry, audit) ids as they come."""

    def __init__(self, db: Database, stop: Path):
        self.stop = stop
        self.committed: list[tuple[int, int]] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.ops.backup_world", "write", str(stop)],
            env=db.env(),
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            entry, event = line.split()
            self.committed.append((int(entry), int(event)))

    def wait_for(self, count: int, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while len(self.committed) < count:
            assert time.monotonic() < deadline, f"the writer wrote {len(self.committed)} only"
            assert self.process.poll() is None, "the writer died"
            time.sleep(0.02)
        return len(self.committed)

    def finish(self) -> None:
        self.stop.touch()
        assert self.process.wait(timeout=60) == 0
        self.reader.join(timeout=10)


@pytest.mark.skipif(
    VENDOR == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="pg_dump and pg_restore are needed on PostgreSQL (Debian: postgresql-client)",
)
def test_a_backup_taken_while_entries_are_written_restores_every_table(tmp_path):
    backup = tmp_path / ("clinic.sqlite3" if VENDOR == "sqlite" else "clinic.dump")
    with databases(tmp_path, "source", "restored") as (source, restored):
        run(source, "manage.py", "migrate", "--noinput", "-v0")
        run(source, "-m", "tests.ops.backup_world", "seed")
        writer = Writer(source, tmp_path / "stop")
        try:
            before = writer.wait_for(30)
            done = run(source, "manage.py", "backup", "--out", str(backup))
            after = writer.wait_for(len(writer.committed) + 30)
        finally:
            writer.finish()
        assert "Backed up" in done.stdout
        restore = run(restored, "manage.py", "restore", str(backup))
        assert "checked against its manifest" in restore.stdout

        with source.cursor() as cursor:
            source_sums = database_sums(cursor, VENDOR)
        with restored.cursor() as cursor:
            restored_sums = database_sums(cursor, VENDOR)
            cursor.execute("SELECT max(id) FROM symptoms_symptomentry")
            (last_entry,) = cursor.fetchone()
            cursor.execute("SELECT max(id) FROM audit_auditevent")
            (last_event,) = cursor.fetchone()
            cursor.execute(
                "SELECT count(*) FROM audit_auditevent WHERE detail = 'backup-test writer'"
            )
            (writer_events,) = cursor.fetchone()

        # Every table is there; those the writer does not touch are identical to the source.
        assert set(restored_sums) == set(source_sums)
        assert len(restored_sums) >= 45
        for table in set(source_sums) - WRITER_TABLES:
            assert restored_sums[table] == source_sums[table], table
        # The writer's tables hold exactly the source's rows up to one instant: a prefix of what
        # was written, with every entry committed before the backup started, none that began
        # after it ended, and each entry with its audit event (one transaction, all or none).
        with source.cursor() as cursor:
            if VENDOR == "postgresql":
                cursor.execute("SET TIME ZONE 'UTC'")
            entries = table_sum(cursor, VENDOR, "symptoms_symptomentry", f"t.id <= {last_entry}")
            events = table_sum(cursor, VENDOR, "audit_auditevent", f"t.id <= {last_event}")
        assert restored_sums["symptoms_symptomentry"] == entries
        assert restored_sums["audit_auditevent"] == events
        written = [pair for pair in writer.committed if pair[0] <= last_entry]
        assert before <= len(written) <= after
        assert written == writer.committed[: len(written)]
        assert written[-1][1] == last_event
        assert writer_events == len(written)
        assert (
            source_sums["symptoms_symptomentry"].rows > restored_sums["symptoms_symptomentry"].rows
        )

        # The restored database is complete: migrations applied, the audit log still guarded.
        run(restored, "manage.py", "migrate", "--check")
        with pytest.raises(Exception, match="append-only"), restored.cursor() as cursor:
            cursor.execute(f"DELETE FROM audit_auditevent WHERE id = {last_event}")

        # And restore refuses a database that is not empty.
        again = run(restored, "manage.py", "restore", str(backup), check=False)
        assert again.returncode != 0
        assert "not empty" in again.stderr


# --- What restore refuses ------------------------------------------------------------------------


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    backup = tmp_path / "any.backup"
    backup.write_bytes(b"SQLite format 3\x00" if VENDOR == "sqlite" else b"PGDMP")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup))


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_no_backup_and_one_of_the_other_database(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    with pytest.raises(CommandError, match="neither an SQLite backup nor a pg_dump"):
        call_command("restore", str(junk))
    other = tmp_path / "other.backup"
    other.write_bytes(b"PGDMP" if VENDOR == "sqlite" else b"SQLite format 3\x00")
    with pytest.raises(CommandError, match="backup; this database is"):
        call_command("restore", str(other))
    with pytest.raises(CommandError, match="There is no backup file"):
        call_command("restore", str(tmp_path / "missing"))


@pytest.mark.skipif(VENDOR != "sqlite", reason="edits an SQLite backup file")
def test_a_restore_that_does_not_match_the_manifest_fails(tmp_path):
    with databases(tmp_path, "source", "restored") as (source, restored):
        run(source, "manage.py", "migrate", "--noinput", "-v0")
        run(source, "-m", "tests.ops.backup_world", "seed")
        backup = tmp_path / "clinic.sqlite3"
        run(source, "manage.py", "backup", "--out", str(backup))
        with closing(sqlite3.connect(backup)) as raw:
            raw.execute("UPDATE symptoms_symptomentry SET pain_now = 0 WHERE id = 1")
            raw.commit()
        failed = run(restored, "manage.py", "restore", str(backup), check=False)
        assert failed.returncode != 0
        assert "differ from the backup's manifest: ['symptoms_symptomentry']" in failed.stderr
