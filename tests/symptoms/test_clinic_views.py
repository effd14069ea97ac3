"""Clinician pages for a patient: sessions (past and scheduled), recording, editing, intake."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from care.services import entry_record
from symptoms.models import Intake, PTSession
from tests.auth_helpers import login_verified
from tests.factories import ClinicAdminFactory, PatientFactory, PTSessionFactory

pytestmark = pytest.mark.django_db

# A Wednesday in London, away from any clock change.
NOW = dt.datetime(2026, 3, 11, 14, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 11)


@pytest.fixture
def invited_patient(clinic, therapist):
    from care.services import patient_add_with_intake

    return patient_add_with_intake(
        clinic=clinic,
        full_name="Nina Newcombe",
        email="nina@example.test",
        therapists=[therapist],
        intake={"baseline_pain": 3},
        actor=therapist,
    )


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def sessions_url(patient):
    return reverse("symptoms:patient_sessions", kwargs={"patient_pk": patient.pk})


def create_url(patient):
    return reverse("symptoms:session_create", kwargs={"patient_pk": patient.pk})


def edit_url(session):
    return reverse("symptoms:session_edit", kwargs={"pk": session.pk})


def intake_url(patient):
    return reverse("symptoms:intake_edit", kwargs={"patient_pk": patient.pk})


def session_post(**overrides):
    data = {
        "date": "2026-03-11",
        "kind": "treatment",
        "interventions": ["nerve_mobilisation", "education"],
        "notes": "Slump progressed to long sitting.",
    }
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def intake_post(**overrides):
    data = {
        "conditions": "L5 radiculopathy, left",
        "baseline_pain": "5",
        "baseline_regions": ["lower_back", "left_foot", "right_foot"],
        "cancer_history": "on",
    }
    data.update(overrides)
    return data


# Who may see the pages ------------------------------------------------------------------------


def _all_urls(patient, session):
    return [sessions_url(patient), create_url(patient), edit_url(session), intake_url(patient)]


@pytest.mark.parametrize("client_name", ["therapist_client", "clinic_admin_client"])
def test_caseload_clinicians_get_every_page(request, patient, client_name):
    client = request.getfixturevalue(client_name)
    session = PTSessionFactory(patient=patient)
    for url in _all_urls(patient, session):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "client_name", ["other_therapist_client", "other_clinic_admin_client", "patient_client"]
)
def test_others_and_the_patient_themselves_get_404(request, patient, client_name):
    client = request.getfixturevalue(client_name)
    session = PTSessionFactory(patient=patient)
    for url in _all_urls(patient, session):
        assert client.get(url).status_code == 404, url
    for url in [create_url(patient), edit_url(session)]:
        assert client.post(url, session_post(kind="review")).status_code == 404, url
    assert client.post(intake_url(patient), intake_post()).status_code == 404
    assert Intake.objects.get(patient=patient).baseline_pain == 3
    assert PTSession.objects.get(patient=patient).kind == "treatment"
    assert PTSession.objects.filter(patient=patient).count() == 1


def test_anonymous_is_sent_to_log_in(client, patient):
    response = client.get(sessions_url(patient))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_wrong_methods_get_405(therapist_client, patient):
    session = PTSessionFactory(patient=patient)
    assert therapist_client.post(sessions_url(patient)).status_code == 405
    assert therapist_client.put(create_url(patient)).status_code == 405
    assert therapist_client.delete(edit_url(session)).status_code == 405
    assert therapist_client.put(intake_url(patient)).status_code == 405


# The sessions page ----------------------------------------------------------------------------


def test_sessions_page_splits_scheduled_from_past(therapist_client, patient):
    past = PTSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=7), notes="Week one")
    today = PTSessionFactory(patient=patient, date=TODAY)
    later = PTSessionFactory(patient=patient, date=TODAY + dt.timedelta(days=7), kind="review")
    response = therapist_client.get(sessions_url(patient))
    assert response.context["scheduled"] == [later]
    assert response.context["past"] == [today, past]
    assert "Nerve mobilisation" in response.text
    assert "Week one" in response.text
    assert edit_url(later) in response.text


def test_sessions_page_counts_linked_entries(therapist_client, patient):
    session = PTSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=1))
    recorded = dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC)
    data = {"recorded_at": recorded, "context": "after_session", "pain_now": 4, "pain_worst": 5}
    entry_record(patient, data, actor=patient.user)
    response = therapist_client.get(sessions_url(patient))
    assert response.context["past"][0] == session
    assert response.context["past"][0].entry_count == 1


def test_sessions_page_offers_resend_while_the_invitation_is_pending(
    therapist_client, invited_patient
):
    response = therapist_client.get(sessions_url(invited_patient))
    resend = reverse("accounts:patient_invitation_resend", args=[invited_patient.pk])
    assert resend in response.text


def test_sessions_page_has_no_resend_once_the_patient_has_a_password(therapist_client, patient):
    response = therapist_client.get(sessions_url(patient))
    assert "resend-invitation" not in response.text


@pytest.mark.parametrize("size", [2, 12])
def test_sessions_page_queries_do_not_grow_with_sessions(
    therapist_client, patient, django_assert_max_num_queries, size
):
    for week in range(size):
        PTSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=7 * week))
    with django_assert_max_num_queries(8):
        response = therapist_client.get(sessions_url(patient))
    assert len(response.context["past"]) == size


# Recording and scheduling ---------------------------------------------------------------------


def test_therapist_records_a_session(therapist, therapist_client, patient):
    response = therapist_client.post(create_url(patient), session_post())
    assert response.status_code == 302
    assert response["Location"] == sessions_url(patient)
    session = PTSession.objects.get(patient=patient)
    assert session.date == TODAY
    assert session.kind == "treatment"
    assert sorted(session.interventions) == ["education", "nerve_mobilisation"]
    assert session.created_by == therapist
    page = therapist_client.get(response["Location"])
    assert "Session of 11 Mar 2026 recorded." in page.text


def test_therapist_schedules_a_session_ahead(therapist_client, patient):
    response = therapist_client.post(
        create_url(patient), session_post(date="2026-03-18", interventions=None, notes="")
    )
    assert response.status_code == 302
    session = PTSession.objects.get(patient=patient)
    assert session.date == dt.date(2026, 3, 18)
    assert session.interventions == []
    page = therapist_client.get(response["Location"])
    assert page.context["scheduled"] == [session]
    assert "Session scheduled for 18 Mar 2026." in page.text


def test_recording_a_session_links_the_days_entries_logged_before_it(therapist_client, patient):
    before = dt.datetime(2026, 3, 11, 9, 0, tzinfo=dt.UTC)
    data = {"recorded_at": before, "context": "before_session", "pain_now": 3, "pain_worst": 3}
    entry = entry_record(patient, data, actor=patient.user).entry
    assert entry.session is None
    therapist_client.post(create_url(patient), session_post())
    entry.refresh_from_db()
    assert entry.session == PTSession.objects.get(patient=patient)


def test_create_form_defaults_to_the_patients_today(therapist_client, patient):
    response = therapist_client.get(create_url(patient))
    assert response.context["form"].initial["date"] == TODAY
    assert 'value="dry_needling"' in response.text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": "massage"}, "Select a valid choice"),
        ({"kind": None}, "This field is required"),
        ({"interventions": ["nerve_mobilisation", "cupping"]}, "Select a valid choice"),
        ({"date": "2026-02-30"}, "Enter a valid date"),
        ({"date": "yesterday"}, "Enter a valid date"),
        ({"date": None}, "This field is required"),
        ({"date": "2027-04-01"}, "up to a year ahead"),
        ({"date": "2019-01-01"}, "more than five years ago"),
        ({"notes": "x" * 4001}, "at most 4000 characters"),
    ],
)
def test_bad_session_input_is_a_form_error_and_nothing_is_stored(
    therapist_client, patient, overrides, message
):
    response = therapist_client.post(create_url(patient), session_post(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not PTSession.objects.filter(patient=patient).exists()


def test_session_create_htmx_invalid_post_gets_the_form_fragment(therapist_client, patient):
    response = therapist_client.post(
        create_url(patient), session_post(kind="massage"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="session-form"')
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]


def test_session_create_htmx_valid_post_is_told_where_to_go(therapist_client, patient):
    response = therapist_client.post(
        create_url(patient), session_post(), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == sessions_url(patient)
    assert PTSession.objects.filter(patient=patient).count() == 1


def test_session_create_uses_the_patients_own_time_zone(therapist_client, therapist, clinic):
    # 14:00 UTC on 11 March is already 12 March in Auckland.
    far = PatientFactory(clinic=clinic, time_zone="Pacific/Auckland", therapists=[therapist])
    response = therapist_client.get(create_url(far))
    assert response.context["form"].initial["date"] == dt.date(2026, 3, 12)


# Editing --------------------------------------------------------------------------------------


def test_therapist_edits_a_session(therapist_client, patient):
    session = PTSessionFactory(patient=patient, date=TODAY, kind="treatment")
    page = therapist_client.get(edit_url(session))
    assert page.context["form"].initial["kind"] == "treatment"

    response = therapist_client.post(
        edit_url(session), session_post(kind="review", interventions=["education"], notes="Better")
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.kind, session.interventions, session.notes) == (
        "review",
        ["education"],
        "Better",
    )


def test_bad_edit_is_a_form_error_and_the_session_is_unchanged(therapist_client, patient):
    session = PTSessionFactory(patient=patient, date=TODAY, kind="treatment")
    response = therapist_client.post(edit_url(session), session_post(interventions=["cupping"]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    session.refresh_from_db()
    assert session.interventions == ["nerve_mobilisation"]


def test_session_with_linked_entries_keeps_its_date(therapist_client, patient):
    session = PTSessionFactory(patient=patient, date=TODAY)
    after = dt.datetime(2026, 3, 11, 13, 0, tzinfo=dt.UTC)
    data = {"recorded_at": after, "context": "after_session", "pain_now": 4, "pain_worst": 4}
    entry_record(patient, data, actor=patient.user)
    response = therapist_client.post(edit_url(session), session_post(date="2026-03-12"))
    assert response.status_code == 200
    assert "cannot change" in response.text
    session.refresh_from_db()
    assert session.date == TODAY


def test_scheduled_session_without_entries_can_be_moved(therapist_client, patient):
    session = PTSessionFactory(patient=patient, date=TODAY + dt.timedelta(days=7))
    response = therapist_client.post(edit_url(session), session_post(date="2026-03-19"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.date == dt.date(2026, 3, 19)


def test_session_edit_htmx_gets_the_form_fragment(therapist_client, patient):
    session = PTSessionFactory(patient=patient)
    response = therapist_client.post(
        edit_url(session), session_post(kind="nope"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="session-form"')


# Intake ---------------------------------------------------------------------------------------


def test_intake_form_shows_the_current_intake(therapist_client, patient):
    response = therapist_client.get(intake_url(patient))
    form = response.context["form"]
    assert form.initial["baseline_pain"] == 3
    assert form.initial["conditions"] == "L5 radiculopathy"


def test_therapist_edits_the_intake(therapist, therapist_client, patient):
    response = therapist_client.post(intake_url(patient), intake_post())
    assert response.status_code == 302
    assert response["Location"] == sessions_url(patient)
    intake = Intake.objects.get(patient=patient)
    assert intake.baseline_pain == 5
    assert sorted(intake.baseline_regions) == ["left_foot", "lower_back", "right_foot"]
    assert intake.cancer_history is True
    assert intake.diabetes is False
    assert intake.updated_by == therapist


def test_intake_is_created_when_missing(therapist_client, therapist, clinic):
    bare = PatientFactory(clinic=clinic, therapists=[therapist], intake=None)
    assert not Intake.objects.filter(patient=bare).exists()
    assert therapist_client.get(intake_url(bare)).status_code == 200
    therapist_client.post(intake_url(bare), intake_post())
    assert Intake.objects.get(patient=bare).baseline_pain == 5


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"baseline_pain": "11"}, "less than or equal to 10"),
        ({"baseline_pain": "three"}, "Enter a whole number"),
        ({"baseline_regions": ["tail"]}, "Select a valid choice"),
        ({"conditions": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_intake_is_a_form_error_and_nothing_changes(
    therapist_client, patient, overrides, message
):
    response = therapist_client.post(intake_url(patient), intake_post(**overrides))
    assert response.status_code == 200
    assert message in response.text
    intake = Intake.objects.get(patient=patient)
    assert intake.baseline_pain == 3
    assert intake.cancer_history is False


def test_intake_htmx_invalid_post_gets_the_form_fragment(therapist_client, patient):
    response = therapist_client.post(
        intake_url(patient), intake_post(baseline_pain="99"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="intake-form"')


def test_clinic_admin_of_the_clinic_may_edit_the_intake(clinic, patient):
    from django.test import Client

    admin = ClinicAdminFactory(clinic=clinic)
    client = login_verified(Client(), admin)
    assert client.post(intake_url(patient), intake_post()).status_code == 302
