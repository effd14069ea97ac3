"""The one CSV writer: every cell is guarded against spreadsheet formulas (OWASP "CSV
injection"), and files start with a UTF-8 byte-order mark so spreadsheet programs read accented
names right.

A cell that starts with = + - @, a tab or a carriage return, or with the full-width = + - @ that
some spreadsheet programs also treat as formula signs, is written with a leading apostrophe:
the program shows it as text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """A value ready for a CSV cell: text that could run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, for streaming rows."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True
) -> Iterator[str]:
    """The file line by line (header first), every cell guarded."""
    writer = csv.writer(_Echo())
    yield (BOM if bom else "") + writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> str:
    return "".join(csv_lines(header, rows, bom=bom))


def csv_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A CSV file to download, streamed row by row; never cached (it holds health data)."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
