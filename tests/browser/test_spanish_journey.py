"""A Spanish-speaking patient on a phone (issue 7): switches the login page to Español, logs in,
logs an entry that needs emergency advice, reads it, and finds the diary, all in Spanish."""

from __future__ import annotations

import re

from accounts.models import User
from symptoms.models import SymptomEntry
from tests.browser.conftest import screenshot
from tests.browser.test_emergency_journey import _watch_for_problems
from tests.factories import TEST_PASSWORD

NO_SIDEWAYS_SCROLL = (
    "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
)


def _in_spanish(page) -> None:
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "es"
    # Spanish words run longer: the phone layout must still fit.
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


def test_a_spanish_speaking_patient_does_everything_in_spanish(
    transactional_db, live_server, phone_page, patient
):
    page = phone_page
    problems = _watch_for_problems(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Español").click()
    _in_spanish(page)
    assert page.get_by_role("heading", name="Iniciar sesión").is_visible()
    screenshot(page, "spanish-1-login")

    page.get_by_label("Correo electrónico").fill(patient.user.email)
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(re.compile(r"/exercises/today/$"))
    _in_spanish(page)
    assert page.get_by_role("heading", name="Hola, Pat").is_visible()
    screenshot(page, "spanish-2-today")

    # The same switch, logged in, is kept on the account for the next phone.
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Hello Pat").is_visible()
    page.get_by_role("button", name="Español").click()
    _in_spanish(page)
    assert User.objects.get(pk=patient.user.pk).preferred_language == "es"

    page.get_by_role("button", name="Menú").click()
    page.get_by_role("link", name="Anotar síntomas").click()
    page.wait_for_url(re.compile(r"/symptoms/log/$"))
    _in_spanish(page)
    page.get_by_role("group", name="¿Cuánto te duele ahora mismo?").get_by_text(
        "3", exact=True
    ).click()
    page.get_by_role("checkbox", name="Muslo izquierdo").click()
    assert page.get_by_text("Has elegido: Muslo izquierdo").is_visible()
    page.get_by_role(
        "checkbox", name="Adormecimiento entre las piernas o alrededor del trasero"
    ).check()
    screenshot(page, "spanish-3-log")
    page.get_by_role("button", name="Guardar", exact=True).click()

    # Emergency advice first, in Spanish, with the clinic's number.
    page.wait_for_url(re.compile(r"/alerts/emergency/\d+/$"))
    _in_spanish(page)
    assert page.get_by_role("heading", name="Pide ayuda ya").is_visible()
    assert page.get_by_role("link", name="Llama ya al 999").get_attribute("href") == "tel:999"
    assert page.get_by_text(
        "Nos has dicho que tienes adormecimiento entre las piernas."
    ).is_visible()
    screenshot(page, "spanish-4-emergency")
    page.get_by_role("button", name="Lo he leído").click()
    page.wait_for_url(re.compile(r"/symptoms/entries/\d+/$"))
    _in_spanish(page)
    assert page.get_by_role("heading", name="Lo que anotaste").is_visible()
    assert page.get_by_text("Muslo izquierdo").first.is_visible()

    page.get_by_role("link", name="Ir a mi diario").click()
    page.wait_for_url(re.compile(r"/symptoms/diary/$"))
    _in_spanish(page)
    entry = SymptomEntry.objects.get(patient=patient)
    heading = page.locator(".diary-day-heading").first.text_content()
    assert re.fullmatch(r"[A-ZÁÉÍÓÚ][a-záéíóú]+ \d{1,2} de [a-z]+", heading), heading
    assert str(entry.day.day) in heading
    assert page.get_by_text("Dolor 3, peor 3").is_visible()
    screenshot(page, "spanish-5-diary")
    assert problems == []
