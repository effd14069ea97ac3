"""Locks the database holds for the whole cluster: which of several processes, on any number of
machines, does a piece of work that must be done once (docs/scaling.md, "What runs once").

    with cluster_lock(f"daily-sweep:{clinic.pk}:{day}") as mine:
        if not mine:
            return  # another process has it right now
        ...

On PostgreSQL this is a session-level advisory lock (``pg_try_advisory_lock``) on a 64-bit key
made from the name: never waited for, released at the end of the block, and released by the
server when the process holding it dies (its connection closes), so a killed process never
leaves work locked. SQLite has no such lock and runs on one machine, where the lock is always
granted (what must be done once is also recorded by a unique row or a finished mark, which the
caller checks once it holds the lock).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A signed 64-bit key for ``name`` (PostgreSQL's advisory lock keys are bigint)."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def cluster_lock(name: str) -> Iterator[bool]:
    """Try to take the lock ``name`` for the block: True when this process has it, False when
    another process holds it (nothing is waited for)."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        row = cursor.fetchone()
    acquired = bool(row and row[0])
    try:
        yield acquired
    finally:
        if acquired:
            _unlock(key, name)


def _unlock(key: int, name: str) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    except DatabaseError:
        # The connection is gone, and the server released the lock with it.
        logger.warning("Could not release the lock %s: its connection was lost", name)
