"""What the patient sees after saving an entry (spec.md section 8): emergency advice first,
urgent, review and normal-recovery guidance on the entry page."""

import pytest
from django.urls import reverse

from redflags.models import Alert, TriageAction
from redflags.triage import alert_resolve
from symptoms.models import SymptomEntry

LOG = reverse("care:entry_create")


def _entry(**answers):
    data = {
        "context": "daily",
        "pain_now": "2",
        "pain_worst": "",
        "rest_relief": "not_tried",
        "weakness": "none",
        "is_flare": "no",
    }
    data.update(answers)
    return data


def _save_saddle_numbness(client, **headers):
    return client.post(LOG, _entry(saddle_numbness="on"), headers=headers)


def _emergency_alert(patient) -> Alert:
    return Alert.objects.get(patient=patient, rule="R1")


# --- Emergency ---------------------------------------------------------------------------------


def test_saving_saddle_numbness_goes_straight_to_the_emergency_page(patient_client, patient):
    response = _save_saddle_numbness(patient_client)
    alert = _emergency_alert(patient)
    assert response.status_code == 302
    assert response.url == reverse("redflags:emergency", args=[alert.pk])
    assert SymptomEntry.objects.filter(patient=patient, saddle_numbness=True).count() == 1


def test_the_emergency_page_shows_the_clinics_number_as_a_tap_to_call_link(
    patient_client, patient, clinic
):
    clinic.emergency_number = "+44 20 7946 0000"
    clinic.save()
    page = patient_client.get(_save_saddle_numbness(patient_client).url)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'href="tel:+442079460000"' in body
    assert "Call +44 20 7946 0000 now" in body
    assert "Get help now" in body
    # Why: what the patient told us, as stored on the alert.
    assert "You told us you have numbness between your legs." in body
    # Nothing to distract: no menu.
    assert 'id="main-nav"' not in body
    assert "I have read this" in body


def test_htmx_save_is_told_to_navigate_to_the_emergency_page(patient_client, patient):
    response = _save_saddle_numbness(patient_client, **{"HX-Request": "true"})
    alert = _emergency_alert(patient)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("redflags:emergency", args=[alert.pk])


