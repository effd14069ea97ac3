"""core.locks: a lock the database holds for the whole cluster, never waited for, released at
the end of its block or when the process holding it dies."""

import time

import pytest
from django.db import connection

from core.locks import cluster_lock, lock_key

pytestmark = pytest.mark.django_db


def holds(session, name: str) -> bool:
    """Whether `session` can take the lock now (and then lets it go again)."""
    taken = session.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(name)]).fetchone()[0]
    if taken:
        session.execute("SELECT pg_advisory_unlock(%s)", [lock_key(name)])
    return taken


def test_a_name_gives_one_signed_64_bit_key():
    assert lock_key("sweep:1:2026-02-02") == lock_key("sweep:1:2026-02-02")
    assert lock_key("sweep:1:2026-02-02") != lock_key("sweep:2:2026-02-02")
    assert -(2**63) <= lock_key("x") < 2**63


def test_without_postgresql_the_one_machine_always_has_the_lock():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    with cluster_lock("anything") as mine, cluster_lock("anything") as again:
        assert mine and again


def test_a_lock_another_process_holds_is_refused_at_once(other_session):
    other_session.execute("SELECT pg_advisory_lock(%s)", [lock_key("job")])

    with cluster_lock("job") as mine:
        assert mine is False
    with cluster_lock("another job") as mine:
        assert mine is True


def test_the_lock_is_released_at_the_end_of_the_block(other_session):
    with cluster_lock("job") as mine:
        assert mine is True
        assert holds(other_session, "job") is False

    assert holds(other_session, "job") is True


def test_a_process_that_dies_holding_the_lock_releases_it(other_session):
    other_session.execute("SELECT pg_advisory_lock(%s)", [lock_key("job")])
    with cluster_lock("job") as mine:
        assert mine is False

    other_session.close()  # what kill -9 does to its connection

    deadline = time.monotonic() + 5
    while not taken_now("job"):
        assert time.monotonic() < deadline  # the server ends the session within moments
        time.sleep(0.05)


def taken_now(name: str) -> bool:
    with cluster_lock(name) as mine:
        return mine
