"""The patient stays warned after a red flag (issue 11): every page of theirs starts with the
banner of an open urgent or emergency alert until a clinician resolves it; "I have read this"
records the read without hiding it; during an emergency the plan is paused and a dose posted
anyway is refused; a red last dose shows only the stop guidance."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from exercises.models import ExerciseLog
from redflags.models import TriageAction
from redflags.patient_warnings import open_warnings
from redflags.triage import alert_acknowledge, alert_patient_confirm, alert_resolve
from tests.factories import AlertFactory, SymptomEntryFactory

pytestmark = [pytest.mark.django_db]

TODAY = reverse("care:today")
DIARY = reverse("care:diary")
HTMX = {"HX-Request": "true"}
#: 02:23 on Tue 1 Dec 2026 in London (the clinic's zone).
REPORTED = dt.datetime(2026, 12, 1, 2, 23, tzinfo=dt.UTC)


@pytest.fixture
def emergency(patient):
    with time_machine.travel(REPORTED, tick=False):
        entry = SymptomEntryFactory(patient=patient, saddle_numbness=True)
        return AlertFactory(
            patient=patient, rule="R1", entry=entry, data={"signs": ["saddle_numbness"]}
        )


@pytest.fixture
def urgent(patient):
    with time_machine.travel(REPORTED, tick=False):
        return AlertFactory(
            patient=patient,
            rule="R7",
            data={"pain_worst": 8, "descriptors": ["stabbing"], "rest_relief": "no"},
        )


def _pages(patient, entry_pk):
    return [
        TODAY,
        DIARY,
        reverse("care:entry_create"),
        reverse("care:entry_detail", args=[entry_pk]),
        reverse("care:progress"),
        reverse("exercises:plan_history", args=[patient.pk]),
        reverse("reminders:preferences"),
        reverse("accounts:my_details"),
        reverse("rights:my_data"),
    ]


def test_an_open_urgent_alert_starts_every_patient_page(
    patient_client, patient, urgent, plan_version
):
    entry = urgent.evidence.first().entry
    for url in _pages(patient, entry.pk):
        body = patient_client.get(url).text
        banner = body.index('class="patient-warning patient-warning-urgent"')
        assert banner < body.index('id="main"') + 400, url  # first thing in <main>
        assert "Your clinic will contact you today" in body, url
        assert "You told us you have very bad stabbing pain that rest does not ease." in body
        assert "You told us this at 02:23 on Tue 1 Dec." in body
        # The rule's meantime advice and the way to get help if it gets worse.
        assert "Until then, rest in the position that eases the pain most" in body
        assert 'href="tel:999"' in body
        assert "I have read this" in body


def test_an_emergency_banner_says_call_now_and_pauses_the_plan(
    patient_client, patient, emergency, plan_version
):
    alert_patient_confirm(emergency, actor=patient.user)  # past the emergency page
    with time_machine.travel(REPORTED + dt.timedelta(hours=1), tick=False):
        body = patient_client.get(TODAY).text
    assert "Get help now" in body
    assert "You told us you have numbness between your legs." in body
    assert "Call 999 now" in body and 'href="tel:999"' in body
    assert "Your home exercises are paused until your clinic has spoken to you." in body
    # No dose to log while the plan is paused.
    assert "I did it: log this dose" not in body
    assert "Log an extra dose" not in body
    assert reverse("care:dose_log", args=[plan_version.items.first().pk]) not in body
    assert body.count("Paused: do not do this exercise") == plan_version.items.count()
    # Nor a nudge to do more while the plan is paused.
    assert "Could you fit one in today?" not in body
    assert "Every dose you do helps" not in body


def test_a_dose_posted_during_an_emergency_is_refused_and_nothing_is_saved(
    patient_client, patient, emergency, plan_version
):
    alert_patient_confirm(emergency, actor=patient.user)
    url = reverse("care:dose_log", args=[plan_version.items.first().pk])
    dose = {"pain_during": "2", "difficulty": "ok", "idempotency_key": "k1"}
    page = patient_client.post(url, dose)
    assert page.status_code == 409
    assert "This dose was not saved" in page.text
    fragment = patient_client.post(url, {**dose, "idempotency_key": "k2"}, headers=HTMX)
    assert fragment.status_code == 200
    assert "This dose was not saved" in fragment.text
    assert "<html" not in fragment.text
    assert not ExerciseLog.objects.filter(patient=patient).exists()


def test_i_have_read_this_records_the_read_and_keeps_the_banner(patient_client, patient, urgent):
    read = reverse("redflags:warning_read", args=[urgent.pk])
    response = patient_client.post(read, {"next": DIARY})
    assert response.status_code == 302 and response.url == DIARY
    action = TriageAction.objects.get(alert=urgent, kind="patient_confirmed")
    assert action.actor == patient.user
    assert AuditEvent.objects.filter(
        patient_id=patient.pk, action="update", object_id=str(urgent.pk), actor=patient.user
    ).exists()
    body = patient_client.get(DIARY).text
    assert "Your clinic will contact you today" in body
    assert "You told us you have read this." in body
    assert read not in body  # the button is gone, the warning is not
    # A second tap records nothing more.
    patient_client.post(read, {"next": DIARY})
    assert TriageAction.objects.filter(alert=urgent, kind="patient_confirmed").count() == 1


def test_i_have_read_this_goes_back_only_to_a_page_of_this_site(patient_client, urgent):
    read = reverse("redflags:warning_read", args=[urgent.pk])
    response = patient_client.post(read, {"next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_only_a_clinician_resolving_the_alert_removes_the_banner(
    patient_client, patient, urgent, therapist
):
    patient_client.post(reverse("redflags:warning_read", args=[urgent.pk]))
    alert_acknowledge(urgent, actor=therapist)
    body = patient_client.get(TODAY).text
    assert "Your clinic will contact you today" in body
    assert "Your clinic has seen this." in body
    alert_resolve(urgent, actor=therapist, note="Phoned, settled with rest.")
    body = patient_client.get(TODAY).text
    assert "patient-warning" not in body
    read = reverse("redflags:warning_read", args=[urgent.pk])
    assert patient_client.post(read).status_code == 404


def test_review_alerts_show_no_banner(patient_client, patient):
    AlertFactory(patient=patient, rule="R12", data={"dn4_items": ["burning"], "count": 3})
    assert "patient-warning" not in patient_client.get(TODAY).text
    assert open_warnings(patient.user) == []


def test_others_cannot_mark_a_warning_read(other_patient_client, therapist_client, patient, urgent):
    read = reverse("redflags:warning_read", args=[urgent.pk])
    assert other_patient_client.post(read).status_code == 404
    assert therapist_client.post(read).status_code == 404
    assert therapist_client.get(reverse("dashboard:caseload")).text.count("patient-warning") == 0
    assert not TriageAction.objects.filter(alert=urgent).exists()


def test_reading_the_warning_refuses_get(patient_client, urgent):
    assert patient_client.get(reverse("redflags:warning_read", args=[urgent.pk])).status_code == 405


def test_the_banner_is_in_the_patient_s_language(patient_client, patient, urgent):
    patient.user.preferred_language = "es"
    patient.user.save(update_fields=["preferred_language"])
    body = patient_client.get(DIARY, headers={"Accept-Language": "es"}).text
    assert "Tu clínica se pondrá en contacto contigo hoy" in body
    assert "Nos lo dijiste el mar 1 Dic a las 02:23." in body
    assert "Mientras tanto, descansa en la postura que más te alivie el dolor" in body
    assert "Lo he leído" in body
    assert "Your clinic" not in body


def test_the_banner_costs_one_query_and_htmx_fragments_none(
    patient_client, patient, urgent, django_assert_num_queries
):
    patient_client.get(reverse("rights:my_data"))  # warm the session
    with django_assert_num_queries(5):
        # session, user, patient, the banner's alerts, the audit event
        patient_client.get(reverse("rights:my_data"))


# --- A red last dose ----------------------------------------------------------------------------


@pytest.mark.usefixtures("exercises_clock")
def test_a_red_last_dose_shows_only_the_stop_guidance(patient_client, plan_version):
    bridge = plan_version.items.get(exercise__name="Bridge")
    url = reverse("care:dose_log", args=[bridge.pk])
    fragment = patient_client.post(
        url, {"pain_during": "8", "difficulty": "hard", "idempotency_key": "red"}, headers=HTMX
    ).text
    for body in (fragment, patient_client.get(TODAY).text):
        card = body[body.index(f'id="dose-{bridge.pk}"') :]
        card = card[: card.index("</article>")]
        assert "Red: ease off" in card
        assert "Stop this exercise for today" in card
        assert "Well done" not in card and "All done for today" not in card
        assert "Log an extra dose" not in card and "I did it" not in card
        assert url not in card


@pytest.mark.usefixtures("exercises_clock")
def test_a_green_dose_after_a_red_one_brings_the_card_back(patient_client, plan_version):
    glide = plan_version.items.get(exercise__slug="test-sciatic-glide")
    url = reverse("care:dose_log", args=[glide.pk])
    patient_client.post(url, {"pain_during": "8", "difficulty": "hard", "idempotency_key": "a"})
    assert "I did it: log this dose" not in _card(patient_client, glide)
    # Logged anyway from another device: the last dose decides.
    ExerciseLog.objects.create(
        patient=plan_version.plan.patient,
        exercise=glide.exercise,
        plan_item=glide,
        day=ExerciseLog.objects.get().day,
        pain_during=1,
    )
    card = _card(patient_client, glide)
    assert "Red: ease off" not in card
    assert "All done for today. Well done!" in card


def _card(client, item) -> str:
    body = client.get(TODAY).text
    card = body[body.index(f'id="dose-{item.pk}"') :]
    return card[: card.index("</article>")]
