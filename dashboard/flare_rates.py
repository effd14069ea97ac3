"""Flare-ups across sessions, clinic-wide (issue 16): for each intervention, the sessions that
included it, how many were followed by a flare-up within 2 days, and the rate with its 95%
Wilson interval; the same for all sessions. Pure: counts in, rates out.

"Followed by a flare-up" is the overview's definition (``redflags.engine.flare
.flare_session_link``, spec.md section 6): a flare-up belongs to the latest session from 2
days before its start to its start day, so each flare-up counts for one session only, and a
session is followed by a flare-up when some flare-up belongs to it. ``flare_analysis`` finds
that link in SQL; a test holds it to ``flare_session_link``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from outcomes.stats import Rate, rate


@dataclass(frozen=True)
class SessionCount:
    """Sessions with the same interventions (in one group): how many, and how many of them a
    flare-up followed."""

    interventions: frozenset[str]
    group: str
    sessions: int
    followed: int


@dataclass(frozen=True)
class InterventionRate:
    intervention: str
    rate: Rate


@dataclass(frozen=True)
class GroupRates:
    """One table: every session of the group, and each intervention's sessions."""

    key: str
    overall: Rate
    interventions: tuple[InterventionRate, ...]


def group_rates(
    counts: Iterable[SessionCount], *, interventions: Sequence[str]
) -> list[GroupRates]:
    """Rates per group (one group "" when not grouped), each intervention in the given order.
    A session with several interventions counts for each of them, and once for the group."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in counts:
        totals[row.group][0] += row.followed
        totals[row.group][1] += row.sessions
        for name in row.interventions:
            per[(row.group, name)][0] += row.followed
            per[(row.group, name)][1] += row.sessions
    return [
        GroupRates(
            key=key,
            overall=rate(*totals[key]),
            interventions=tuple(
                InterventionRate(name, rate(*per.get((key, name), (0, 0))))
                for name in interventions
            ),
        )
        for key in sorted(totals)
    ]
