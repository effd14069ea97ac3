"""Emails reach a Spanish-speaking patient in Spanish, whatever language the sender's screen or
the requesting browser uses: reminders, the invitation, the password reset."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from accounts.models import User
from care.services import patient_add_with_intake
from core.outbox import mail_deliver_due
from reminders.services import reminders_send_due
from symptoms.services import pt_session_create
from tests.accounts.conftest import patient_post
from tests.i18n.conftest import english_left

pytestmark = pytest.mark.django_db


def _all_text(message) -> str:
    return message.subject + "\n" + message.body + "".join(a[0] for a in message.alternatives)


def test_the_reminder_email_is_in_spanish(spanish_patient, therapist, locmem_mail):
    today = spanish_patient.local_day()
    pt_session_create(spanish_patient, {"date": today, "kind": "treatment"}, actor=therapist)
    reminders_send_due(now=datetime.combine(today, time(18, 1), tzinfo=spanish_patient.zone))
    mail_deliver_due()
    [message] = locmem_mail
    text = _all_text(message)
    assert message.subject == "¿Cómo te encuentras después de tu sesión de hoy?"
    assert "Hola, Pat:" in message.body
    assert "Toca este enlace para responder." in message.body
    assert "llama al número de emergencias de tu zona" in message.body
    assert '<html lang="es">' in message.alternatives[0][0]
    assert english_left(text) == []


def test_the_invitation_goes_out_in_the_language_the_clinician_chose(
    clinic, therapist, locmem_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        patient_add_with_intake(
            clinic=clinic,
            full_name="Rosa Ruiz",
            email="rosa@example.test",
            preferred_language="es",
            therapists=[therapist],
            intake={"conditions": "", "baseline_pain": 3, "baseline_regions": []},
            actor=therapist,
        )
    [message] = locmem_mail
    assert message.subject == "Riverside Physio te invita a PT Tracker"
    assert "Abre este enlace para elegir tu contraseña:" in message.body
    assert english_left(_all_text(message)) == []


def test_a_patient_added_in_spanish_gets_the_invitation_in_spanish(
    therapist_client, locmem_mail, django_capture_on_commit_callbacks
):
    page = therapist_client.get("/accounts/patients/add/").content.decode()
    assert '<option value="es">Español</option>' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = therapist_client.post(
            "/accounts/patients/add/", patient_post(preferred_language="es")
        )
    assert response.status_code == 302
    assert User.objects.get(email="nina@example.test").preferred_language == "es"
    [message] = locmem_mail
    assert message.subject == "Riverside Physio te invita a PT Tracker"


def test_a_patient_added_without_a_language_gets_the_clinic_default(
    therapist_client, locmem_mail, django_capture_on_commit_callbacks
):
    data = patient_post()
    data.pop("preferred_language", None)
    with django_capture_on_commit_callbacks(execute=True):
        therapist_client.post("/accounts/patients/add/", data)
    assert User.objects.get(email="nina@example.test").preferred_language == "en"


def test_the_password_reset_email_is_in_the_account_language_not_the_browsers(
    client, spanish_patient, locmem_mail, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": spanish_patient.user.email})
    assert response.status_code == 302
    [message] = locmem_mail
    assert message.subject == "Crea una contraseña nueva de PT Tracker"
    assert "Alguien (esperamos que tú) ha pedido una contraseña nueva" in message.body
    assert english_left(_all_text(message)) == []


def test_an_english_patient_still_gets_english_emails(
    patient, client, locmem_mail, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "es"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"email": patient.user.email})
    [message] = locmem_mail
    assert message.subject == "Set a new PT Tracker password"
