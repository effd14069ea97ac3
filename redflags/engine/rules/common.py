"""What the rules share: building a ``Finding``, showing exact numbers, and the section 5 windows
of earlier entries."""

from collections.abc import Iterable, Sequence
from datetime import timedelta
from fractions import Fraction
from typing import Any

from ..domain import RULE_CODES, RULE_SEVERITY, Entry, Finding


def make_finding(
    rule: str,
    reason: str,
    patient_reason: str,
    *,
    entry_ids: Iterable[int | None] = (),
    data: dict[str, Any] | None = None,
    severity: str | None = None,
    log_ids: Iterable[int | None] = (),
) -> Finding:
    return Finding(
        rule=rule,
        code=RULE_CODES[rule],
        severity=severity or RULE_SEVERITY[rule],
        reason=reason,
        patient_reason=patient_reason,
        evidence_entry_ids=tuple(i for i in entry_ids if i is not None),
        data=data or {},
        evidence_exercise_log_ids=tuple(i for i in log_ids if i is not None),
    )


def json_number(value: int | Fraction) -> int | float:
    """JSON-friendly form of an exact value; medians are whole or halves, so floats are exact."""
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else float(value)


def show_number(value: int | Fraction) -> str:
    return str(json_number(value))


def join_words(words: Sequence[str]) -> str:
    """Joins words as in a sentence: ``a``, ``a and b``, ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _same_entry(a: Entry, b: Entry) -> bool:
    return a is b or (a.id is not None and a.id == b.id)


def entries_before(entry: Entry, entries: Iterable[Entry]) -> list[Entry]:
    """Entries recorded before ``entry`` (ties kept: the service passes only earlier ones, and
    the replay orders ties by file order), oldest first, never ``entry`` itself."""
    earlier = [
        e for e in entries if not _same_entry(e, entry) and e.recorded_at <= entry.recorded_at
    ]
    return sorted(earlier, key=lambda e: e.recorded_at)  # stable: ties keep their order


def earlier_in_window(entry: Entry, entries: Iterable[Entry], window_days: int) -> list[Entry]:
    """Section 5 windows: entries of days D-14 to D-1 plus those earlier on day D."""
    first_day = entry.day - timedelta(days=window_days)
    return [e for e in entries_before(entry, entries) if first_day <= e.day <= entry.day]


def region_label(region: str) -> str:
    return region.replace("_", " ")


def limb_side_label(limb_side: str) -> str:
    return limb_side.replace("_", " ")
