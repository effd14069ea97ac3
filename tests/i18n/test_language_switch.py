"""The language switch in the footer (accounts/language.py): Django's set_language sets the
cookie and goes back to the page; a logged-in person's account keeps the choice, so it follows
them to another browser and across sessions."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from accounts.language import UserLanguageMiddleware, activate_user_language, user_language_save
from tests.auth_helpers import login_verified

pytestmark = pytest.mark.django_db

URL = "/i18n/setlang/"


def test_every_page_has_the_switch_with_the_other_language(patient_client):
    page = patient_client.get("/symptoms/diary/").content.decode()
    assert f'action="{URL}"' in page
    assert 'name="language" value="es" lang="es"' in page
    assert 'name="next" value="/symptoms/diary/"' in page
    # The language in use is shown, not offered.
    assert 'name="language" value="en"' not in page


def test_a_patient_who_switches_keeps_the_choice_in_a_new_session(patient, patient_client):
    response = patient_client.post(URL, {"language": "es", "next": "/symptoms/diary/"})
    assert response.status_code == 302
    assert response["Location"] == "/symptoms/diary/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es"
    assert int(cookie["max-age"]) == settings.LANGUAGE_COOKIE_AGE  # lasts beyond the visit
    patient.user.refresh_from_db()
    assert patient.user.preferred_language == "es"

    # Another day, another phone: no cookie, but the account remembers.
    phone = login_verified(Client(), patient.user)
    page = phone.get("/exercises/today/").content.decode()
    assert '<html lang="es">' in page and "Tus ejercicios de hoy" in page


def test_switching_back_to_english_is_kept_too(spanish_patient):
    client = login_verified(Client(), spanish_patient.user)
    assert '<html lang="es">' in client.get("/symptoms/diary/").content.decode()
    client.post(URL, {"language": "en", "next": "/symptoms/diary/"})
    spanish_patient.user.refresh_from_db()
    assert spanish_patient.user.preferred_language == "en"
    assert '<html lang="en">' in client.get("/symptoms/diary/").content.decode()


def test_a_visitor_who_switches_gets_the_cookie_only(client, patient):
    response = client.post(URL, {"language": "es", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert '<html lang="es">' in client.get("/accounts/login/").content.decode()
    patient.user.refresh_from_db()
    assert patient.user.preferred_language == "en"


def test_a_clinician_can_switch_too(therapist, therapist_client):
    therapist_client.post(URL, {"language": "es", "next": "/dashboard/"})
    therapist.refresh_from_db()
    assert therapist.preferred_language == "es"
    assert '<html lang="es">' in therapist_client.get("/dashboard/").content.decode()


def test_an_unknown_language_changes_nothing(patient, patient_client):
    response = patient_client.post(URL, {"language": "xx", "next": "/symptoms/diary/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    patient.user.refresh_from_db()
    assert patient.user.preferred_language == "en"


def test_next_may_not_lead_to_another_site(patient_client):
    response = patient_client.post(URL, {"language": "es", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_switch_needs_a_post(patient_client):
    assert patient_client.get(URL).status_code == 405


def test_the_switch_needs_the_csrf_token(patient):
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    assert client.post(URL, {"language": "es"}).status_code == 403
    patient.user.refresh_from_db()
    assert patient.user.preferred_language == "en"


def test_user_language_save_refuses_a_language_we_do_not_have(patient):
    with pytest.raises(ValueError):
        user_language_save(patient.user, "fr")


def test_the_account_language_is_used_only_without_a_cookie(rf, spanish_patient):
    from django.utils import translation

    with translation.override("en"):
        request = rf.get("/")
        request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "en"
        activate_user_language(request, spanish_patient.user)
        assert translation.get_language() == "en"
        request = rf.get("/")
        activate_user_language(request, spanish_patient.user)
        assert translation.get_language() == "es"
        assert request.LANGUAGE_CODE == "es"


def test_the_middleware_leaves_visitors_alone(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.utils import translation

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("en"):
        UserLanguageMiddleware(lambda r: HttpResponse(translation.get_language()))(request)
        assert translation.get_language() == "en"
