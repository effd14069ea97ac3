"""Flare-ups across sessions, clinic-wide: the arithmetic (dashboard.flare_rates), no database."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from dashboard.flare_rates import SessionCount, group_rates

NAMES = ["dry_needling", "manual_therapy", "education"]


def c(*interventions, sessions, followed, group=""):
    return SessionCount(frozenset(interventions), group, sessions, followed)


def test_each_intervention_gets_its_sessions_and_flares_and_the_clinic_all_sessions():
    counts = [
        c("dry_needling", sessions=12, followed=3),
        c("manual_therapy", "education", sessions=3, followed=1),
    ]
    (group,) = group_rates(counts, interventions=NAMES)
    assert (group.overall.events, group.overall.total) == (4, 15)
    assert group.overall.share == Fraction(4, 15)
    needling, manual, education = group.interventions
    assert (needling.rate.events, needling.rate.total, needling.rate.share) == (
        3,
        12,
        Fraction(1, 4),
    )
    assert needling.rate.low < 0.25 < needling.rate.high
    # Three sessions of manual therapy: shown as counts, not as a rate.
    assert (manual.rate.events, manual.rate.total) == (1, 3) and manual.rate.too_few
    assert education.rate.too_few


def test_groups_are_kept_apart():
    counts = [
        c("education", sessions=1, followed=1, group="tess"),
        c("education", sessions=2, followed=1, group="owen"),
    ]
    totals = {
        g.key: (g.overall.events, g.overall.total)
        for g in group_rates(counts, interventions=["education"])
    }
    assert totals == {"owen": (1, 2), "tess": (1, 1)}


def test_an_intervention_nobody_had_is_empty_not_zero_percent():
    (group,) = group_rates([c("education", sessions=1, followed=0)], interventions=["dry_needling"])
    empty = group.interventions[0].rate
    assert empty.total == 0 and empty.share is None and not empty.too_few


@given(
    st.lists(
        st.tuples(st.sets(st.sampled_from(NAMES)), st.integers(1, 50), st.integers(0, 50)).map(
            lambda t: c(*t[0], sessions=t[1], followed=min(t[1], t[2]))
        ),
        max_size=8,
    )
)
def test_the_clinic_row_counts_each_session_once_and_never_less_than_an_intervention(counts):
    for group in group_rates(counts, interventions=NAMES):
        assert group.overall.total == sum(x.sessions for x in counts)
        for row in group.interventions:
            assert row.rate.total <= group.overall.total
            assert row.rate.events <= row.rate.total
