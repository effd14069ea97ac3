"""Writing outcome records: bad input stores nothing, the database holds the limits too."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from outcomes.models import GROCResponse, PSFSActivity, PSFSAssessment, PSFSRating, PSFSRequest
from outcomes.selectors import first_and_last_psfs, groc_answers, groc_due, psfs_history
from outcomes.services import groc_record, psfs_rate, psfs_request, psfs_setup

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 3, 2, 12, 0, tzinfo=LONDON)


def _setup(patient, therapist, items=(("Putting on socks", 3), ("Walking 1 km", 2))):
    return psfs_setup(patient, list(items), actor=therapist, recorded_at=START)


def _nothing_stored(patient):
    return (
        not PSFSActivity.objects.filter(patient=patient).exists()
        and not PSFSAssessment.objects.filter(patient=patient).exists()
        and not PSFSRating.objects.exists()
    )


def test_setup_names_the_activities_and_stores_the_intake_ratings(patient, therapist):
    assessment = _setup(patient, therapist)
    assert assessment.kind == "intake"
    assert assessment.day == START.date()
    names = list(PSFSActivity.objects.filter(patient=patient).values_list("position", "name"))
    assert names == [(1, "Putting on socks"), (2, "Walking 1 km")]
    assert sorted(assessment.ratings.values_list("rating", flat=True)) == [2, 3]


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([("A", 1), ("B", 1), ("C", 1), ("D", 1), ("E", 1), ("F", 1)], "too_many_activities"),
        ([("   ", 4)], "activity_empty"),
        ([("Stairs", 11)], "rating_range"),
        ([("Stairs", -1)], "rating_range"),
        ([("Stairs", 3), ("stairs ", 4)], "duplicate"),
        ([], "no_activities"),
    ],
)
def test_bad_setup_is_refused_and_stores_nothing(patient, therapist, items, code):
    with pytest.raises(ValidationError) as caught:
        psfs_setup(patient, items, actor=therapist)
    assert caught.value.code == code
    assert _nothing_stored(patient)


def test_activities_are_named_once(patient, therapist):
    _setup(patient, therapist)
    with pytest.raises(ValidationError) as caught:
        _setup(patient, therapist, [("Gardening", 2)])
    assert caught.value.code == "already_named"
    assert PSFSActivity.objects.filter(patient=patient).count() == 2


def test_the_database_refuses_a_sixth_activity_and_a_rating_of_eleven(patient, therapist):
    assessment = _setup(patient, therapist)
    with pytest.raises(IntegrityError), transaction.atomic():
        PSFSActivity.objects.create(patient=patient, position=6, name="Sixth")
    activity = PSFSActivity.objects.filter(patient=patient).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        PSFSRating.objects.filter(assessment=assessment, activity=activity).update(rating=11)
    with pytest.raises(IntegrityError), transaction.atomic():
        PSFSActivity.objects.create(patient=patient, position=3, name="")


def test_rerating_rates_every_activity_and_answers_the_open_request(patient, therapist):
    _setup(patient, therapist)
    request = psfs_request(patient, "discharge", actor=therapist)
    activities = list(PSFSActivity.objects.filter(patient=patient))
    later = START + timedelta(days=20)
    assessment = psfs_rate(
        patient, {a.pk: 7 for a in activities}, actor=patient.user, recorded_at=later
    )
    assert assessment.kind == "discharge"
    request.refresh_from_db()
    assert request.answered_by == assessment
    assert not PSFSRequest.objects.filter(patient=patient, answered_by__isnull=True).exists()


@pytest.mark.parametrize("bad", ["missing", "extra", "range"])
def test_bad_rerating_is_refused_and_stores_nothing(patient, therapist, other_patient, bad):
    _setup(patient, therapist)
    activities = list(PSFSActivity.objects.filter(patient=patient))
    ratings = {a.pk: 5 for a in activities}
    if bad == "missing":
        ratings.pop(activities[0].pk)
    elif bad == "extra":
        psfs_setup(other_patient, [("Reading", 5)], actor=None)
        ratings[PSFSActivity.objects.get(patient=other_patient).pk] = 5
    else:
        ratings[activities[0].pk] = 11
    with pytest.raises(ValidationError):
        psfs_rate(patient, ratings, actor=patient.user)
    assert PSFSAssessment.objects.filter(patient=patient).count() == 1


def test_a_second_request_replaces_the_open_one(patient, therapist):
    _setup(patient, therapist)
    psfs_request(patient, "review", actor=therapist)
    psfs_request(patient, "discharge", actor=therapist)
    open_requests = PSFSRequest.objects.filter(patient=patient, answered_by__isnull=True)
    assert list(open_requests.values_list("kind", flat=True)) == ["discharge"]


def test_a_request_needs_named_activities(patient, therapist):
    with pytest.raises(ValidationError):
        psfs_request(patient, "review", actor=therapist)


def test_psfs_is_due_fourteen_days_after_the_last_rating_or_when_asked(patient, therapist):
    _setup(patient, therapist)
    history = psfs_history(patient)
    assert not history.due(START.date() + timedelta(days=13))
    assert history.due(START.date() + timedelta(days=14))
    psfs_request(patient, "review", actor=therapist)
    assert psfs_history(patient).due(START.date() + timedelta(days=1))


def test_psfs_is_not_due_after_the_discharge_rating(patient, therapist):
    _setup(patient, therapist)
    activities = PSFSActivity.objects.filter(patient=patient)
    psfs_rate(
        patient,
        {a.pk: 8 for a in activities},
        actor=patient.user,
        kind="discharge",
        recorded_at=START + timedelta(days=14),
    )
    assert not psfs_history(patient).due(START.date() + timedelta(days=60))


def test_groc_is_recorded_once_a_day_and_refused_outside_the_scale(patient):
    first = groc_record(patient, 4, actor=patient.user, recorded_at=START)
    again = groc_record(patient, -2, actor=patient.user, recorded_at=START + timedelta(hours=2))
    assert again.pk == first.pk and again.score == 4
    for bad in (8, -8):
        with pytest.raises(ValidationError):
            groc_record(patient, bad, actor=patient.user, recorded_at=START + timedelta(days=1))
    assert GROCResponse.objects.filter(patient=patient).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        GROCResponse.objects.filter(pk=first.pk).update(score=9)


def test_groc_is_due_a_week_after_joining_then_a_week_after_each_answer(patient):
    joined = patient.local_day(patient.created_at)
    assert not groc_due(patient, joined + timedelta(days=6))
    assert groc_due(patient, joined + timedelta(days=7))
    groc_record(patient, 2, actor=patient.user, recorded_at=START)
    assert not groc_due(patient, START.date() + timedelta(days=6))
    assert groc_due(patient, START.date() + timedelta(days=7))


def test_first_and_last_measures_of_many_patients_in_a_fixed_number_of_queries(
    patient, other_patient, therapist, django_assert_num_queries
):
    _setup(patient, therapist)
    activities = PSFSActivity.objects.filter(patient=patient)
    for weeks in (2, 4):
        psfs_rate(
            patient,
            {a.pk: 3 + weeks for a in activities},
            actor=None,
            recorded_at=START + timedelta(days=7 * weeks),
        )
    groc_record(patient, 1, actor=None, recorded_at=START + timedelta(days=7))
    groc_record(patient, 5, actor=None, recorded_at=START + timedelta(days=14))
    with django_assert_num_queries(3):
        psfs = first_and_last_psfs([patient.pk, other_patient.pk])
        groc = groc_answers([patient.pk, other_patient.pk])
    assert psfs == {
        patient.pk: [(START.date(), [3, 2]), (START.date() + timedelta(days=28), [7, 7])]
    }
    assert other_patient.pk not in psfs
    assert groc[patient.pk] == [
        (START.date() + timedelta(days=7), 1),
        (START.date() + timedelta(days=14), 5),
    ]
