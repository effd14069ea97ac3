"""Logging a symptom entry: the logging page, its validation and suggestions (issue 2)."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from symptoms.models import DailySummary, SymptomEntry
from tests.factories import PTSessionFactory
from tests.symptoms.conftest import LONDON, NOW, entry_post, is_checked

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("care:entry_create")
HTMX = {"HTTP_HX_REQUEST": "true"}


def detail_url(entry):
    return reverse("care:entry_detail", args=[entry.pk])


def edit_url(entry):
    return reverse("care:entry_edit", args=[entry.pk])


def delete_url(entry):
    return reverse("care:entry_delete", args=[entry.pk])


# --- entry_create: the logging page ----------------------------------------------------------


def test_patient_gets_the_logging_form(patient_client, frozen_now):
    response = patient_client.get(CREATE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert 'id="entry-form"' in html
    assert f'hx-post="{CREATE_URL}"' in html
    # Pain 0-10 as real radio inputs, the six screening questions and the body map.
    for value in range(11):
        assert f'name="pain_now" value="{value}"' in html
    assert "Have you noticed any of these?" in html
    assert 'data-region="left_thigh"' in html
    assert 'name="idempotency_key"' in html


def test_logging_page_links_its_stylesheet_and_scripts(patient_client, frozen_now):
    html = patient_client.get(CREATE_URL).content.decode()
    assert "css/symptoms.css" in html
    assert "js/entry-form.js" in html
    assert "js/body-map.js" in html
    assert "style=" not in html  # CSP: no inline styles


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(CREATE_URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_therapist_gets_404_on_the_logging_page(therapist_client):
    assert therapist_client.get(CREATE_URL).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_logging_page_refuses_other_methods(patient_client, method):
    assert getattr(patient_client, method)(CREATE_URL).status_code == 405


def test_htmx_gets_only_the_form_fragment(patient_client, frozen_now):
    response = patient_client.get(CREATE_URL, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<form id="entry-form"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_plain_post_saves_the_entry_and_redirects_to_it(patient_client, patient, frozen_now):
    response = patient_client.post(CREATE_URL, entry_post())
    entry = SymptomEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(entry)
    assert entry.patient == patient
    assert entry.created_by == patient.user
    assert (entry.pain_now, entry.pain_worst) == (4, 6)
    assert entry.descriptors == ["burning", "tingling"]
    assert entry.regions == ["left_foot", "left_thigh"]
    assert entry.rest_relief == "partly"
    assert entry.day == dt.date(2026, 11, 26)
    assert DailySummary.objects.get(patient=patient).daily_pain == 6


def test_htmx_post_saves_and_sends_the_browser_to_the_entry(patient_client, frozen_now):
    response = patient_client.post(CREATE_URL, entry_post(), **HTMX)
    entry = SymptomEntry.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == detail_url(entry)


def test_a_double_submission_stores_one_entry(patient_client, frozen_now):
    key = str(uuid.uuid4())
    first = patient_client.post(CREATE_URL, entry_post(idempotency_key=key))
    second = patient_client.post(CREATE_URL, entry_post(idempotency_key=key))
    entry = SymptomEntry.objects.get()
    assert first["Location"] == second["Location"] == detail_url(entry)
    assert entry.idempotency_key == key


def test_two_separate_submissions_store_two_entries(patient_client, frozen_now):
    patient_client.post(CREATE_URL, entry_post(idempotency_key=str(uuid.uuid4())))
    patient_client.post(CREATE_URL, entry_post(idempotency_key=str(uuid.uuid4())))
    assert SymptomEntry.objects.count() == 2


def test_worst_pain_left_empty_is_the_pain_now(patient_client, frozen_now):
    patient_client.post(CREATE_URL, entry_post(pain_now="5", pain_worst=""))
    assert SymptomEntry.objects.get().pain_worst == 5


def test_worst_pain_below_pain_now_is_refused(patient_client, frozen_now):
    response = patient_client.post(CREATE_URL, entry_post(pain_now="6", pain_worst="3"))
    assert response.status_code == 200
    assert "can&#x27;t be lower than your pain now (6)" in response.content.decode()
    assert not SymptomEntry.objects.exists()


def test_screening_answers_are_saved_even_with_none_of_these_still_ticked(
    patient_client, frozen_now
):
    # Without JavaScript "None of these" stays ticked; a ticked warning sign must still count.
    patient_client.post(CREATE_URL, entry_post(saddle_numbness="on", screening_none="on"))
    entry = SymptomEntry.objects.get()
    assert entry.saddle_numbness is True
    assert entry.screening_answers == ["saddle_numbness"]


def test_every_data_dictionary_field_is_saved(patient_client, frozen_now):
    patient_client.post(
        CREATE_URL,
        entry_post(
            context="flare",
            rest_relief="no",
            weakness="noticeable",
            foot_drop="on",
            nerve_symptoms_limit_activities="on",
            bladder_bowel_change="on",
            fever_or_unwell="on",
            unexplained_weight_loss="on",
            sexual_dysfunction_new="on",
            night_pain_unrelieved="on",
            is_flare="yes",
            triggers=["lifting", "sitting"],
            helped=["heat"],
            sleep_disturbed="on",
            notes="Worse after gardening.",
        ),
    )
    entry = SymptomEntry.objects.get()
    assert entry.context == "flare"
    assert entry.weakness == "noticeable"
    assert entry.foot_drop and entry.nerve_symptoms_limit_activities and entry.sleep_disturbed
    assert entry.screening_answers == [
        "bladder_bowel_change",
        "sexual_dysfunction_new",
        "fever_or_unwell",
        "unexplained_weight_loss",
        "night_pain_unrelieved",
    ]
    assert entry.is_flare == "yes"
    assert entry.triggers == ["lifting", "sitting"]
    assert entry.helped == ["heat"]
    assert entry.notes == "Worse after gardening."


BAD_INPUT = [
    ("context", "tomorrow", "Choose one of the answers shown."),
    ("context", None, "Choose one of the answers."),
    ("pain_now", "11", "Choose a number from 0 to 10."),
    ("pain_now", "-1", "Choose a number from 0 to 10."),
    ("pain_now", "four", "Choose a number from 0 to 10."),
    ("pain_now", "4.5", "Choose a number from 0 to 10."),
    ("pain_now", None, "Choose a number from 0 to 10."),
    ("pain_worst", "12", "Choose a number from 0 to 10."),
    ("pain_worst", "bad", "Choose a number from 0 to 10."),
    ("descriptors", ["burning", "sparkly"], "Choose from the answers shown."),
    ("regions", ["left_wing"], "Choose from the answers shown."),
    ("bladder_bowel_change", "maybe", "Tick the box or leave it empty."),
    ("saddle_numbness", "maybe", "Tick the box or leave it empty."),
    ("sexual_dysfunction_new", "maybe", "Tick the box or leave it empty."),
    ("fever_or_unwell", "maybe", "Tick the box or leave it empty."),
    ("unexplained_weight_loss", "maybe", "Tick the box or leave it empty."),
    ("night_pain_unrelieved", "maybe", "Tick the box or leave it empty."),
    ("screening_none", "perhaps", "Tick the box or leave it empty."),
    ("rest_relief", "sometimes", "Choose one of the answers shown."),
    ("weakness", "very", "Choose one of the answers shown."),
    ("foot_drop", "2", "Tick the box or leave it empty."),
    ("nerve_symptoms_limit_activities", "lots", "Tick the box or leave it empty."),
    ("is_flare", "perhaps", "Choose one of the answers shown."),
    ("triggers", ["skydiving"], "Choose from the answers shown."),
    ("helped", ["magic"], "Choose from the answers shown."),
    ("sleep_disturbed", "maybe", "Tick the box or leave it empty."),
    ("notes", "x" * 2001, "Your note is too long: it has 2001 characters and can have 2000"),
    ("notes", "null \x00 byte", "Null characters are not allowed."),
    ("idempotency_key", "not-a-uuid", "This form could not be read."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_bad_input_is_explained_and_nothing_is_stored(
    patient_client, frozen_now, field, value, message
):
    response = patient_client.post(CREATE_URL, entry_post(**{field: value}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please check your answers" in html
    assert message.replace("'", "&#x27;") in html
    assert not SymptomEntry.objects.exists()


def test_bad_input_from_htmx_comes_back_as_the_form_fragment(patient_client, frozen_now):
    response = patient_client.post(CREATE_URL, entry_post(pain_now="11"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="entry-form"' in html
    assert "Choose a number from 0 to 10." in html
    assert not SymptomEntry.objects.exists()


def test_a_refused_form_keeps_the_answers_and_its_key(patient_client, frozen_now):
    key = str(uuid.uuid4())
    html = patient_client.post(
        CREATE_URL, entry_post(pain_now="11", idempotency_key=key, notes="Keep me")
    ).content.decode()
    assert f'value="{key}"' in html
    assert "Keep me" in html
    assert is_checked(html, "descriptors", "burning")
    assert not is_checked(html, "descriptors", "aching")


def test_missing_csrf_token_is_refused_and_nothing_is_stored(patient, frozen_now):
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    response = client.post(CREATE_URL, entry_post())
    assert response.status_code == 403
    assert not SymptomEntry.objects.exists()


def test_logging_form_carries_a_csrf_token(patient_client, frozen_now):
    assert 'name="csrfmiddlewaretoken"' in patient_client.get(CREATE_URL).content.decode()


def checked_context(html: str) -> str:
    (value,) = [
        value
        for value in ("before_session", "after_session", "next_morning", "daily", "flare")
        if is_checked(html, "context", value)
    ]
    return value


def test_after_session_is_preselected_on_a_session_afternoon(patient_client, patient, frozen_now):
    PTSessionFactory(patient=patient, date=NOW.date())
    html = patient_client.get(CREATE_URL).content.decode()
    assert checked_context(html) == "after_session"
    assert "You have a session today" in html


def test_next_morning_is_preselected_the_morning_after(patient_client, patient):
    PTSessionFactory(patient=patient, date=dt.date(2026, 11, 25))
    with time_machine.travel(dt.datetime(2026, 11, 26, 8, 30, tzinfo=LONDON), tick=False):
        html = patient_client.get(CREATE_URL).content.decode()
    assert checked_context(html) == "next_morning"


def test_context_in_the_link_overrides_the_suggestion(patient_client, patient, frozen_now):
    PTSessionFactory(patient=patient, date=NOW.date())
    html = patient_client.get(CREATE_URL, {"context": "flare"}).content.decode()
    assert checked_context(html) == "flare"
    # The flare-up button means "yes, a flare-up".
    assert is_checked(html, "is_flare", "yes")


def test_unknown_context_in_the_link_is_ignored(patient_client, frozen_now):
    html = patient_client.get(CREATE_URL, {"context": "<script>"}).content.decode()
    assert checked_context(html) == "daily"


def test_after_session_entry_is_linked_to_that_days_session(patient_client, patient, frozen_now):
    session = PTSessionFactory(patient=patient, date=NOW.date())
    patient_client.post(CREATE_URL, entry_post(context="after_session"))
    assert SymptomEntry.objects.get().session == session


def test_daily_entry_is_not_linked_to_a_session(patient_client, patient, frozen_now):
    PTSessionFactory(patient=patient, date=NOW.date())
    patient_client.post(CREATE_URL, entry_post(context="daily"))
    assert SymptomEntry.objects.get().session is None


# --- An entry about a session the app does not know (issue 12) --------------------------------


@pytest.mark.parametrize("context", ["after_session", "before_session", "next_morning"])
def test_a_session_entry_without_a_session_asks_and_saves_nothing(
    patient_client, patient, frozen_now, context
):
    response = patient_client.post(CREATE_URL, entry_post(context=context))
    html = response.content.decode()
    assert response.status_code == 200
    assert not SymptomEntry.objects.filter(patient=patient).exists()
    assert "We have no session of yours on that day" in html
    # The question is shown (not hidden) with both ways on, and the answers are kept.
    assert 'data-no-session="before_session after_session next_morning"' in html
    assert 'name="no_session" value="go_on"' in html and 'name="no_session" value="daily"' in html
    assert is_checked(html, "pain_now", "4")


def test_going_on_saves_the_session_entry_as_it_is(patient_client, patient, frozen_now):
    patient_client.post(CREATE_URL, entry_post(context="after_session", no_session="go_on"))
    entry = SymptomEntry.objects.get(patient=patient)
    assert (entry.context, entry.session) == ("after_session", None)


def test_making_it_an_everyday_check_in_saves_it_so(patient_client, patient, frozen_now):
    patient_client.post(CREATE_URL, entry_post(context="next_morning", no_session="daily"))
    assert SymptomEntry.objects.get(patient=patient).context == "daily"


def test_no_question_when_the_session_is_there(patient_client, patient, frozen_now):
    PTSessionFactory(patient=patient, date=NOW.date())
    html = patient_client.get(CREATE_URL).content.decode()
    # Only the morning after (no session yesterday) would ask; the question starts hidden.
    assert 'data-no-session="next_morning"' in html
    assert "hidden>" in html.split('data-no-session="next_morning"')[1].split("<legend")[0]
    patient_client.post(CREATE_URL, entry_post(context="after_session"))
    assert SymptomEntry.objects.get(patient=patient).session is not None


def test_a_nonsense_answer_about_the_session_is_refused(patient_client, patient, frozen_now):
    response = patient_client.post(CREATE_URL, entry_post(context="after_session", no_session="x"))
    assert response.status_code == 200
    assert "Choose one of the answers shown." in response.content.decode()
    assert not SymptomEntry.objects.filter(patient=patient).exists()
