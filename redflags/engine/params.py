"""Tunable thresholds of the red-flag rule set (spec.md sections 4, 6 and 8).

Every number a rule compares against lives here, named with its unit, with the default that
ships. A clinic may tune them; the rule-set model stores ``RuleParams.to_dict()`` as JSON.

JSON storage: ``Fraction`` fields are stored as strings such as ``"3/10"`` so they round-trip
exactly (``from_dict`` also accepts decimal strings like ``"0.3"``, ints, and floats, which are
read through their shortest decimal form so 0.3 means exactly 3/10). ``enabled`` is stored as a
list of rule ids. R1-R7 are mandatory safety rules: they are always enabled, whatever is passed.
"""

from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any

from .domain import RULE_IDS

#: Safety-critical rules a clinic cannot switch off.
MANDATORY_RULES = frozenset({"R1", "R2", "R3", "R4", "R5", "R6", "R7"})


@dataclass(frozen=True)
class RuleParams:
    # Section 2, baseline: median daily pain of the logged days among the N days before D.
    baseline_window_days: int = 14
    # ... with fewer logged days than this, the intake baseline_pain is used.
    baseline_min_days: int = 3
    # Section 2, meaningful rise (Farrar 2001): at least this many NPRS points ...
    rise_min_points: int = 2
    # ... and at least this fraction of the baseline. A meaningful fall mirrors the rise and
    # uses the same two numbers (section 5, "Precise semantics").
    rise_min_fraction: Fraction = Fraction(3, 10)

    # Section 3, flares: the second elevated day is at most this many days after the first.
    flare_next_day_max_gap: int = 2
    # A flare ends on a logged day whose daily pain is at most baseline-at-start + N points.
    flare_end_margin_points: int = 1
    # A flare starting on a session's day or up to N days after it is "after" that session.
    flare_session_link_days: int = 2
    # R11 becomes urgent when a flare is still open at the end of day start + N.
    flare_escalate_after_days: int = 7

    # Section 4 traffic light: pain_during up to this NPRS value is green; above it and up to
    # r10_red_pain_above is amber; above r10_red_pain_above is red.
    exercise_green_max_pain: int = 2

    # R2: earlier entries of the previous N days (plus earlier today) are compared.
    r2_window_days: int = 14
    # R3: foot drop is new when not reported in the previous N days (plus earlier today).
    r3_window_days: int = 14
    # R3: weakness strictly increasing over this many consecutive entries (this one included).
    r3_rising_entries: int = 3
    # R5: earlier regions come from entries of the previous N days (plus earlier today).
    r5_window_days: int = 14
    # R7: pain_worst at least this many NPRS points.
    r7_min_pain_worst: int = 7
    # R8: the number of most recent sessions with post-session pain that are compared.
    r8_sessions: int = 3
    # R8: post-session pain rose by at least this many NPRS points from first to last.
    r8_min_total_rise: int = 2
    # R10: red zone is pain_during strictly above this NPRS value (Silbernagel 2007).
    r10_red_pain_above: int = 5
    # R10: red days must fall within a window of this many calendar days (14 = at most 13 apart).
    r10_window_days: int = 14
    # R10: number of different days with a red log.
    r10_min_red_days: int = 2
    # R12: DN4 interview items needed in one entry (Bouhassira 2005).
    r12_min_dn4_items: int = 3
    # R13 session part: days after a session's day that also count (S to S+N), checked at the
    # end of day S+N.
    r13_session_days: int = 2
    # R13 plan part: length in days of the adherence window, and how long a plan must have been
    # active before it is checked.
    r13_plan_days: int = 7
    # R13 plan part: fires when logged doses are fewer than this fraction of prescribed doses.
    r13_min_fraction: Fraction = Fraction(1, 2)
    # R14: checked once the day is at least N days after the first entry's day.
    r14_min_days: int = 28
    # R14: length in days of the first and last windows compared.
    r14_window_days: int = 7
    # R14: each window needs at least this many logged days, else the check is skipped.
    r14_min_logged_days: int = 3

    # Rule ids that run. R1-R7 are forced on (MANDATORY_RULES).
    enabled: frozenset[str] = frozenset(RULE_IDS)

    def __post_init__(self) -> None:
        enabled = frozenset(self.enabled)
        unknown = enabled - set(RULE_IDS)
        if unknown:
            raise ValueError(f"unknown rule ids in enabled: {sorted(unknown)}")
        # Forced here rather than only in from_dict so that no code path can disable them.
        object.__setattr__(self, "enabled", enabled | MANDATORY_RULES)

        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "enabled":
                continue
            if f.type in ("Fraction", Fraction):
                value = _to_fraction(f.name, value)
                object.__setattr__(self, f.name, value)
                if not 0 <= value <= 1:
                    raise ValueError(f"{f.name}={value} must be between 0 and 1")
            else:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"{f.name}={value!r} must be an integer")
                if value < 0:
                    raise ValueError(f"{f.name}={value} must not be negative")
        at_least = {
            "baseline_window_days": 1,
            "r10_window_days": 1,
            "r10_min_red_days": 1,
            "r13_plan_days": 1,
            "r14_window_days": 1,
            # A rise needs something to rise from.
            "r3_rising_entries": 2,
            "r8_sessions": 2,
        }
        for name, minimum in at_least.items():
            if getattr(self, name) < minimum:
                raise ValueError(f"{name} must be at least {minimum}")

    def is_enabled(self, rule: str) -> bool:
        return rule in self.enabled

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: Fractions as ``"n/d"`` strings, ``enabled`` as a sorted list."""
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "enabled":
                data[f.name] = sorted(value, key=RULE_IDS.index)
            elif isinstance(value, Fraction):
                data[f.name] = f"{value.numerator}/{value.denominator}"
            else:
                data[f.name] = value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RuleParams":
        """Read stored parameters; missing keys take the defaults, unknown keys are an error
        (a misspelt threshold must not silently fall back to its default)."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown rule parameters: {sorted(unknown)}")
        values = dict(data)
        if "enabled" in values:
            values["enabled"] = frozenset(values["enabled"]) | MANDATORY_RULES
        return cls(**values)


def _to_fraction(name: str, value: object) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{name}={value!r} is not a number")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        # Through the shortest repr, so 0.3 is read as 3/10 and not as its binary neighbour.
        return Fraction(repr(value))
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError) as error:
            raise ValueError(f"{name}={value!r} is not a fraction like '3/10'") from error
    raise ValueError(f"{name}={value!r} is not a number")
