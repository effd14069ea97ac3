"""Flare-ups and spikes (spec.md section 6 and section 8, "Precise semantics"; R11).

Detection is a full recomputation over the logged days in date order, so the same data always
gives the same episodes whichever order it arrived in. Flares never overlap: after a flare ends,
detection resumes on the next logged day.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from .baseline import baseline_on, is_meaningful_rise
from .domain import DayPain, Session
from .params import RuleParams


@dataclass(frozen=True)
class FlareEpisode:
    """One flare-up (section 3).

    ``end`` is the first later logged day that settled (daily pain at most
    baseline-at-start + 1 and no ``is_flare = yes``), or None while open. The end day belongs to
    the episode (it is the day the flare was seen to end), so it is never a start or a spike.
    ``second_elevated_day`` is the day detection became possible: the start day itself when
    self-reported, else the second elevated day. R11 opens on that day.
    """

    start: date
    end: date | None
    baseline_at_start: Fraction
    peak: int
    self_reported: bool
    second_elevated_day: date

    @property
    def detected_on(self) -> date:
        """The day R11 opens (section 5, R11): an alias of ``second_elevated_day``."""
        return self.second_elevated_day

    @property
    def is_open(self) -> bool:
        return self.end is None

    def covers(self, day: date) -> bool:
        """Whether ``day`` lies within the episode, its start and end days included."""
        return self.start <= day and (self.end is None or day <= self.end)


def _sorted_days(days: Iterable[DayPain]) -> list[DayPain]:
    ordered = sorted(days, key=lambda d: d.day)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier.day == later.day:
            raise ValueError(f"two DayPain rows for {later.day}; merge entries per day first")
    return ordered


def _start_at(
    index: int, days: Sequence[DayPain], intake_baseline_pain: int, params: RuleParams
) -> FlareEpisode | None:
    """The episode starting on ``days[index]``, with its end left open, if that day starts one.

    Section 3: a self-report (``is_flare = yes``) starts a flare whatever the pain; otherwise the
    day and the next logged day, at most 2 days later, must both be a meaningful rise over the
    baseline on the first day."""
    first = days[index]
    baseline = baseline_on(first.day, days, intake_baseline_pain, params)
    if first.flare_yes:
        return FlareEpisode(first.day, None, baseline, first.daily_pain, True, first.day)
    if not is_meaningful_rise(first.daily_pain, baseline, params):
        return None
    if index + 1 >= len(days):
        return None  # the next logged day is not known yet
    second = days[index + 1]
    if (second.day - first.day).days > params.flare_next_day_max_gap:
        return None
    if not is_meaningful_rise(second.daily_pain, baseline, params):
        return None
    return FlareEpisode(first.day, None, baseline, first.daily_pain, False, second.day)


def detect_flares(
    days: Sequence[DayPain],
    intake_baseline_pain: int,
    params: RuleParams,
    *,
    detect_from: date | None = None,
) -> list[FlareEpisode]:
    """All flare episodes over the logged days, oldest first (section 3; R11).

    ``days`` are the logged days (one ``DayPain`` per day, any order). Only logged days end a
    flare: a patient who stops logging keeps it open.

    ``detect_from`` resumes detection at a day known to be outside any flare (the service
    passes the day after the last settled flare, or a day whose decision new data can change):
    only episodes starting on or after it are returned, while the days before it still serve as
    the baseline window. With ``days`` covering the baseline window before ``detect_from``, the
    result equals the episodes of a full recomputation that start on or after it."""
    ordered = _sorted_days(days)
    episodes: list[FlareEpisode] = []
    index = 0
    if detect_from is not None:
        while index < len(ordered) and ordered[index].day < detect_from:
            index += 1
    while index < len(ordered):
        episode = _start_at(index, ordered, intake_baseline_pain, params)
        if episode is None:
            index += 1
            continue
        settled_at = episode.baseline_at_start + params.flare_end_margin_points
        peak = episode.peak
        end: date | None = None
        cursor = index + 1
        while cursor < len(ordered):
            day = ordered[cursor]
            if day.daily_pain <= settled_at and not day.flare_yes:
                end = day.day
                break
            peak = max(peak, day.daily_pain)
            cursor += 1
        episodes.append(
            FlareEpisode(
                start=episode.start,
                end=end,
                baseline_at_start=episode.baseline_at_start,
                peak=peak,
                self_reported=episode.self_reported,
                second_elevated_day=episode.second_elevated_day,
            )
        )
        if end is None:
            break
        index = cursor + 1  # detection resumes on the next logged day after the end
    return episodes


def detect_spikes(
    days: Sequence[DayPain],
    intake_baseline_pain: int,
    params: RuleParams,
    flares: Sequence[FlareEpisode] | None = None,
) -> list[date]:
    """Spike days, oldest first (section 3 and 5): logged days with a meaningful rise over
    their own baseline that neither start nor belong to a flare. Spikes raise no alert.

    The last logged day can be a spike that turns into a flare start once the next day is
    logged. Pass ``flares`` if already computed from the same ``days``."""
    ordered = _sorted_days(days)
    if flares is None:
        flares = detect_flares(ordered, intake_baseline_pain, params)
    spikes = []
    for day in ordered:
        if any(episode.covers(day.day) for episode in flares):
            continue
        baseline = baseline_on(day.day, ordered, intake_baseline_pain, params)
        if is_meaningful_rise(day.daily_pain, baseline, params):
            spikes.append(day.day)
    return spikes


def flare_session_link(
    flare_start: date, sessions: Iterable[Session], params: RuleParams | None = None
) -> Session | None:
    """The session a flare is "after" (section 3): the latest session from 2 days before the
    flare's start up to the start day itself. Among sessions on the same day, the later one in
    ``sessions`` wins."""
    link_days = (params or RuleParams()).flare_session_link_days
    earliest = flare_start - timedelta(days=link_days)
    linked: Session | None = None
    for session in sessions:
        if earliest <= session.day <= flare_start and (linked is None or session.day >= linked.day):
            linked = session
    return linked


def flare_needs_escalation(episode: FlareEpisode, today: date, params: RuleParams) -> bool:
    """R11 escalation, checked by the daily sweep at the end of ``today``: the flare is still
    open at the end of the 7th day after its start (today >= start + 7)."""
    escalate_from = episode.start + timedelta(days=params.flare_escalate_after_days)
    return episode.end is None and today >= escalate_from
