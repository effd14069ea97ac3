"""Dosage in plain words (shown on Today, the builder, history and the printed plan)."""

import pytest

from exercises.models import dosage_text


@pytest.mark.parametrize(
    ("dosage", "text"),
    [
        ((2, 10, 0, 1, 7), "2 sets of 10. 1 time a day, every day."),
        ((1, 10, 5, 2, 5), "1 set of 10, hold 5 seconds. 2 times a day, 5 days a week."),
        ((1, 3, 30, 1, 1), "1 set of 3, hold 30 seconds. 1 time a day, 1 day a week."),
        ((3, 0, 0, 1, 7), "3 sets. 1 time a day, every day."),
        ((1, 1, 0, 1, 5), "1 time a day, 5 days a week."),
    ],
)
def test_dosage_reads_plainly(dosage, text):
    assert dosage_text(*dosage) == text
