"""Counting over days: the long chart's table of weeks, how many days each descriptor or region
was named, and the days each screening question was answered "yes". Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from redflags.engine.baseline import median
from redflags.engine.domain import DayPain


@dataclass(frozen=True)
class WeekSummary:
    """One week of the long chart's table alternative."""

    start: date
    end: date
    logged_days: int
    lowest: int | None
    median: Fraction | None
    highest: int | None
    flare_days: int
    sessions: int
    alerts: int


def weekly_summary(
    day_pains: Iterable[DayPain],
    *,
    start: date,
    end: date,
    flare_days: Iterable[date] = (),
    session_days: Iterable[date] = (),
    alert_days: Iterable[date] = (),
) -> list[WeekSummary]:
    """Seven-day weeks counted back from ``end`` (the last one may be shorter at ``start``),
    newest first: logged days, lowest, median and highest daily pain, and how many flare-up
    days, sessions and alerts fell in each."""
    pains = {d.day: d.daily_pain for d in day_pains if start <= d.day <= end}
    weeks = max(0, (end - start).days // 7 + 1)

    def week_of(day: date) -> int | None:
        """Weeks back from ``end``: 0 for the last seven days, None outside start..end."""
        return (end - day).days // 7 if start <= day <= end else None

    # One pass over each list, each day into its week (not a pass per week: a year of days
    # and 52 weeks).
    values: list[list[int]] = [[] for _ in range(weeks)]
    for day, pain in pains.items():
        values[(end - day).days // 7].append(pain)
    counts = {"flare_days": [0] * weeks, "sessions": [0] * weeks, "alerts": [0] * weeks}
    for name, days in (
        ("flare_days", set(flare_days)),
        ("sessions", session_days),
        ("alerts", alert_days),
    ):
        for day in days:
            week = week_of(day)
            if week is not None:
                counts[name][week] += 1
    result = []
    for week in range(weeks):
        week_end = end - timedelta(days=7 * week)
        logged = values[week]
        result.append(
            WeekSummary(
                start=max(start, week_end - timedelta(days=6)),
                end=week_end,
                logged_days=len(logged),
                lowest=min(logged) if logged else None,
                median=median(logged) if logged else None,
                highest=max(logged) if logged else None,
                flare_days=counts["flare_days"][week],
                sessions=counts["sessions"][week],
                alerts=counts["alerts"][week],
            )
        )
    return result


def day_frequencies(entries: Iterable[tuple[date, Iterable[str]]]) -> list[tuple[str, int]]:
    """On how many days each value (a descriptor, a region, a screening answer) was reported,
    most frequent first, ties by value. A day with several entries naming it counts once."""
    days: dict[str, set[date]] = {}
    for day, values in entries:
        for value in values:
            days.setdefault(value, set()).add(day)
    return sorted(((value, len(d)) for value, d in days.items()), key=lambda p: (-p[1], p[0]))


@dataclass(frozen=True)
class ScreeningRow:
    question: str
    days: tuple[date, ...]

    @property
    def count(self) -> int:
        return len(self.days)

    @property
    def last(self) -> date:
        return self.days[-1]


def screening_over_time(
    entries: Iterable[tuple[date, Iterable[str]]], questions: Sequence[str]
) -> list[ScreeningRow]:
    """Each screening question answered "yes" at least once, in ``questions`` order, with the
    days it was answered (oldest first)."""
    days: dict[str, set[date]] = {}
    for day, answers in entries:
        for answer in answers:
            days.setdefault(answer, set()).add(day)
    return [ScreeningRow(q, tuple(sorted(days[q]))) for q in questions if q in days]
