"""Keeping stored flare-up episodes in step with detection (spec.md section 6; R11).

Detection (``flare.detect_flares``) is a full recomputation; the service stores its episodes so
that the diary, the dashboard and the R11 escalation can read them. When a patient's entries
change, the episodes found again are compared with the stored ones here, as plain data, and the
result is a plan: which stored episodes to delete, which to create (and announce with R11) and
which to update (a later entry can end, reopen or prolong a flare). The service loads, calls
``flares_reconcile`` and writes the plan.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from .domain import Session
from .flare import FlareEpisode, flare_session_link
from .params import RuleParams


@dataclass(frozen=True)
class StoredFlare:
    """A flare-up episode as stored. ``detected_on`` is None on rows stored before it was kept."""

    id: int
    start: date
    end: date | None
    baseline_at_start: Fraction
    peak: int
    self_reported: bool
    detected_on: date | None
    session_id: int | None


@dataclass(frozen=True)
class FlareWrite:
    """One detected episode to store: a new row when ``stored`` is None, else an update of it.
    ``session_id`` is the session the flare followed (``flare.flare_session_link``)."""

    episode: FlareEpisode
    session_id: int | None
    stored: StoredFlare | None = None

    @property
    def creates(self) -> bool:
        return self.stored is None

    @property
    def closes(self) -> bool:
        """An update that ends a flare stored as still open."""
        return self.stored is not None and self.stored.end is None and self.episode.end is not None


@dataclass(frozen=True)
class FlarePlan:
    """What to change: stored ids to delete, and the episodes to write, oldest first."""

    delete: tuple[int, ...] = ()
    writes: tuple[FlareWrite, ...] = ()

    @property
    def creates(self) -> tuple[FlareWrite, ...]:
        return tuple(write for write in self.writes if write.creates)

    @property
    def updates(self) -> tuple[FlareWrite, ...]:
        return tuple(write for write in self.writes if not write.creates)


def flare_detect_from(stored: Sequence[StoredFlare], touched: date, params: RuleParams) -> date:
    """The first day whose flare decision a change of ``touched``'s entries can alter.

    A start on day D depends on D's pain, the baseline before D and the next logged day at most
    ``flare_next_day_max_gap`` days later, so only starts from touched - gap on can change; a
    stored flare still open, or settling on or after that day, is recomputed from its start.
    Flares that settled earlier keep their rows: detection after them already resumed.
    ``stored`` is ordered by start (flares never overlap)."""
    detect_from = touched - timedelta(days=params.flare_next_day_max_gap)
    for flare in stored:
        if flare.end is None or flare.end >= detect_from:
            return min(flare.start, detect_from)
    return detect_from


def _unchanged(stored: StoredFlare, episode: FlareEpisode, session_id: int | None) -> bool:
    return (
        stored.end == episode.end
        and stored.baseline_at_start == episode.baseline_at_start
        and stored.peak == episode.peak
        and stored.self_reported == episode.self_reported
        and stored.detected_on == episode.detected_on
        and stored.session_id == session_id
    )


def flares_reconcile(
    stored: Iterable[StoredFlare],
    detected: Sequence[FlareEpisode],
    sessions: Iterable[Session],
    *,
    detect_from: date,
    touched_day: date | None,
    params: RuleParams,
) -> FlarePlan:
    """Compare the stored episodes with ``detected`` (detection resumed at ``detect_from``).

    Stored episodes starting before ``detect_from`` are outside the recomputation and stay as
    they are. Of the others, one whose start is no longer detected is deleted (a deleted or
    corrected entry can undo a flare); a detected episode with no stored row is created; one
    whose values or linked session changed is updated. An unchanged episode is written again
    only when it covers ``touched_day``, whose entries' triggers may have changed.
    ``sessions``: the patient's sessions that may link to a detected start, in date order."""
    recomputed = {flare.start: flare for flare in stored if flare.start >= detect_from}
    starts = {episode.start for episode in detected}
    delete = tuple(flare.id for start, flare in recomputed.items() if start not in starts)
    sessions = list(sessions)
    writes = []
    for episode in detected:
        linked = flare_session_link(episode.start, sessions, params)
        session_id = linked.id if linked else None
        flare = recomputed.get(episode.start)
        touched = touched_day is not None and episode.covers(touched_day)
        if flare is not None and _unchanged(flare, episode, session_id) and not touched:
            continue
        writes.append(FlareWrite(episode, session_id, flare))
    return FlarePlan(delete=delete, writes=tuple(writes))


def flare_entry_span(episode: FlareEpisode, day: date) -> tuple[date, date]:
    """The days whose entries a write needs (triggers, and R11's evidence when it opens on
    ``day``): from the start to the end, or while open to ``day`` or the detection day."""
    return episode.start, episode.end or max(day, episode.detected_on)


def flare_triggers(
    episode: FlareEpisode, entries: Iterable[tuple[date, Iterable[str] | None]]
) -> list[str]:
    """The triggers the patient named during the flare, sorted; entries are (day, triggers).
    The end day has already settled, so its entries do not count."""
    return sorted(
        {
            trigger
            for entry_day, triggers in entries
            if episode.start <= entry_day and (episode.end is None or entry_day < episode.end)
            for trigger in triggers or ()
        }
    )


def flare_evidence(episode: FlareEpisode, entries: Iterable[tuple[int, date]]) -> list[int]:
    """R11's evidence when a flare is announced: the entries (id, day) from its start to the
    day it was detected, in the given order."""
    return [pk for pk, entry_day in entries if episode.start <= entry_day <= episode.detected_on]
