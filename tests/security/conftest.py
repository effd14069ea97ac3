"""The security tests' world (tests/security/world.py), built once per module.

The matrix and the corpus make hundreds of requests; building clinics, people and records for
each would cost more than the requests. `world` builds them once per module inside a
transaction that is rolled back at the end of the module; each test still runs in its own
savepoint (pytest-django's `db`), so whatever a request writes is undone before the next test.
"""

import pytest
from django.db import transaction
from django.test import override_settings

from .world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once per module, rolled back after it (see the module docstring)."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        built = build_world()
        yield built
        transaction.set_rollback(True)
