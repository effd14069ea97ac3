"""core.csv_export: one writer, every cell guarded against formulas, a byte-order mark first."""

import csv
import io

import pytest

from core.csv_export import BOM, csv_download, csv_text, safe_cell


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        '\uff1dHYPERLINK("http://evil.example")',  # full-width =
        "\uff0b1",  # full-width +
        "\uff0d1",  # full-width -
        "\uff20SUM(A1)",  # full-width @
    ],
)
def test_text_that_could_run_as_a_formula_is_written_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Grace Hopper", "a=b", "", 7, None, 3.5])
def test_other_values_are_left_alone(value):
    assert safe_cell(value) == value


def test_every_cell_of_every_row_and_the_header_is_guarded():
    text = csv_text(["=name", "note"], [["=cmd()", "ok"], ["fine", "\uff1d1+1"]])
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert rows == [["'=name", "note"], ["'=cmd()", "ok"], ["fine", "'\uff1d1+1"]]


def test_a_download_is_an_attachment_that_is_never_cached():
    response = csv_download("x.csv", ["a"], [["Zoë"]])
    body = b"".join(response.streaming_content).decode()
    assert body == BOM + "a\r\nZoë\r\n"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
