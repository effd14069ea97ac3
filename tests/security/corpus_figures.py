"""The bad-input corpus's figures, gathered as its cases run and printed at the end of the run
(`pytest_terminal_summary` in tests/security/conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CorpusFigures:
    cases: dict[str, dict] = field(default_factory=dict)

    def record(
        self, case: str, *, server_error: bool, invalid_rows: int, reflections: int, csrf: bool
    ) -> None:
        self.cases[case] = {
            "server_error": server_error,
            "invalid_rows": invalid_rows,
            "reflections": reflections,
            "csrf": csrf,
        }

    def summary(self) -> str:
        rows = self.cases.values()
        return (
            f"bad-input corpus: {len(self.cases)} cases "
            f"({sum(r['csrf'] for r in rows)} without a CSRF token), "
            f"{sum(r['server_error'] for r in rows)} responses of 500, "
            f"{sum(r['invalid_rows'] for r in rows)} invalid rows stored, "
            f"{sum(r['reflections'] for r in rows)} unescaped reflections"
        )


FIGURES = CorpusFigures()
