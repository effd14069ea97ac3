"""Plain multi-row INSERTs for the benchmark's big tables, and values as the database stores
them: model instances and Django's per-value preparation cost more than the database for a
few hundred thousand rows."""

from __future__ import annotations

import json
from datetime import date, datetime, time

from django.db import connection


def local_time(day: date, hour: int, minute: int, zone) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def clip_pain(value: float) -> int:
    return max(0, min(10, round(value)))


def insert(model, columns: list[str], rows: list[tuple]) -> None:
    """A plain multi-row INSERT. Values must already be database-ready."""
    if not rows:
        return
    names = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES ({marks})', rows)


def json_set(values) -> str:
    # As ChoiceSetField stores a set: sorted, without repeats.
    return json.dumps(sorted(set(values)))
