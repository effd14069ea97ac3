"""The caseload's Outcome column and filter (issue 16)."""

import pytest
from django.urls import reverse

from care.outcomes import patient_outcomes
from outcomes.services import groc_record, psfs_rate, psfs_setup
from tests.factories import PatientFactory

from .conftest import TODAY, log, moment

pytestmark = pytest.mark.django_db
CASELOAD = reverse("dashboard:caseload")


def patient_with(clinic, therapist, name, *, intake, pains, groc=None, psfs=None):
    person = PatientFactory(clinic=clinic, therapists=[therapist], user__full_name=name)
    person.intake.baseline_pain = intake
    person.intake.save()
    for number, pain in enumerate(pains, start=10):
        log(person, number, pain_now=pain)
    if psfs:
        psfs_setup(person, [("Stairs", psfs[0])], actor=therapist, recorded_at=moment(person, 0))
        ids = list(person.psfs_activities.values_list("pk", flat=True))
        psfs_rate(person, dict.fromkeys(ids, psfs[1]), actor=None, recorded_at=moment(person, 14))
    if groc is not None:
        groc_record(person, groc, actor=None, recorded_at=moment(person, 15))
    return person


@pytest.fixture
def caseload(clinic, therapist):
    return {
        "better": patient_with(clinic, therapist, "Bea Better", intake=6, pains=(3, 3, 3)),
        "flat": patient_with(clinic, therapist, "Fay Flat", intake=5, pains=(5, 4, 5), psfs=(3, 4)),
        "worse": patient_with(clinic, therapist, "Wes Worse", intake=6, pains=(3, 3), groc=-5),
        "none": PatientFactory(clinic=clinic, therapists=[therapist], user__full_name="Nat New"),
    }


def test_each_row_shows_the_overall_outcome(therapist_client, caseload):
    response = therapist_client.get(CASELOAD)
    outcomes = {row["name"]: row["outcome"] for row in response.context["table"]}
    assert outcomes == {
        "Bea Better": "improved",
        "Fay Flat": "not_yet",
        "Wes Worse": "worse",
        "Nat New": "unmeasured",
    }
    html = response.content.decode()
    assert '<th scope="col">Outcome</th>' in html
    assert "PSFS +1" in html and "GROC −5" in html


@pytest.mark.parametrize(
    ("outcome", "names"),
    [("improved", ["Bea Better"]), ("not_yet", ["Fay Flat"]), ("worse", ["Wes Worse"])],
)
def test_the_outcome_filter_keeps_only_those_patients(therapist_client, caseload, outcome, names):
    response = therapist_client.get(CASELOAD + f"?outcome={outcome}")
    assert [row.patient.user.full_name for row in response.context["rows"]] == names


def test_an_unknown_outcome_is_refused_with_a_message(therapist_client, caseload):
    response = therapist_client.get(CASELOAD + "?outcome=cured")
    assert "Choose one of the outcomes shown." in response.content.decode()
    assert len(response.context["rows"]) == 4


def test_the_filter_counts_every_page_of_the_caseload(therapist_client, clinic, therapist):
    for n in range(30):
        patient_with(clinic, therapist, f"Pat {n:02d}", intake=6, pains=(3, 3) if n % 3 else (6,))
    response = therapist_client.get(CASELOAD + "?outcome=not_yet")
    assert response.context["page"].paginator.count == 10


@pytest.mark.parametrize("filtered", [False, True])
def test_outcome_queries_do_not_grow_with_the_caseload(
    therapist_client, clinic, therapist, filtered, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = CASELOAD + ("?outcome=improved" if filtered else "")
    counts = []
    for size in (3, 12):
        while clinic.patients.count() < size:
            patient_with(
                clinic, therapist, f"P {clinic.patients.count():02d}", intake=6, pains=(3,)
            )
        with CaptureQueriesContext(connection) as queries:
            therapist_client.get(url)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_pain_now_is_the_last_seven_logged_days_however_far_back(
    therapist_client, clinic, therapist
):
    """The column takes "pain now" from the days its sparkline read when they hold the last seven
    logged days, and reads them otherwise: either way as the patient's own page finds it."""
    recent = patient_with(clinic, therapist, "Ria Recent", intake=6, pains=())
    log(recent, TODAY - 40, pain_now=9)
    for number in range(TODAY - 6, TODAY + 1):
        log(recent, number, pain_now=2)
    lapsed = patient_with(clinic, therapist, "Lee Lapsed", intake=6, pains=())
    log(lapsed, TODAY - 100, pain_now=9)
    for number in range(TODAY - 80, TODAY - 73):
        log(lapsed, number, pain_now=2)
    sparse = patient_with(clinic, therapist, "Sam Sparse", intake=3, pains=())
    for number in range(TODAY - 50, TODAY - 44):
        log(sparse, number, pain_now=6)
    log(sparse, TODAY - 1, pain_now=6)

    response = therapist_client.get(CASELOAD)
    outcomes = response.context["outcomes"]
    for person in (recent, lapsed, sparse):
        assert outcomes[person.pk].pain == patient_outcomes(person).pain, person
    assert outcomes[recent.pk].pain.now == 2 and outcomes[recent.pk].pain.days == 7
    assert outcomes[lapsed.pk].pain.now == 2 and outcomes[lapsed.pk].pain.days == 7
    assert outcomes[sparse.pk].pain.days == 7 and outcomes[sparse.pk].pain.verdict == "worse"