def test_today_and_diary_lead_back_to_the_advice_until_it_is_confirmed(patient_client, patient):
    emergency_url = _save_saddle_numbness(patient_client).url
    for page in (reverse("care:today"), reverse("care:diary")):
        response = patient_client.get(page)
        assert response.status_code == 302
        assert response.url == emergency_url
    htmx = patient_client.get(reverse("care:diary"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == emergency_url
    assert "HX-Request" in htmx["Vary"]

    alert = _emergency_alert(patient)
    confirm = patient_client.post(reverse("redflags:emergency_confirm", args=[alert.pk]))
    entry = SymptomEntry.objects.get(patient=patient)
    assert confirm.status_code == 302
    assert confirm.url == reverse("care:entry_detail", args=[entry.pk])
    assert patient_client.get(reverse("care:diary")).status_code == 200
    assert patient_client.get(reverse("care:today")).status_code == 200


def test_confirming_records_that_the_patient_read_it(patient_client, patient):
    _save_saddle_numbness(patient_client)
    alert = _emergency_alert(patient)
    url = reverse("redflags:emergency_confirm", args=[alert.pk])
    patient_client.post(url)
    patient_client.post(url)
    action = TriageAction.objects.get(alert=alert)
    assert (action.kind, action.actor) == ("patient_confirmed", patient.user)
    page = patient_client.get(reverse("redflags:emergency", args=[alert.pk])).content.decode()
    assert "You told us you have read this." in page
    assert "I have read this" not in page


def test_a_second_emergency_entry_brings_the_advice_back(patient_client, patient):
    _save_saddle_numbness(patient_client)
    alert = _emergency_alert(patient)
    patient_client.post(reverse("redflags:emergency_confirm", args=[alert.pk]))
    again = patient_client.post(LOG, _entry(bladder_bowel_change="on"))
    assert again.url == reverse("redflags:emergency", args=[alert.pk])
    assert patient_client.get(reverse("care:diary")).url == again.url


def test_a_resolved_emergency_no_longer_holds_the_patient_back(patient_client, patient, therapist):
    _save_saddle_numbness(patient_client)
    alert_resolve(_emergency_alert(patient), actor=therapist, note="Seen in A&E, all clear")
    assert patient_client.get(reverse("care:diary")).status_code == 200


def test_the_entry_page_keeps_the_emergency_advice(patient_client, patient, therapist):
    _save_saddle_numbness(patient_client)
    alert = _emergency_alert(patient)
    patient_client.post(reverse("redflags:emergency_confirm", args=[alert.pk]))
    entry = SymptomEntry.objects.get(patient=patient)
    alert_resolve(alert, actor=therapist, note="Seen")
    body = patient_client.get(reverse("care:entry_detail", args=[entry.pk])).content.decode()
    assert "Get help now" in body
    assert 'href="tel:999"' in body


def test_another_patient_gets_404_on_the_emergency_page(
    patient_client, other_patient_client, patient
):
    _save_saddle_numbness(patient_client)
    alert = _emergency_alert(patient)
    assert (
        other_patient_client.get(reverse("redflags:emergency", args=[alert.pk])).status_code == 404
    )
    confirm = other_patient_client.post(reverse("redflags:emergency_confirm", args=[alert.pk]))
    assert confirm.status_code == 404
    assert not TriageAction.objects.filter(alert=alert).exists()


def test_clinicians_get_404_on_the_patients_emergency_page(
    therapist_client, patient_client, patient
):
    _save_saddle_numbness(patient_client)
    alert = _emergency_alert(patient)
    assert therapist_client.get(reverse("redflags:emergency", args=[alert.pk])).status_code == 404


def test_an_urgent_alert_has_no_emergency_page(patient_client, patient):
    patient_client.post(
        LOG, _entry(pain_now="6", pain_worst="8", descriptors=["stabbing"], rest_relief="no")
    )
    alert = Alert.objects.get(patient=patient, rule="R7")
    assert patient_client.get(reverse("redflags:emergency", args=[alert.pk])).status_code == 404


def test_emergency_confirm_refuses_get(patient_client, patient):
    _save_saddle_numbness(patient_client)
    alert = _emergency_alert(patient)
    url = reverse("redflags:emergency_confirm", args=[alert.pk])
    assert patient_client.get(url).status_code == 405
    assert patient_client.post(reverse("redflags:emergency", args=[alert.pk])).status_code == 405


# --- Urgent, review, normal --------------------------------------------------------------------


def _entry_page(client, response):
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    return page.content.decode()


def test_urgent_guidance_says_the_clinic_will_contact_today(patient_client):
    response = patient_client.post(
        LOG, _entry(pain_now="6", pain_worst="8", descriptors=["stabbing"], rest_relief="no")
    )
    body = _entry_page(patient_client, response)
    assert "Your clinic will contact you today" in body
    assert "Until they contact you" in body
    assert "You told us you have very bad stabbing pain that rest does not ease." in body
    assert "Call 999 now if you get numbness between your legs" in body
    assert 'href="tel:999"' in body


@pytest.mark.parametrize(
    "descriptors", [["burning", "tingling", "numbness"], ["pins_and_needles", "itching", "burning"]]
)
def test_review_guidance_is_a_calm_note(patient_client, descriptors):
    body = _entry_page(patient_client, patient_client.post(LOG, _entry(descriptors=descriptors)))
    assert "Your therapist will look at this" in body
    assert "at your next visit" in body
    assert "Call 999" not in body


def test_normal_recovery_gets_reassurance_and_home_care_tips(patient_client):
    body = _entry_page(
        patient_client,
        patient_client.post(LOG, _entry(descriptors=["tingling"], rest_relief="yes")),
    )
    assert "Thank you, your entry is saved" in body
    assert "It is part of how nerves get better." in body
    assert "Things that can help" in body
    assert "Keep moving gently." in body
    assert "Call 999" not in body
