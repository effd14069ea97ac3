"""Screening of saved records against the clinic's rule set (filled in by the red-flag work)."""

from __future__ import annotations

from typing import Any


def screen_symptom_entry(entry) -> list[Any]:
    """Evaluate the rules that run when an entry is saved; returns the alerts raised."""
    return []
