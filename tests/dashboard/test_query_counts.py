"""Query counts of the dashboard's pages are fixed, whatever the caseload size or the length of
a patient's history: pinned at two sizes each, so an N+1 shows up as a failure."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.dashboard.conftest import TODAY, alert, day, flare, log, session
from tests.factories import (
    ExerciseFactory,
    ExerciseLogFactory,
    PatientFactory,
    PlanFactory,
    PlanItemFactory,
    PlanVersionFactory,
)

pytestmark = pytest.mark.django_db

#: Session, user and two-step verification's device (3), the clinic (1), the caseload's count
#: and page (2), the rule set (1), and the page's figures: daily pain, sessions, flare-ups,
#: alerts, last entries, plan versions, plan items and exercise logs (8), and the Outcome column
#: (5: intakes, the last 7 logged days, first and latest PSFS, their ratings, GROC answers).
CASELOAD_QUERIES = 20
#: Session, user and device (3), the patient (1), the rule set, intake, daily pain, sessions,
#: linked entries, flare-ups, the range's entries, alerts, their triage actions and the last
#: entry (10), adherence: plan versions, items and logs (3), the audit record of the view (1), and
#: the outcomes panel (8: intake, daily pain, the last 7 logged days, PSFS activities, ratings
#: and open request, GROC answers, sessions), and the staleness banner's heartbeat (1, ops.banner).
OVERVIEW_QUERIES = 27


def busy_patient(clinic, therapist, name, days=10):
    person = PatientFactory(clinic=clinic, therapists=[therapist], user__full_name=name)
    for number in range(TODAY - days + 1, TODAY + 1):
        log(
            person,
            number,
            pain_now=number % 7,
            triggers=["sitting"],
            fever_or_unwell=number % 5 == 0,
        )
    for number in range(TODAY - days + 1, TODAY + 7, 7):
        s = session(person, number)
        if number <= TODAY:
            log(person, number, "09:00", context="before_session", pain_now=3, session=s)
            log(
                person,
                number,
                "15:00",
                context="after_session",
                pain_now=3,
                pain_worst=6,
                session=s,
            )
    flare(person, TODAY - 3, None)
    alert(person, "R7", "urgent")
    alert(person, "R9", "review", state="resolved")
    exercise = ExerciseFactory()
    version = PlanVersionFactory(plan=PlanFactory(patient=person), number=1, start_date=day(0))
    PlanItemFactory(version=version, exercise=exercise)
    for number in range(TODAY - 6, TODAY + 1):
        ExerciseLogFactory(patient=person, exercise=exercise, day=day(number))
    return person


def caseload_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [3, 30])
def test_caseload_queries_do_not_grow_with_the_caseload(
    therapist_client, clinic, therapist, size, django_assert_max_num_queries
):
    for n in range(size):
        busy_patient(clinic, therapist, f"Patient {n:02d}", days=5)
    with django_assert_max_num_queries(CASELOAD_QUERIES):
        response = therapist_client.get("/dashboard/")
    assert len(response.context["rows"]) == min(size, 25)


def test_caseload_queries_are_the_same_at_both_sizes(therapist_client, clinic, therapist):
    for n in range(3):
        busy_patient(clinic, therapist, f"Patient {n:02d}", days=5)
    small = caseload_queries(therapist_client)
    for n in range(3, 30):
        busy_patient(clinic, therapist, f"Patient {n:02d}", days=5)
    assert caseload_queries(therapist_client) == small


@pytest.mark.parametrize(("days", "range_key"), [(5, "4w"), (60, "4w"), (60, "all")])
def test_overview_queries_do_not_grow_with_the_history(
    therapist_client, clinic, therapist, days, range_key, django_assert_max_num_queries
):
    person = busy_patient(clinic, therapist, "Hal History", days=days)
    url = reverse("dashboard:patient_overview", args=[person.pk]) + f"?range={range_key}"
    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        response = therapist_client.get(url)
    assert response.context["overview"].logged_days == min(days, 28 if range_key == "4w" else days)


@pytest.mark.parametrize("weeks", [2, 10])
def test_overview_outcomes_panel_queries_do_not_grow_with_the_ratings(
    therapist_client, clinic, therapist, weeks, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from outcomes.services import groc_record, psfs_rate, psfs_setup

    person = busy_patient(clinic, therapist, "Olga Outcomes", days=7 * weeks)
    start = timezone.now() - timedelta(weeks=weeks)
    psfs_setup(person, [("Stairs", 2), ("Socks", 3)], actor=therapist, recorded_at=start)
    ids = list(person.psfs_activities.values_list("pk", flat=True))
    for week in range(1, weeks):
        moment = start + timedelta(weeks=week)
        psfs_rate(person, dict.fromkeys(ids, min(10, 2 + week)), actor=None, recorded_at=moment)
        groc_record(person, min(7, week), actor=None, recorded_at=moment)
    url = reverse("dashboard:patient_overview", args=[person.pk]) + "?range=all"
    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        response = therapist_client.get(url)
    assert "Outcome measures" in response.content.decode()
