"""A Spanish-speaking patient meets PT Tracker in Spanish on every page (issue 7): logged in,
from a reminder's link, from an invitation, and on the way to a new password.

"In Spanish" is checked two ways: the page says lang="es" with some expected Spanish words, and
no English text of the translation catalog is left in it (tests/i18n/conftest.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.services import invitation_issue
from tests.browser.world import add_emergency, build_world, pages_for
from tests.factories import PatientFactory
from tests.i18n.conftest import english_left

pytestmark = pytest.mark.django_db

#: A few words each page must show in Spanish, so that an empty page cannot pass.
EXPECTED = {
    "today": ["Tus ejercicios de hoy", "Anota cómo te encuentras", "Lo he hecho: anotarlo"],
    "log-symptoms": ["¿Cuánto te duele ahora mismo?", "¿Has notado algo de esto?", "Guardar"],
    "log-flare": ["Mis síntomas han empeorado", "¿Tienes un brote?"],
    "entry-normal-guidance": ["Gracias, tu registro está guardado", "Cosas que pueden ayudar"],
    "entry-urgent-guidance": [
        "Tu clínica se pondrá en contacto contigo hoy",
        "Nos has dicho que tienes un dolor muy fuerte (punzante) que no se alivia al descansar.",
        "Llamar al 999",
    ],
    "entry-review-guidance": [
        "Tu fisioterapeuta lo verá",
        "Por cómo describes lo que notas, puede que un nervio esté irritado.",
    ],
    "entry-edit": ["Corregir tu registro", "Guardar cambios"],
    "entry-locked": ["Este registro ya forma parte de tu historial"],
    "diary": ["Mi diario", "Tu dolor en las últimas 4 semanas", "Tengo un brote"],
    "plan-history": ["Historial del plan"],
    "plan-print": ["Mi plan de ejercicios en casa", "Marca una casilla"],
    "reminders": ["Recordatorios", "Horas de silencio"],
    "my-data": ["Mis datos", "Descargar como un archivo JSON", "Descargar como historial FHIR"],
    "progress": ["Tu progreso", "Tu dolor", "Tus actividades", "Cómo te sientes en general"],
    "psfs-setup-own": ["Actividades que te cuestan", "Valorarlas otra vez"],
    "psfs-rate": ["Valora tus actividades", "Guardar mis valoraciones", "0 = no puedo hacerlo"],
    "close-account": ["Cerrar mi cuenta", "Mantener mi cuenta"],
    "security": ["Verificación en dos pasos"],
    "security-setup": ["Escribe el código de 6 cifras"],
    "offline-emergency": ["Pide ayuda ya", "Llama ya al 999", "Volver a Hoy"],
    "offline": ["No tienes conexión", "Anota cómo te encuentras"],
}


@pytest.fixture
def world(clinic, therapist, clinic_admin, spanish_patient, settings):
    return build_world(clinic, therapist, clinic_admin, spanish_patient, settings)


def _spanish(response, name: str, expected=()) -> str:
    page = response.content.decode()
    assert response.status_code < 400, name
    assert '<html lang="es">' in page, f"{name} is not marked as Spanish"
    missing = [words for words in expected if words not in page]
    assert not missing, f"{name} lacks {missing}"
    assert english_left(page) == [], f"{name} still has English: {english_left(page)}"
    return page


def test_every_page_of_a_spanish_patient_is_in_spanish(world, patient_client):
    for name, path in pages_for(world, "patient"):
        _spanish(patient_client.get(path), name, EXPECTED[name])


def test_the_emergency_page_is_in_spanish_with_the_clinic_number(world, patient_client):
    alert = add_emergency(world)
    page = _spanish(
        patient_client.get(f"/alerts/emergency/{alert.pk}/"),
        "emergency",
        [
            "Pide ayuda ya",
            "Llama ya al 999",
            "Nos has dicho que tienes adormecimiento entre las piernas.",
            "Puede ser señal de un problema grave en los nervios de la espalda",
            "No conduzcas tú.",
            "Lo he leído",
        ],
    )
    assert 'href="tel:999"' in page
    # The clinical record stays in English for the clinician.
    alert.refresh_from_db()
    assert alert.patient_message.startswith("You told us you have numbness between your legs.")


def test_pages_from_a_reminder_link_are_in_the_patients_language(world):
    browser = Client()  # not logged in, no language chosen here
    _spanish(browser.get(world.paths["quick_log"]), "quick-log", ["Hola, Pat.", "Guardar"])
    _spanish(
        browser.get(world.paths["unsubscribe"]),
        "unsubscribe",
        ["¿Dejar de recibir correos de «Registro después de la sesión»?"],
    )


def test_the_invitation_page_is_in_the_invited_patients_language(clinic, therapist):
    invited = PatientFactory(clinic=clinic, therapists=[therapist], user__preferred_language="es")
    issued = invitation_issue(invited.user, actor=therapist)
    response = Client().get(f"/accounts/invitation/{issued.token}/")
    _spanish(response, "invitation", ["Crea tu contraseña", "Crear mi contraseña"])


def test_a_language_chosen_in_this_browser_wins_over_the_account(world, patient_client):
    patient_client.cookies["django_language"] = "en"
    page = patient_client.get("/symptoms/diary/").content.decode()
    assert '<html lang="en">' in page and "Your pain over the last 4 weeks" in page


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/password-reset/",
        "/accounts/password-reset/sent/",
        "/accounts/password-reset/done/",
        "/accounts/invitation/not-a-real-token/",
        "/reminders/log/?t=changed",
    ],
)
def test_pages_before_logging_in_follow_the_language_switch(client, path):
    client.cookies["django_language"] = "es"
    page = client.get(path).content.decode()
    assert '<html lang="es">' in page
    assert english_left(page) == []


def test_the_english_check_finds_english_on_an_english_page(world, patient_client):
    patient_client.cookies["django_language"] = "en"
    left = english_left(patient_client.get("/symptoms/log/").content.decode())
    assert "Have you noticed any of these?" in left
    assert "How bad is your pain right now?" in left


def test_the_clinician_reads_the_english_record_and_is_told_the_patient_read_spanish(
    world, therapist_client
):
    page = therapist_client.get(f"/alerts/{world.alerts['urgent'].pk}/").content.decode()
    assert "You told us you have very bad stabbing pain that rest does not ease." in page
    assert "The patient reads PT Tracker in Spanish: they saw this message in Spanish." in page
