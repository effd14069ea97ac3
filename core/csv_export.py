"""The one CSV writer: every cell is guarded against spreadsheet formulas (OWASP "CSV
injection"), and files start with a UTF-8 byte-order mark so spreadsheet programs read accented
names right. Columns of codes get a column of their words beside them (``labelled_columns``):
``regions`` "lower_back;right_buttock" and ``regions_labels`` "Lower back; Right buttock", the
words taken from the model field's own choices.

A cell that starts with = + - @, a tab or a carriage return, or with the full-width = + - @ that
some spreadsheet programs also treat as formula signs, is written with a leading apostrophe:
the program shows it as text.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import models
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


# --- Words beside codes -------------------------------------------------------------------------

Labeller = Callable[[Any], str]


def choice_words(field: models.Field) -> Mapping[str, Any] | None:
    """A field's codes and their words: its choices, or for a set of choices (a field with a
    ``choice_labels`` mapping, such as symptoms' ChoiceSetField) those; None without choices."""
    words = getattr(field, "choice_labels", None)
    if words:
        return words
    if field.choices:
        return {str(value): label for value, label in field.flatchoices}
    return None


def labeller(model: type[models.Model], name: str) -> tuple[str, Labeller] | None:
    """The name of the words' column beside ``name`` ("<name>_label", or "<name>_labels" for a
    set) and how to make a cell of it from the code(s); None for a field without choices or a
    column that is not a field of ``model``."""
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist, or a related object's accessor
        return None
    if not isinstance(field, models.Field):
        return None
    found = choice_words(field)
    if found is None:
        return None
    # The words now, in the language of the request (a streamed file is written after it).
    words = {code: str(label) for code, label in found.items()}

    def one(value: Any) -> str:
        return "" if value in (None, "") else str(words.get(str(value), value))

    def several(values: Any) -> str:
        # In the choices' own order (regions run near to far), as the pages list them.
        chosen = {str(value) for value in values or ()}
        known = [label for code, label in words.items() if code in chosen]
        return "; ".join(known + sorted(chosen - set(words)))

    if getattr(field, "choice_labels", None):
        return f"{name}_labels", several
    return f"{name}_label", one


def labelled_columns(
    model: type[models.Model], columns: Sequence[str]
) -> list[tuple[str, str, Labeller | None]]:
    """``columns`` with a words column after each column of codes, as (header, source column,
    labeller): a code column is (name, name, None), its words (name_label(s), name, labeller)."""
    result: list[tuple[str, str, Labeller | None]] = []
    for name in columns:
        result.append((name, name, None))
        found = labeller(model, name)
        if found is not None:
            result.append((found[0], name, found[1]))
    return result


def labelled_row(
    columns: Sequence[tuple[str, str, Labeller | None]],
    values: Mapping[str, Any],
    raw: Mapping[str, Any] | None = None,
) -> list[Any]:
    """One row for ``labelled_columns``: each code as ``values`` has it, and its words made from
    ``raw`` (the stored codes; ``values`` by default)."""
    raw = values if raw is None else raw
    return [
        values[source] if make is None else make(raw[source]) for _header, source, make in columns
    ]
