"""The clinic's flare-up analysis from the database: which sessions count, grouping, and a
query count that does not grow with the number of sessions."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.flare_analysis import (
    GROUP_DIAGNOSIS,
    GROUP_THERAPIST,
    flare_analysis,
    linked_flares,
)
from redflags.engine.domain import Session
from redflags.engine.flare import flare_session_link
from redflags.engine.params import RuleParams
from redflags.models import FlareEpisode
from symptoms.models import PTSession
from tests.factories import PatientFactory

from .conftest import day, flare, session

pytestmark = pytest.mark.django_db
PARAMS = RuleParams()


def analyse(clinic, **kwargs):
    kwargs.setdefault("start", day(0))
    kwargs.setdefault("end", day(20))
    return flare_analysis(clinic.pk, today=day(20), params=PARAMS, **kwargs)


def by_intervention(group):
    return {i.intervention: (i.rate.events, i.rate.total) for i in group.interventions}


def test_sessions_followed_by_a_flare_within_two_days_per_intervention(clinic, patient):
    session(patient, 1, ["dry_needling"])
    session(patient, 8, ["manual_therapy"])
    session(patient, 12, ["dry_needling", "education"])
    flare(patient, 3, 5)  # 2 days after the needling on day 1
    flare(patient, 11, 12)  # 3 days after day 8: follows nothing
    flare(patient, 12, None)  # the day-12 session
    (group,) = analyse(clinic).groups
    assert (group.overall.events, group.overall.total) == (2, 3)
    counts = by_intervention(group)
    assert counts["dry_needling"] == (2, 2)
    assert counts["manual_therapy"] == (0, 1)
    assert counts["education"] == (1, 1)


def test_sessions_whose_two_days_are_not_over_are_left_out(clinic, patient):
    session(patient, 18, ["education"])
    session(patient, 19, ["education"])
    result = analyse(clinic)
    assert result.last_counted == day(18)
    assert result.sessions == 1


def test_a_session_just_after_the_period_keeps_its_own_flare(clinic, patient):
    session(patient, 10, ["dry_needling"])
    session(patient, 11, ["manual_therapy"])
    flare(patient, 12, 14)
    result = analyse(clinic, start=day(0), end=day(10))
    assert by_intervention(result.groups[0])["dry_needling"] == (0, 1)


def test_another_clinics_sessions_never_count(clinic, other_clinic, patient):
    elsewhere = PatientFactory(clinic=other_clinic)
    session(elsewhere, 2, ["dry_needling"])
    flare(elsewhere, 3, 4)
    assert analyse(clinic).sessions == 0


def test_grouped_by_therapist_and_by_diagnosis(clinic, patient, other_patient, therapist):
    session(patient, 1, ["dry_needling"])
    flare(patient, 2, 3)
    session(other_patient, 1, ["dry_needling"])
    other_patient.intake.conditions = "Carpal tunnel syndrome"
    other_patient.intake.save()
    by_therapist = analyse(clinic, group_by=GROUP_THERAPIST)
    names = {by_therapist.labels[g.key]: g.overall.events for g in by_therapist.groups}
    assert names == {"Tess Therapist": 1, "Owen Other": 0}
    by_diagnosis = analyse(clinic, group_by=GROUP_DIAGNOSIS)
    labels = {by_diagnosis.labels[g.key]: g.overall.total for g in by_diagnosis.groups}
    assert labels == {"L5 radiculopathy": 1, "Carpal tunnel syndrome": 1}


@pytest.mark.parametrize("weeks", [1, 3])
def test_query_count_does_not_grow_with_the_sessions(
    clinic, therapist, weeks, django_assert_num_queries
):
    for _ in range(3 * weeks):
        patient = PatientFactory(clinic=clinic, therapists=[therapist])
        for week in range(weeks):
            session(patient, week * 6, ["dry_needling"])
            flare(patient, week * 6 + 1, week * 6 + 2)
    with django_assert_num_queries(1):
        analyse(clinic)
    with django_assert_num_queries(3):
        analyse(clinic, group_by=GROUP_THERAPIST)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    sessions=st.lists(st.integers(0, 12), max_size=8),
    starts=st.lists(st.integers(0, 14), min_size=1, max_size=4, unique=True),
)
def test_the_sql_link_is_flare_session_link(clinic, sessions, starts):
    """``linked_flares`` finds in SQL the session ``flare_session_link`` names, for any layout
    of sessions (several a day included) and flare-ups."""
    patient = PatientFactory(clinic=clinic)
    rows = [session(patient, number) for number in sessions]
    domain = sorted((Session(r.pk, r.date) for r in rows), key=lambda s: (s.day, s.id))
    for number in starts:
        flare(patient, number, None if number == max(starts) else number + 1)
    found = dict(linked_flares(PARAMS).filter(patient=patient).values_list("start", "linked"))
    assert set(found) == {day(number) for number in starts}
    for start, linked in found.items():
        expected = flare_session_link(start, domain, PARAMS)
        assert linked == (expected.id if expected else None), (sessions, starts)
    FlareEpisode.objects.filter(patient=patient).delete()
    PTSession.objects.filter(patient=patient).delete()
