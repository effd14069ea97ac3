"""The patient's Today page and one-tap dose logging with the traffic light."""

from datetime import timedelta

import pytest
from django.urls import reverse

from exercises.models import ExerciseLog
from exercises.services import plan_version_save
from redflags.rule_sets import current_rule_set
from tests.exercises.conftest import TODAY, days_ago, item
from tests.factories import ExerciseFactory, PTSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("exercises_clock")]

HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY_URL = reverse("care:today")


def log_url(plan_item):
    return reverse("care:dose_log", args=[plan_item.pk])


def dose(pain=2, key="key-1", **extra):
    return {"pain_during": pain, "difficulty": "ok", "idempotency_key": key, **extra}


@pytest.fixture
def glide_item(plan_version):
    return plan_version.items.get(exercise__slug="test-sciatic-glide")


# --- the page ------------------------------------------------------------------------------------


def test_patient_sees_today_s_doses_and_the_log_symptoms_button(patient_client, plan_version):
    response = patient_client.get(TODAY_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sciatic glide" in html and "Bridge" in html
    assert "Little and often." in html
    assert reverse("care:entry_create") in html
    assert "Done today: 0 of 2" in html
    assert 'id="adherence"' in html


def test_patient_without_a_plan_is_told_so(patient_client):
    response = patient_client.get(TODAY_URL)
    assert response.status_code == 200
    assert "You have no home exercises for today" in response.content.decode()


def test_done_dose_is_ticked_off(patient_client, plan_version, patient):
    bridge_item = plan_version.items.get(exercise__name="Bridge")
    patient_client.post(log_url(bridge_item), dose())
    assert "All done for today" in patient_client.get(TODAY_URL).content.decode()


@pytest.mark.parametrize("who", ["therapist_client", "clinic_admin_client"])
def test_clinicians_have_no_today_page(request, who):
    assert request.getfixturevalue(who).get(TODAY_URL).status_code == 404


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(TODAY_URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_today_refuses_post(patient_client):
    assert patient_client.post(TODAY_URL).status_code == 405


def test_htmx_gets_the_adherence_fragment(patient_client, plan_version):
    response = patient_client.get(TODAY_URL, HTTP_HX_TARGET="adherence", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="adherence"')
    assert "<html" not in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_adherence_is_shown_to_the_patient(patient_client, patient, plan_version, glide_item):
    patient_client.post(log_url(glide_item), dose())
    html = patient_client.get(TODAY_URL).content.decode()
    # 1 of 21 doses this week (glide 2 a day + bridge 1 a day, in force all 7 days).
    assert "You did 1 of 21 doses." in html
    assert "Every dose counts" in html


# --- logging a dose ------------------------------------------------------------------------------


def test_plain_post_logs_and_redirects_to_the_traffic_light(patient_client, patient, glide_item):
    response = patient_client.post(log_url(glide_item), dose(pain=6))
    log = ExerciseLog.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{TODAY_URL}?logged={log.pk}#dose-{glide_item.pk}"
    page = patient_client.get(response["Location"]).content.decode()
    assert "Red: ease off" in page
    assert "Next time, try this" in page
    assert (log.patient, log.pain_during, log.day, log.plan_item) == (patient, 6, TODAY, glide_item)


def test_htmx_post_gets_the_card_with_the_light_and_an_event(patient_client, glide_item):
    response = patient_client.post(log_url(glide_item), dose(pain=3), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<article id="dose-{glide_item.pk}"')
    assert "Amber: OK if it settles" in html
    assert "Done today: 1 of 2" in html
    assert "exerciseLogged" in response["HX-Trigger"]
    assert ExerciseLog.objects.count() == 1


def test_green_light_for_low_pain(patient_client, glide_item):
    html = patient_client.post(log_url(glide_item), dose(pain=2), **HTMX).content.decode()
    assert "Green: safe to carry on" in html


def test_a_double_tap_stores_one_log(patient_client, glide_item):
    patient_client.post(log_url(glide_item), dose(key="same"), **HTMX)
    second = patient_client.post(log_url(glide_item), dose(key="same"), **HTMX)
    assert ExerciseLog.objects.count() == 1
    assert "counts once" in second.content.decode()


def test_each_card_carries_a_fresh_key(patient_client, glide_item):
    html = patient_client.post(log_url(glide_item), dose(key="first"), **HTMX).content.decode()
    assert 'value="first"' not in html


@pytest.mark.parametrize("pain", [11, -1, "", "six"])
def test_bad_pain_is_an_error_and_stores_nothing(patient_client, glide_item, pain):
    response = patient_client.post(log_url(glide_item), dose(pain=pain))
    assert response.status_code == 400
    assert "from 0 to 10" in response.content.decode()
    assert not ExerciseLog.objects.exists()


def test_bad_pain_with_htmx_rerenders_the_card_with_the_error(patient_client, glide_item):
    response = patient_client.post(log_url(glide_item), dose(pain=12), **HTMX)
    assert response.status_code == 200
    assert "Pain must be a number from 0 to 10." in response.content.decode()
    assert not ExerciseLog.objects.exists()


def test_negative_sets_are_an_error(patient_client, glide_item):
    response = patient_client.post(log_url(glide_item), dose(sets_done=-2))
    assert response.status_code == 400
    assert "Sets cannot be a negative number." in response.content.decode()
    assert not ExerciseLog.objects.exists()


def test_another_patient_s_plan_item_is_404(other_patient_client, glide_item):
    assert other_patient_client.post(log_url(glide_item), dose()).status_code == 404
    assert not ExerciseLog.objects.exists()


def test_therapist_cannot_log_for_the_patient(therapist_client, glide_item):
    assert therapist_client.post(log_url(glide_item), dose()).status_code == 404


def test_logging_refuses_get(patient_client, glide_item):
    assert patient_client.get(log_url(glide_item)).status_code == 405


def test_someone_else_s_log_id_in_the_url_shows_no_light(patient_client, other_patient, glide_item):
    foreign = ExerciseLog.objects.create(
        patient=other_patient, exercise=glide_item.exercise, day=TODAY, pain_during=9
    )
    html = patient_client.get(f"{TODAY_URL}?logged={foreign.pk}").content.decode()
    assert "Red: ease off" not in html


# --- query counts --------------------------------------------------------------------------------


def plan_of_size(patient, therapist, size):
    exercises = [ExerciseFactory() for _ in range(size)]
    plan_version_save(patient, [item(e) for e in exercises], days_ago(3), None, "", therapist)
    for exercise in exercises:
        ExerciseLog.objects.create(patient=patient, exercise=exercise, day=TODAY, pain_during=1)


@pytest.mark.parametrize("size", [2, 20])
def test_today_page_queries_do_not_grow_with_the_plan(
    patient_client, patient, therapist, size, django_assert_max_num_queries
):
    plan_of_size(patient, therapist, size)
    current_rule_set(patient.clinic)  # the clinic's rule set exists, as it does once in use
    # The bound includes the per-request queries of the shared middleware (session, user,
    # two-step verification, alert banner, audit), the due check-ins and the PSFS card (one
    # query while no activities are named): the same bound at 2 and 20 is the point.
    # 15, not 14 (issue 11): with a dose logged today the rule set is read once for the red
    # threshold, as a red last dose shows only the stop guidance.
    with django_assert_max_num_queries(15):
        response = patient_client.get(TODAY_URL)
    assert response.content.decode().count('class="card dose-card') == size


def test_today_has_one_way_in_to_logging(patient_client, patient):
    """One button to the log form on the page (the menu aside): the check-in that is due, or an
    ordinary entry."""
    main = patient_client.get(TODAY_URL).content.decode().split('id="main"')[1]
    assert main.count(f'href="{reverse("care:entry_create")}') == 1
    assert "How are you feeling?" in main


def test_today_s_one_button_is_the_due_check_in(patient_client, patient):
    PTSessionFactory(patient=patient, date=patient.local_day() - timedelta(days=1))
    main = patient_client.get(TODAY_URL).content.decode().split('id="main"')[1]
    assert main.count(f'href="{reverse("care:entry_create")}') == 1
    assert "?context=next_morning" in main
    assert "Log how you feel the day after" in main
