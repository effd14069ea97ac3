"""Outcome measures and their minimal clinically important differences (MCID): pure arithmetic,
no Django, no app (docs/clinical/spec.md or docs/clinical-decisions.md, "Outcome measures").

- **PSFS** (Patient-Specific Functional Scale): up to five activities the patient finds hard,
  each rated 0 (unable to perform) to 10 (able to perform at the level before the problem); the
  score is the mean of the items; a change of at least 2 points on the mean is clinically
  important (Stratford et al. 1995, Physiother Can 47:258; Horn et al. 2012, JOSPT 42:30).
- **GROC** (Global Rating of Change): -7 (a very great deal worse) to +7 (a very great deal
  better); +3 or more is a clinically important improvement (Kamper et al. 2009, J Man Manip Ther
  17:163). By symmetry, -3 or less counts as clinically important worsening (our reading).
- **Pain** against its MCID (a fall of at least 2 points and 30% from the intake baseline,
  Farrar 2001, Childs 2005) is the rule set's "meaningful fall", computed where the rule set is
  known (``care.outcomes``); here it arrives as a verdict.

All arithmetic is exact (``Fraction``), so a mean of 6.4 against 4.4 is a change of exactly 2.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

#: PSFS item ratings: 0 (unable to perform) to 10 (as before the problem).
PSFS_MIN = 0
PSFS_MAX = 10
#: At most this many activities (the PSFS names three to five).
PSFS_MAX_ACTIVITIES = 5
#: Clinically important change of the PSFS mean, in points (Stratford 1995; Horn 2012).
PSFS_MCID = Fraction(2)
#: The patient re-rates the same activities every this many days.
PSFS_REVIEW_DAYS = 14

#: GROC answers: -7 (a very great deal worse) to +7 (a very great deal better).
GROC_MIN = -7
GROC_MAX = 7
#: +3 or more is a clinically important improvement (Kamper 2009); -3 or less, worsening.
GROC_IMPORTANT = 3
#: The check-in asks the GROC once every this many days.
GROC_INTERVAL_DAYS = 7


class Verdict(enum.StrEnum):
    """Where a measure (or a patient) stands against its MCID."""

    IMPROVED = "improved"
    NOT_YET = "not_yet"
    WORSE = "worse"
    #: Nothing to compare yet (no measure, or no baseline).
    UNMEASURED = "unmeasured"


def psfs_score(ratings: Iterable[int]) -> Fraction:
    """The PSFS score: the mean of the item ratings, exactly."""
    values = [int(value) for value in ratings]
    if not values:
        raise ValueError("a PSFS score needs at least one rated activity")
    for value in values:
        if not PSFS_MIN <= value <= PSFS_MAX:
            raise ValueError(f"PSFS ratings are {PSFS_MIN}-{PSFS_MAX}, not {value}")
    return Fraction(sum(values), len(values))


def psfs_verdict(first: Fraction, last: Fraction, mcid: Fraction = PSFS_MCID) -> Verdict:
    """A rise of the mean by at least the MCID is improved, a fall by at least it is worse."""
    change = Fraction(last) - Fraction(first)
    if change >= mcid:
        return Verdict.IMPROVED
    if change <= -mcid:
        return Verdict.WORSE
    return Verdict.NOT_YET


def groc_verdict(score: int, important: int = GROC_IMPORTANT) -> Verdict:
    """+3 or more: a clinically important improvement (Kamper 2009); -3 or less: worse."""
    if not GROC_MIN <= score <= GROC_MAX:
        raise ValueError(f"GROC answers are {GROC_MIN} to +{GROC_MAX}, not {score}")
    if score >= important:
        return Verdict.IMPROVED
    if score <= -important:
        return Verdict.WORSE
    return Verdict.NOT_YET


def pain_verdict(*, meaningful_fall: bool, meaningful_rise: bool) -> Verdict:
    """Pain against its MCID, from the rule set's meaningful fall and rise (``care.outcomes``
    decides both from the intake baseline)."""
    if meaningful_rise:
        return Verdict.WORSE
    if meaningful_fall:
        return Verdict.IMPROVED
    return Verdict.NOT_YET


def overall_verdict(verdicts: Iterable[Verdict]) -> Verdict:
    """The caseload's "Outcome": worse if any measure is clinically worse (it needs a look
    first, whatever else improved), else improved if any reached its MCID, else not yet if
    anything was measured, else unmeasured."""
    seen = set(verdicts)
    for verdict in (Verdict.WORSE, Verdict.IMPROVED, Verdict.NOT_YET):
        if verdict in seen:
            return verdict
    return Verdict.UNMEASURED


@dataclass(frozen=True)
class Measurement:
    """One value of a measure on a day (a PSFS mean, a GROC answer, a pain figure)."""

    day: date
    value: Fraction


@dataclass(frozen=True)
class MeasureChange:
    """A measure at the start and now, the change and where it stands against its MCID."""

    first: Measurement | None
    last: Measurement | None
    verdict: Verdict

    @property
    def change(self) -> Fraction | None:
        if self.first is None or self.last is None:
            return None
        return self.last.value - self.first.value

    @property
    def measured_twice(self) -> bool:
        return self.first is not None and self.last is not None and self.first.day != self.last.day


def psfs_change(
    assessments: Sequence[tuple[date, Sequence[int]]], mcid: Fraction = PSFS_MCID
) -> MeasureChange:
    """The first and the latest PSFS assessment (day, ratings), in any order, against the MCID.
    One assessment is a baseline without a change: not yet."""
    ordered = sorted(assessments, key=lambda item: item[0])
    if not ordered:
        return MeasureChange(None, None, Verdict.UNMEASURED)
    first = Measurement(ordered[0][0], psfs_score(ordered[0][1]))
    last = Measurement(ordered[-1][0], psfs_score(ordered[-1][1]))
    if len(ordered) == 1:
        return MeasureChange(first, last, Verdict.NOT_YET)
    return MeasureChange(first, last, psfs_verdict(first.value, last.value, mcid))


def groc_change(answers: Sequence[tuple[date, int]]) -> MeasureChange:
    """The GROC is itself a change since the start: the latest answer decides. ``first`` is the
    first answer, for the trend."""
    ordered = sorted(answers, key=lambda item: item[0])
    if not ordered:
        return MeasureChange(None, None, Verdict.UNMEASURED)
    first = Measurement(ordered[0][0], Fraction(ordered[0][1]))
    last = Measurement(ordered[-1][0], Fraction(ordered[-1][1]))
    return MeasureChange(first, last, groc_verdict(ordered[-1][1]))


def is_due(last_day: date | None, today: date, every_days: int) -> bool:
    """A measure repeated every ``every_days`` days is due once that many days have passed since
    it was last taken (on day D + every_days), or when it was never taken."""
    return last_day is None or (today - last_day).days >= every_days


GROC_LABELS_EN = {
    7: "A very great deal better",
    6: "A great deal better",
    5: "Quite a bit better",
    4: "Moderately better",
    3: "Somewhat better",
    2: "A little better",
    1: "A tiny bit better",
    0: "About the same",
    -1: "A tiny bit worse",
    -2: "A little worse",
    -3: "Somewhat worse",
    -4: "Moderately worse",
    -5: "Quite a bit worse",
    -6: "A great deal worse",
    -7: "A very great deal worse",
}
"""The 15-point scale's anchors (Jaeschke 1989, as used by Kamper 2009), in English: the
FHIR Questionnaire's answer texts. The app's own labels are translated (``outcomes.choices``)."""
