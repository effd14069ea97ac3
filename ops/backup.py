"""Backing up and restoring the database (``manage.py backup`` / ``restore``), consistent while
the application runs (docs/operations.md, "Backups").

- SQLite: SQLite's online backup API copies the whole file in one step, inside one read
  transaction, so the copy is the database at one instant even while others write (WAL lets
  them). The result is an SQLite file.
- PostgreSQL: ``pg_dump --format=custom``, which reads one snapshot. The snapshot is exported
  from a REPEATABLE READ transaction that also computes the manifest, so both describe the
  same instant.

Each backup has a manifest beside it (``FILE.manifest.json``): every table's row count and a
SHA-256 of its rows in primary-key order. ``restore`` loads a backup into an empty database
(it refuses one that has any table) and then checks every table against the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections, transaction
from django.db.backends.postgresql.client import DatabaseClient
from django.utils import timezone

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
MANIFEST_SUFFIX = ".manifest.json"
BATCH = 2000


class BackupError(Exception):
    """The backup or restore could not be done; the message says why."""


@dataclass(frozen=True)
class TableSum:
    rows: int
    sha256: str


# --- Checksums: the same on both sides of a backup -----------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(cursor: Any, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    return sorted(name for (name,) in cursor.fetchall())


def _primary_key(cursor: Any, vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(f"PRAGMA table_info({_quote(table)})")
        columns = [(row[5], row[1]) for row in cursor.fetchall() if row[5]]
        return [name for _position, name in sorted(columns)]
    cursor.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary "
        "ORDER BY array_position(i.indkey, a.attnum)",
        [_quote(table)],
    )
    return [name for (name,) in cursor.fetchall()]


def table_sum(cursor: Any, vendor: str, table: str, where: str = "") -> TableSum:
    """Row count and SHA-256 of ``table``'s rows (``where``: only those), in primary-key order
    (every column when there is none). Rows are read as the database stores them, so any two
    connections agree: SQLite's raw values (no converters), PostgreSQL's text form of the row."""
    key = _primary_key(cursor, vendor, table)
    cursor.execute(f"SELECT * FROM {_quote(table)} LIMIT 0")
    order = ", ".join(f"t.{_quote(c)}" for c in key) or ", ".join(
        str(n) for n in range(1, len(cursor.description) + 1)
    )
    condition = f" WHERE {where}" if where else ""
    row = "t::text" if vendor == "postgresql" else "t.*"
    cursor.execute(f"SELECT {row} FROM {_quote(table)} AS t{condition} ORDER BY {order}")
    digest, rows = hashlib.sha256(), 0
    while batch := cursor.fetchmany(BATCH):
        for values in batch:
            digest.update(repr(tuple(values)).encode())
            digest.update(b"\n")
        rows += len(batch)
    return TableSum(rows, digest.hexdigest())


def database_sums(cursor: Any, vendor: str) -> dict[str, TableSum]:
    """Every table of the database behind ``cursor`` (a DB-API cursor; for SQLite one without
    type converters, see ``_cursor``)."""
    if vendor == "postgresql":
        cursor.execute("SET TIME ZONE 'UTC'")  # the text form of a timestamptz depends on it
    return {table: table_sum(cursor, vendor, table) for table in _tables(cursor, vendor)}


def _manifest(vendor: str, sums: dict[str, TableSum]) -> dict[str, Any]:
    return {
        "format": vendor,
        "created_at": timezone.now().isoformat(),
        "tables": {name: {"rows": s.rows, "sha256": s.sha256} for name, s in sums.items()},
    }


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


# --- Backup --------------------------------------------------------------------------------------


def _sqlite_backup(using: str, partial: Path) -> dict[str, TableSum]:
    connection = connections[using]
    connection.ensure_connection()
    target = sqlite3.connect(partial)
    try:
        # pages=-1: the whole database in one step, in one read transaction of the source.
        connection.connection.backup(target, pages=-1)
        (verdict,) = target.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise BackupError(f"The copy failed SQLite's integrity check: {verdict}")
        return database_sums(target.cursor(), "sqlite")
    finally:
        target.close()


def _pg_command(program: str, settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """pg_dump / pg_restore with the connection options Django's dbshell would use."""
    args, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    return [program, *args[1:-1]], {**os.environ, **(env or {})}


def _postgresql_backup(using: str, partial: Path) -> dict[str, TableSum]:
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        args, env = _pg_command("pg_dump", connection.settings_dict)
        database = connection.settings_dict["NAME"]
        command = [*args, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}"]
        done = subprocess.run([*command, database], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        return database_sums(cursor, "postgresql")


def backup(out: Path, using: str = "default") -> dict[str, TableSum]:
    """Write a consistent backup of the database to ``out`` and its manifest beside it; only
    complete files take their final names."""
    vendor = connections[using].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"No backup for {vendor} databases.")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        sums = (_sqlite_backup if vendor == "sqlite" else _postgresql_backup)(using, partial)
        manifest = manifest_path(out)
        manifest.with_name(manifest.name + ".partial").write_text(
            json.dumps(_manifest(vendor, sums), indent=1, sort_keys=True)
        )
        os.replace(partial, out)
        os.replace(manifest.with_name(manifest.name + ".partial"), manifest)
    finally:
        partial.unlink(missing_ok=True)
    return sums


# --- Restore -------------------------------------------------------------------------------------


def backup_format(path: Path) -> str:
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither an SQLite backup nor a pg_dump custom-format file.")


@contextmanager
def _cursor(using: str) -> Iterator[Any]:
    """A cursor on ``using`` that reads values as stored: on SQLite a plain sqlite3 connection
    to the file (Django's converts dates and decimals), on PostgreSQL Django's own."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            yield cursor
        return
    # uri=True as Django opens it (the test database is "file:...?mode=memory&cache=shared").
    raw = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    try:
        yield raw.cursor()
    finally:
        raw.close()


def _sqlite_restore(path: Path, using: str) -> None:
    connection = connections[using]
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(connection.connection, pages=-1)
    finally:
        source.close()
    connection.close()


def _postgresql_restore(path: Path, using: str) -> None:
    connection = connections[using]
    args, env = _pg_command("pg_restore", connection.settings_dict)
    database = connection.settings_dict["NAME"]
    command = [*args, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    done = subprocess.run(
        [*command, f"--dbname={database}", str(path)], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    connection.close()


def verify(path: Path, using: str = "default") -> list[str]:
    """Compare the database with the backup's manifest: the tables that differ (none: [])."""
    manifest = json.loads(manifest_path(path).read_text())
    with _cursor(using) as cursor:
        found = database_sums(cursor, connections[using].vendor)
    expected = {name: TableSum(t["rows"], t["sha256"]) for name, t in manifest["tables"].items()}
    return sorted(
        name for name in expected.keys() | found.keys() if expected.get(name) != found.get(name)
    )


def restore(path: Path, using: str = "default") -> None:
    """Load the backup at ``path`` into the empty database ``using``; then check it against the
    manifest when there is one."""
    vendor = connections[using].vendor
    kind = backup_format(path)
    if kind != vendor:
        raise BackupError(f"{path} is a {kind} backup; this database is {vendor}.")
    with _cursor(using) as cursor:
        existing = _tables(cursor, vendor)
    if existing:
        raise BackupError(
            f"The database is not empty ({len(existing)} tables, {existing[0]} first): restore "
            "only into a new, empty database."
        )
    (_sqlite_restore if vendor == "sqlite" else _postgresql_restore)(path, using)
    if manifest_path(path).exists():
        differ = verify(path, using)
        if differ:
            raise BackupError(f"The restored tables differ from the backup's manifest: {differ}")
