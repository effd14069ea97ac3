"""The plan builder (htmx and plain posts), plan history and the printable plan."""

import json

import pytest
from django.urls import reverse

from exercises.models import Exercise, PlanVersion
from exercises.services import plan_version_save
from tests.exercises.conftest import TODAY, days_ago, item
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def builder_url(patient):
    return reverse("exercises:plan_builder", args=[patient.pk])


def row(exercise, **dosage):
    return {
        "exercise": exercise.pk,
        "sets": 2,
        "reps": 10,
        "hold_seconds": 0,
        "times_per_day": 1,
        "days_per_week": 7,
        "instructions": "",
        **dosage,
    }


def draft(rows, action="save", start=TODAY, end="", note="", **extra):
    data = {
        "action": action,
        "start_date": start.isoformat(),
        "end_date": end,
        "note_to_patient": note,
        "items-TOTAL_FORMS": len(rows),
        "items-INITIAL_FORMS": len(rows),
        "q": "",
        "body_area": "",
        **extra,
    }
    for index, values in enumerate(rows):
        data.update({f"items-{index}-{name}": value for name, value in values.items()})
    return data


def library(slug):
    return Exercise.objects.get(clinic__isnull=True, slug=slug)


# --- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["therapist_client", "clinic_admin_client"])
def test_clinicians_of_the_patient_get_the_builder(request, patient, who):
    response = request.getfixturevalue(who).get(builder_url(patient))
    assert response.status_code == 200
    assert "Add exercises" in response.content.decode()


@pytest.mark.parametrize(
    "who",
    [
        "other_therapist_client",
        "other_clinic_admin_client",
        "patient_client",
        "other_patient_client",
    ],
)
def test_anyone_else_gets_404_on_the_builder(request, patient, who):
    assert request.getfixturevalue(who).get(builder_url(patient)).status_code == 404
    assert request.getfixturevalue(who).post(builder_url(patient), draft([])).status_code == 404


def test_builder_refuses_put(therapist_client, patient):
    assert therapist_client.put(builder_url(patient)).status_code == 405


def test_builder_starts_from_the_latest_version(therapist_client, patient, plan_version):
    html = therapist_client.get(builder_url(patient)).content.decode()
    assert "Sciatic glide" in html and "Bridge" in html
    assert "Version 1 is in force" in html
    assert 'name="items-TOTAL_FORMS" value="2"' in html


# --- draft editing without JavaScript -----------------------------------------------------------


def test_search_shows_matching_exercises_with_add_buttons(therapist_client, patient):
    response = therapist_client.post(builder_url(patient), draft([], action="search", q="slump"))
    html = response.content.decode()
    slump = library("slump-slider")
    assert response.status_code == 200
    assert f'value="add:{slump.pk}"' in html
    assert not PlanVersion.objects.exists()


