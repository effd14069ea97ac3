"""The bad-input corpus's figures: each case puts its outcome in its test report (the
`FIGURES_PROPERTY` user property, which pytest-xdist carries back from its workers), and
tests/conftest.py adds them up and prints them at the end of the run."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CorpusFigures:
    cases: dict[str, dict] = field(default_factory=dict)

    def record(self, case: str, outcome: dict) -> None:
        self.cases[case] = outcome

    def summary(self) -> str:
        rows = self.cases.values()
        return (
            f"bad-input corpus: {len(self.cases)} cases "
            f"({sum(r['csrf'] for r in rows)} without a CSRF token), "
            f"{sum(r['server_error'] for r in rows)} responses of 500, "
            f"{sum(r['invalid_rows'] for r in rows)} invalid rows stored, "
            f"{sum(r['reflections'] for r in rows)} unescaped reflections"
        )


FIGURES_PROPERTY = "bad_input_corpus"
FIGURES = CorpusFigures()
