"""The PSFS pages: name the activities (therapist or patient), re-rate them (patient), ask for a
re-rating (therapist). Bad input gets a message, a 4xx and stores nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from outcomes.models import PSFSActivity, PSFSAssessment, PSFSRequest
from outcomes.services import psfs_setup

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def setup_url(patient):
    return reverse("outcomes:psfs_setup", args=[patient.pk])


RATE_URL = reverse("outcomes:psfs_rate")


def activities_post(*rows, total=None):
    data = {
        "activity-TOTAL_FORMS": str(total if total is not None else max(len(rows), 5)),
        "activity-INITIAL_FORMS": "0",
        "activity-MIN_NUM_FORMS": "0",
        "activity-MAX_NUM_FORMS": "5",
    }
    for i, (name, rating) in enumerate(rows):
        data[f"activity-{i}-name"] = name
        if rating is not None:
            data[f"activity-{i}-rating"] = str(rating)
    return data


def named(patient, therapist):
    psfs_setup(patient, [("Putting on socks", 2), ("Walking to the shop", 4)], actor=therapist)
    return list(PSFSActivity.objects.filter(patient=patient))


# --- Naming the activities -------------------------------------------------------------------


def test_therapist_gets_the_setup_form_for_a_patient_on_the_caseload(therapist_client, patient):
    response = therapist_client.get(setup_url(patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and 'id="psfs-setup-form"' in html
    assert html.count('name="activity-0-rating"') == 11


def test_therapist_names_activities_and_the_intake_ratings_are_saved(therapist_client, patient):
    response = therapist_client.post(
        setup_url(patient), activities_post(("Putting on socks", 2), ("Stairs", 5))
    )
    assert response.status_code == 302
    assessment = PSFSAssessment.objects.get(patient=patient)
    assert assessment.kind == "intake"
    assert AuditEvent.objects.filter(patient_id=patient.pk, action="create").exists()
    page = therapist_client.get(setup_url(patient)).content.decode()
    assert "Putting on socks" in page and "3.5" in page


def test_patient_may_name_their_own_activities(patient_client, patient):
    response = patient_client.post(setup_url(patient), activities_post(("Gardening", 3)))
    assert response.status_code == 302
    assert PSFSActivity.objects.get(patient=patient).created_by == patient.user


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (activities_post(("", 4)), "Name the activity you rated."),
        (activities_post(("Stairs", 11)), "Choose a number from 0 to 10."),
        (activities_post(("Stairs", None)), "Rate this activity from 0 to 10."),
        (activities_post(*[(f"Activity {i}", 3) for i in range(6)]), "Name at most 5 activities"),
        (activities_post(("", None)), "Name at least one activity and rate it."),
        (activities_post(("Stairs", 3), ("STAIRS", 2)), "Each activity can be named only once."),
        ({"activity-0-name": "Stairs"}, "This form could not be read"),
    ],
)
def test_bad_activities_get_a_clear_message_and_store_nothing(
    therapist_client, patient, data, message
):
    response = therapist_client.post(setup_url(patient), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PSFSActivity.objects.filter(patient=patient).exists()
    assert not PSFSAssessment.objects.exists()


def test_htmx_gets_the_form_fragment_with_its_errors(therapist_client, patient):
    response = therapist_client.post(setup_url(patient), activities_post(("", 4)), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="psfs-setup-form"' in html
    assert "Name the activity you rated." in html


def test_activities_already_named_are_not_replaced(therapist_client, patient, therapist):
    named(patient, therapist)
    response = therapist_client.post(setup_url(patient), activities_post(("Other", 1)))
    assert response.status_code == 400
    assert list(PSFSActivity.objects.filter(patient=patient).values_list("name", flat=True)) == [
        "Putting on socks",
        "Walking to the shop",
    ]


@pytest.mark.parametrize("who", ["other_therapist_client", "other_patient_client"])
def test_strangers_get_404(request, patient, who):
    client = request.getfixturevalue(who)
    assert client.get(setup_url(patient)).status_code == 404
    assert client.post(setup_url(patient), activities_post(("Stairs", 3))).status_code == 404
    assert not PSFSActivity.objects.exists()


def test_setup_refuses_other_methods(therapist_client, patient):
    assert therapist_client.put(setup_url(patient)).status_code == 405


# --- Re-rating ---------------------------------------------------------------------------------


def test_patient_rerates_every_activity(patient_client, patient, therapist):
    activities = named(patient, therapist)
    page = patient_client.get(RATE_URL)
    assert page.status_code == 200 and 'id="psfs-rate-form"' in page.content.decode()
    data = {f"activity_{a.pk}": "7" for a in activities}
    response = patient_client.post(RATE_URL, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("care:progress")
    assert PSFSAssessment.objects.filter(patient=patient, kind="review").count() == 1


@pytest.mark.parametrize("bad", ["11", "-1", "seven", None])
def test_a_bad_rating_gets_a_message_and_stores_nothing(patient_client, patient, therapist, bad):
    activities = named(patient, therapist)
    data = {f"activity_{a.pk}": "5" for a in activities}
    if bad is None:
        data.pop(f"activity_{activities[0].pk}")
    else:
        data[f"activity_{activities[0].pk}"] = bad
    response = patient_client.post(RATE_URL, data)
    assert response.status_code == 400
    assert "Choose a number from 0 to 10." in response.content.decode()
    assert PSFSAssessment.objects.filter(patient=patient).count() == 1


def test_rating_htmx_gets_the_fragment(patient_client, patient, therapist):
    activities = named(patient, therapist)
    response = patient_client.post(RATE_URL, {f"activity_{activities[0].pk}": "3"}, **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


def test_clinicians_cannot_rate_for_the_patient(therapist_client, patient, therapist):
    named(patient, therapist)
    assert therapist_client.get(RATE_URL).status_code == 404


def test_rating_refuses_other_methods(patient_client):
    assert patient_client.delete(RATE_URL).status_code == 405


# --- Asking for a re-rating -------------------------------------------------------------------


def request_url(patient):
    return reverse("outcomes:psfs_request", args=[patient.pk])


def test_therapist_asks_for_the_discharge_rating_and_today_shows_the_card(
    therapist_client, patient_client, patient, therapist
):
    named(patient, therapist)
    response = therapist_client.post(request_url(patient), {"kind": "discharge"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:patient_overview", args=[patient.pk])
    assert PSFSRequest.objects.get(patient=patient).kind == "discharge"
    today = patient_client.get(reverse("care:today")).content.decode()
    assert "One last rating of your activities" in today
    assert reverse("outcomes:psfs_rate") in today


def test_a_bad_request_kind_is_refused(therapist_client, patient, therapist):
    named(patient, therapist)
    response = therapist_client.post(request_url(patient), {"kind": "forever"})
    assert response.status_code == 400
    assert not PSFSRequest.objects.exists()


def test_asking_without_named_activities_is_refused(therapist_client, patient):
    assert therapist_client.post(request_url(patient), {"kind": "review"}).status_code == 400


def test_request_strangers_get_404_and_get_is_405(
    other_therapist_client, patient_client, therapist_client, patient, therapist
):
    named(patient, therapist)
    assert other_therapist_client.post(request_url(patient), {"kind": "review"}).status_code == 404
    assert patient_client.post(request_url(patient), {"kind": "review"}).status_code == 404
    assert therapist_client.get(request_url(patient)).status_code == 405
    assert not PSFSRequest.objects.exists()


def test_today_shows_the_card_fourteen_days_after_the_last_rating(
    patient_client, patient, therapist
):
    psfs_setup(
        patient,
        [("Stairs", 3)],
        actor=therapist,
        recorded_at=timezone.now() - timedelta(days=13),
    )
    assert "Time to rate your activities again" not in (
        patient_client.get(reverse("care:today")).content.decode()
    )
    PSFSAssessment.objects.filter(patient=patient).update(
        day=patient.local_day() - timedelta(days=14)
    )
    assert "Time to rate your activities again" in (
        patient_client.get(reverse("care:today")).content.decode()
    )
