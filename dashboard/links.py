"""URLs of many rows at once: reverse a route once per page, not once per row.

A caseload page links every row to four or five pages; reversing each of them per row (and
failing to reverse a route that another app has not added yet) costs more than the rest of
the row. ``UrlPattern`` reverses once with a placeholder and substitutes each id.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

_PLACEHOLDER = 987654321


class UrlPattern:
    """``UrlPattern("dashboard:patient_overview")(42)`` == ``reverse(..., args=[42])``; an
    empty string when the route does not exist."""

    def __init__(self, name: str) -> None:
        try:
            self.template = reverse(name, args=[_PLACEHOLDER])
        except NoReverseMatch:
            self.template = ""

    def __call__(self, pk: int) -> str:
        return self.template.replace(str(_PLACEHOLDER), str(pk)) if self.template else ""