def test_add_puts_a_row_with_default_dosage_and_saves_nothing(therapist_client, patient):
    slump = library("slump-slider")
    response = therapist_client.post(builder_url(patient), draft([], action=f"add:{slump.pk}"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "1. Slump slider (sitting)" in html
    assert 'name="items-0-times_per_day" value="2"' in html
    assert not PlanVersion.objects.exists()


def test_adding_another_clinic_s_exercise_is_an_error(therapist_client, patient, other_clinic):
    foreign = ExerciseFactory(clinic=other_clinic, name="Hilltop move")
    html = therapist_client.post(
        builder_url(patient), draft([], action=f"add:{foreign.pk}")
    ).content.decode()
    assert "That exercise is not in your clinic&#x27;s library." in html
    assert "Hilltop move" not in html


def test_adding_an_exercise_twice_is_refused(therapist_client, patient, glide):
    html = therapist_client.post(
        builder_url(patient), draft([row(glide)], action=f"add:{glide.pk}")
    ).content.decode()
    assert "Sciatic glide is already in the plan." in html
    assert 'name="items-TOTAL_FORMS" value="1"' in html


def test_remove_and_reorder_rows(therapist_client, patient, glide, bridge):
    rows = [row(glide), row(bridge)]
    moved = therapist_client.post(
        builder_url(patient), draft(rows, action="down:0")
    ).content.decode()
    assert moved.index("1. Bridge") < moved.index("2. Sciatic glide")
    removed = therapist_client.post(
        builder_url(patient), draft(rows, action="remove:0")
    ).content.decode()
    assert "1. Bridge" in removed and "Sciatic glide" not in removed


def test_typed_values_survive_adding_a_row(therapist_client, patient, glide, bridge):
    html = therapist_client.post(
        builder_url(patient),
        draft([row(glide, reps=17)], action=f"add:{bridge.pk}", note="Go easy"),
    ).content.decode()
    assert 'name="items-0-reps" value="17"' in html
    assert "Go easy" in html


def test_plain_save_makes_version_1_and_redirects(
    therapist_client, patient, therapist, glide, bridge
):
    response = therapist_client.post(
        builder_url(patient), draft([row(glide), row(bridge, sets=3)], note="Every morning")
    )
    assert response.status_code == 302
    assert response["Location"] == builder_url(patient)
    version = PlanVersion.objects.get()
    assert (version.number, version.note_to_patient, version.created_by) == (
        1,
        "Every morning",
        therapist,
    )
    assert [(i.exercise, i.sets) for i in version.items.all()] == [(glide, 2), (bridge, 3)]
    page = therapist_client.get(response["Location"]).content.decode()
    assert "Plan saved as version 1." in page


def test_revising_makes_version_2(therapist_client, patient, plan_version, glide):
    therapist_client.post(builder_url(patient), draft([row(glide, reps=5)]))
    assert PlanVersion.objects.order_by("-number").first().number == 2
    assert plan_version.items.count() == 2


def test_saving_an_unchanged_plan_says_so(therapist_client, patient, plan_version, glide, bridge):
    rows = [row(glide, times_per_day=2), row(bridge)]
    response = therapist_client.post(
        builder_url(patient), draft(rows, note="Little and often."), follow=True
    )
    assert "Nothing changed" in response.content.decode()
    assert PlanVersion.objects.count() == 1


def test_invalid_dosage_is_shown_again_and_saves_nothing(therapist_client, patient, glide):
    response = therapist_client.post(
        builder_url(patient), draft([row(glide, sets=0, days_per_week=9)])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in html
    assert "Ensure this value is less than or equal to 7." in html
    assert not PlanVersion.objects.exists()


def test_saving_a_tampered_exercise_of_another_clinic_is_refused(
    therapist_client, patient, other_clinic
):
    foreign = ExerciseFactory(clinic=other_clinic)
    html = therapist_client.post(builder_url(patient), draft([row(foreign)])).content.decode()
    assert "not in your clinic" in html
    assert not PlanVersion.objects.exists()


def test_saving_an_empty_plan_is_refused(therapist_client, patient):
    html = therapist_client.post(builder_url(patient), draft([])).content.decode()
    assert "Add at least one exercise" in html


def test_a_change_dated_in_the_past_is_refused_beside_the_date(
    therapist_client, patient, plan_version, glide
):
    html = therapist_client.post(
        builder_url(patient), draft([row(glide)], start=days_ago(2))
    ).content.decode()
    assert "starts today or later" in html
    assert PlanVersion.objects.count() == 1


# --- htmx ----------------------------------------------------------------------------------------


SEARCH_BOX = 'id="builder-q"'


def test_htmx_search_as_you_type_gets_only_the_results(therapist_client, patient):
    response = therapist_client.post(
        builder_url(patient), draft([], action="search", q="ulnar"), **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="exercise-results"')
    assert "Ulnar nerve glide" in html
    assert SEARCH_BOX not in html and 'id="plan-items"' not in html
    assert "HX-Request" in response["Vary"]
    assert "HX-Trigger-After-Swap" not in response


def test_htmx_add_gets_only_the_plan_s_exercises_and_refreshes_the_results(
    therapist_client, patient
):
    slump = library("slump-slider")
    response = therapist_client.post(
        builder_url(patient), draft([], action=f"add:{slump.pk}", q="slump"), **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="plan-items"')
    assert "1. Slump slider (sitting)" in html
    assert 'name="items-TOTAL_FORMS" value="1"' in html
    # Neither the search box (someone may be typing) nor the dates and note come back.
    assert SEARCH_BOX not in html and 'name="start_date"' not in html and "<html" not in html
    assert json.loads(response["HX-Trigger-After-Swap"]) == {"planItemsChanged": {}}
    assert not PlanVersion.objects.exists()


def test_htmx_remove_gets_only_the_plan_s_exercises_and_refreshes_the_results(
    therapist_client, patient, glide, bridge
):
    response = therapist_client.post(
        builder_url(patient), draft([row(glide), row(bridge)], action="remove:0"), **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="plan-items"')
    assert "1. Bridge" in html and "Sciatic glide" not in html
    assert SEARCH_BOX not in html
    assert json.loads(response["HX-Trigger-After-Swap"]) == {"planItemsChanged": {}}


@pytest.mark.parametrize("action", ["up:1", "down:0"])
def test_htmx_move_gets_only_the_plan_s_exercises(therapist_client, patient, glide, bridge, action):
    response = therapist_client.post(
        builder_url(patient), draft([row(glide), row(bridge)], action=action), **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="plan-items"')
    assert html.index("1. Bridge") < html.index("2. Sciatic glide")
    assert SEARCH_BOX not in html
    # The same exercises are in the plan: the results need not ask again.
    assert "HX-Trigger-After-Swap" not in response


def test_htmx_add_refused_shows_why_in_the_plan_s_exercises(therapist_client, patient, glide):
    response = therapist_client.post(
        builder_url(patient), draft([row(glide)], action=f"add:{glide.pk}"), **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="plan-items"')
    assert "Sciatic glide is already in the plan." in html
    assert 'name="items-TOTAL_FORMS" value="1"' in html


def test_htmx_save_redirects_the_browser(therapist_client, patient, glide):
    response = therapist_client.post(builder_url(patient), draft([row(glide)]), **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == builder_url(patient)
    assert PlanVersion.objects.count() == 1


def test_htmx_invalid_save_rerenders_everything_below_the_search_with_200(
    therapist_client, patient, glide
):
    response = therapist_client.post(
        builder_url(patient), draft([row(glide, reps=-1)], end="2026-11-01"), **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="plan-draft"')
    assert "Ensure this value is greater than or equal to 0." in html
    assert "The end date must be on or after the start date." in html
    assert SEARCH_BOX not in html
    assert not PlanVersion.objects.exists()


def test_htmx_save_of_an_empty_plan_shows_why_below_the_search(therapist_client, patient):
    html = therapist_client.post(builder_url(patient), draft([]), **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="plan-draft"')
    assert "Add at least one exercise" in html


def test_page_keeps_the_search_box_outside_every_swapped_part(therapist_client, patient):
    html = therapist_client.get(builder_url(patient)).content.decode()
    search_box = html.index(SEARCH_BOX)
    assert search_box < html.index('id="exercise-results"') < html.index('id="plan-draft"')
    assert html.index('id="plan-draft"') < html.index('id="plan-items"')
    # Every htmx control is a field or submit button of the real form (works without JavaScript).
    form_start = html.index('<form id="plan-builder"')
    form = html[form_start : html.index("</form>", form_start)]
    hx_post = f'hx-post="{builder_url(patient)}"'
    assert html.count(hx_post) == form.count(hx_post) > 0


# --- adherence, history, print -------------------------------------------------------------------


def test_therapist_sees_adherence_on_the_plan_page(therapist_client, patient, plan_version, glide):
    from care.services import dose_record

    dose_record(patient, exercise=glide, pain_during=1, actor=patient.user)
    html = therapist_client.get(builder_url(patient)).content.decode()
    assert "1 of 21 prescribed doses (1 logged)." in html


def test_history_lists_every_version_with_its_days(
    therapist_client, patient, therapist, plan_version, glide
):
    plan_version_save(patient, [item(glide, reps=5)], TODAY, None, "", therapist)
    response = therapist_client.get(reverse("exercises:plan_history", args=[patient.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Version 2") < html.index("Version 1")
    assert "2 sets of 5" in html and "2 sets of 10" in html


def test_patient_sees_their_own_history(patient_client, patient, plan_version):
    assert (
        patient_client.get(reverse("exercises:plan_history", args=[patient.pk])).status_code == 200
    )


@pytest.mark.parametrize(
    "who", ["other_patient_client", "other_therapist_client", "other_clinic_admin_client"]
)
def test_history_and_print_of_someone_else_s_plan_are_404(request, patient, plan_version, who):
    client = request.getfixturevalue(who)
    assert client.get(reverse("exercises:plan_history", args=[patient.pk])).status_code == 404
    assert client.get(reverse("exercises:plan_print", args=[patient.pk])).status_code == 404


def test_history_without_a_plan_is_404(therapist_client, patient):
    assert (
        therapist_client.get(reverse("exercises:plan_history", args=[patient.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["patient_client", "therapist_client"])
def test_printable_plan_has_instructions_and_a_tick_sheet(request, patient, plan_version, who):
    response = request.getfixturevalue(who).get(reverse("exercises:plan_print", args=[patient.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Home exercise plan for Pat Patient" in html
    assert "Sciatic glide" in html
    # Glide twice a day, bridge once, seven days each.
    assert html.count('class="tick-box"') == (2 + 1) * 7


def test_history_refuses_post(therapist_client, patient, plan_version):
    assert (
        therapist_client.post(reverse("exercises:plan_history", args=[patient.pk])).status_code
        == 405
    )


def test_caseload_links_to_the_plan(therapist_client, patient):
    html = therapist_client.get(reverse("dashboard:caseload")).content.decode()
    assert builder_url(patient) in html


# --- query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 20])
def test_builder_queries_do_not_grow_with_the_plan(
    therapist_client, patient, therapist, size, django_assert_max_num_queries
):
    exercises = [ExerciseFactory() for _ in range(size)]
    plan_version_save(patient, [item(e) for e in exercises], days_ago(3), None, "", therapist)
    # The bound includes the per-request queries of the shared middleware (session, user,
    # two-step verification, alert banner, audit, the staleness banner): the same bound at 2
    # and 20 is the point.
    with django_assert_max_num_queries(13):
        response = therapist_client.get(builder_url(patient))
    assert response.content.decode().count('class="card card-body mb-2 plan-row"') == size


@pytest.mark.parametrize("size", [2, 20])
def test_builder_save_queries_do_not_grow_with_the_plan(
    therapist_client, patient, size, django_assert_max_num_queries
):
    rows = [row(e) for e in ExerciseFactory.create_batch(size)]
    # The bound includes the per-request queries of the shared middleware (session, user,
    # two-step verification, alert banner, audit): the same bound at 2 and 20 is the point.
    with django_assert_max_num_queries(22):
        response = therapist_client.post(builder_url(patient), draft(rows))
    assert response.status_code == 302


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize(
    ("action", "bound"),
    [("search", 8), ("add", 7), ("remove:0", 7), ("down:0", 7), ("save", 7)],
)
def test_htmx_fragment_queries_do_not_grow_with_the_plan(
    therapist_client, patient, size, action, bound, django_assert_max_num_queries
):
    rows = [row(e) for e in ExerciseFactory.create_batch(size)]
    if action == "add":
        action = f"add:{library('slump-slider').pk}"
    # An invalid save (the end before the start) re-renders below the search without writing.
    data = draft(rows, action=action, q="slider", end="2026-11-01")
    # The bound includes the per-request queries of the shared middleware (session, user,
    # two-step verification, audit), as above; a search also runs the search itself.
    with django_assert_max_num_queries(bound):
        response = therapist_client.post(builder_url(patient), data, **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


def test_search_marks_exercises_already_in_the_plan(therapist_client, patient):
    slump = library("slump-slider")
    html = therapist_client.post(
        builder_url(patient), draft([row(slump)], action="search", q="slump")
    ).content.decode()
    assert f'value="add:{slump.pk}"' not in html
    assert "In the plan" in html
