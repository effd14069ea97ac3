"""Plain SQL for the dashboard's hottest reads (``caseload_figures``, ``adherence``): quoting,
placeholders, and values as the ORM would return them, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime


def table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(name: str) -> str:
    return connection.ops.quote_name(name)


def among(ids: Sequence[int]) -> str:
    """Placeholders for ``IN (...)``: one per id (never empty: callers have patients)."""
    return ", ".join(["%s"] * len(ids))


def fetch(sql: str, params: Sequence[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def plain(value: Any) -> Any:
    """A datetime as the ORM gives it: aware, in the database's zone. SQLite hands back text
    for a computed column and a naive value for a stored one; PostgreSQL an aware one."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, connection.timezone)
    return value


def plain_date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value
