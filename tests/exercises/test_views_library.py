"""The clinician's exercise library: search as you type, clinic exercises, read-only library."""

import pytest
from django.urls import reverse

from exercises.models import Exercise
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
LIBRARY_URL = reverse("exercises:library")
NEW_URL = reverse("exercises:exercise_new")


def exercise_data(**overrides):
    return {
        "name": "Seated nerve floss",
        "body_area": "leg",
        "starting_position": "Sit on a chair.",
        "movement": "Straighten your knee as you look up.",
        "should_feel": "A gentle pull.",
        "should_not_feel": "Burning.",
        "when_to_stop": "If pain goes above 5.",
        "precautions": "Go slowly.",
        "video_url": "",
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": 0,
        "default_times_per_day": 2,
        "default_days_per_week": 7,
        **overrides,
    }


def test_therapist_sees_the_shared_library(therapist_client):
    response = therapist_client.get(LIBRARY_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sciatic nerve slider (lying)" in html
    assert "Chin tuck" in html


def test_search_by_name_filters(therapist_client):
    html = therapist_client.get(LIBRARY_URL, {"q": "glide"}).content.decode()
    assert "Median nerve glide" in html
    assert "Chin tuck" not in html


def test_filter_by_body_area(therapist_client):
    html = therapist_client.get(LIBRARY_URL, {"body_area": "neck"}).content.decode()
    assert "Chin tuck" in html
    assert "Bridge" not in html


def test_htmx_search_gets_only_the_results(therapist_client):
    response = therapist_client.get(LIBRARY_URL, {"q": "wrist"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results"')
    assert "Wrist flexor stretch" in html and "Chin tuck" not in html
    assert "HX-Request" in response["Vary"]


def test_other_clinics_exercises_are_not_listed(therapist_client, other_clinic, clinic):
    ExerciseFactory(clinic=other_clinic, name="Hilltop secret move")
    ExerciseFactory(clinic=clinic, name="Riverside special")
    html = therapist_client.get(LIBRARY_URL).content.decode()
    assert "Riverside special" in html
    assert "Hilltop secret move" not in html


def test_patients_get_404_on_the_library(patient_client):
    assert patient_client.get(LIBRARY_URL).status_code == 404


def test_library_refuses_post(therapist_client):
    assert therapist_client.post(LIBRARY_URL).status_code == 405


def test_exercise_detail_shows_instructions(therapist_client):
    bridge = Exercise.objects.get(clinic__isnull=True, slug="bridge")
    html = therapist_client.get(
        reverse("exercises:exercise_detail", args=[bridge.pk])
    ).content.decode()
    assert bridge.movement[:30] in html
    assert "Make a copy for our clinic" in html
    assert reverse("exercises:exercise_edit", args=[bridge.pk]) not in html


def test_other_clinic_s_exercise_detail_is_404(therapist_client, other_clinic):
    foreign = ExerciseFactory(clinic=other_clinic)
    assert (
        therapist_client.get(reverse("exercises:exercise_detail", args=[foreign.pk])).status_code
        == 404
    )


def test_therapist_adds_a_clinic_exercise(therapist_client, therapist):
    response = therapist_client.post(NEW_URL, exercise_data())
    created = Exercise.objects.get(name="Seated nerve floss")
    assert response.status_code == 302
    assert response["Location"] == reverse("exercises:exercise_detail", args=[created.pk])
    assert created.clinic == therapist.clinic
    assert created.created_by == therapist


def test_invalid_exercise_is_shown_again_with_errors(therapist_client):
    response = therapist_client.post(NEW_URL, exercise_data(name="", default_days_per_week=9))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Exercise.objects.filter(clinic__isnull=False).exists()


def test_copy_of_a_library_exercise_is_prefilled(therapist_client):
    bridge = Exercise.objects.get(clinic__isnull=True, slug="bridge")
    html = therapist_client.get(NEW_URL, {"copy": bridge.pk}).content.decode()
    assert "Bridge (our version)" in html


def test_copy_of_another_clinic_s_exercise_is_404(therapist_client, other_clinic):
    foreign = ExerciseFactory(clinic=other_clinic)
    assert therapist_client.get(NEW_URL, {"copy": foreign.pk}).status_code == 404


def test_therapist_edits_a_clinic_exercise(therapist_client, clinic):
    own = ExerciseFactory(clinic=clinic, name="Old name")
    url = reverse("exercises:exercise_edit", args=[own.pk])
    assert therapist_client.get(url).status_code == 200
    response = therapist_client.post(url, exercise_data(name="New name"))
    own.refresh_from_db()
    assert response.status_code == 302
    assert own.name == "New name"


def test_library_exercises_cannot_be_edited(therapist_client):
    bridge = Exercise.objects.get(clinic__isnull=True, slug="bridge")
    url = reverse("exercises:exercise_edit", args=[bridge.pk])
    assert therapist_client.get(url).status_code == 404
    assert therapist_client.post(url, exercise_data(name="Hacked")).status_code == 404
    bridge.refresh_from_db()
    assert bridge.name == "Bridge"


def test_other_clinic_s_exercise_cannot_be_edited(therapist_client, other_clinic):
    foreign = ExerciseFactory(clinic=other_clinic)
    assert (
        therapist_client.get(reverse("exercises:exercise_edit", args=[foreign.pk])).status_code
        == 404
    )


def test_exercise_edit_refuses_put(therapist_client, clinic):
    own = ExerciseFactory(clinic=clinic)
    assert (
        therapist_client.put(reverse("exercises:exercise_edit", args=[own.pk])).status_code == 405
    )


@pytest.mark.parametrize("size", [2, 20])
def test_library_queries_do_not_grow_with_its_size(
    therapist_client, clinic, size, django_assert_max_num_queries
):
    ExerciseFactory.create_batch(size, clinic=clinic)
    # The bound includes the per-request queries of the shared middleware (session, user,
    # two-step verification, alert banner, audit, the staleness banner): the same bound at 2
    # and 20 is the point.
    with django_assert_max_num_queries(5):
        response = therapist_client.get(LIBRARY_URL)
    assert response.status_code == 200
