"""The caseload: who sees whom, risk order, filters and search through htmx and the URL,
pagination, the per-row figures, and the SQL risk key against summaries.risk.risk_of."""

import itertools
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dashboard.caseload import caseload_patients
from dashboard.caseload_rows import caseload_rows
from dashboard.selectors import rule_params_for_clinic
from dashboard.summaries.pain import Direction
from dashboard.summaries.risk import Risk, risk_of
from tests.dashboard.conftest import TODAY, alert, day, flare, log, session
from tests.factories import (
    ExerciseFactory,
    ExerciseLogFactory,
    PatientFactory,
    PlanFactory,
    PlanItemFactory,
    PlanVersionFactory,
    TherapistFactory,
)

pytestmark = pytest.mark.django_db

URL = "/dashboard/"
SVG = "{http://www.w3.org/2000/svg}"
clinic_zone = ZoneInfo("Europe/London")


def names(response) -> list[str]:
    return [row.patient.user.full_name for row in response.context["rows"]]


def on_caseload(clinic, therapist, name, **kwargs):
    return PatientFactory(clinic=clinic, therapists=[therapist], user__full_name=name, **kwargs)


@pytest.fixture
def mixed_caseload(clinic, therapist, patient):
    """One patient per place in the risk order (patient "Pat Patient" is new: the rest)."""
    people = {}
    for name in [
        "Emma Emergency",
        "Uma Urgent",
        "Fay Flare",
        "Rex Review",
        "Nell Notlogging",
        "Olly Ok",
        "Lou Low",
        "Finn Former",
    ]:
        people[name] = on_caseload(clinic, therapist, name)
        if name != "Nell Notlogging":
            log(people[name], TODAY, pain_now=3)
    log(people["Nell Notlogging"], TODAY - 5, pain_now=3)
    alert(people["Emma Emergency"], "R1", "emergency")
    alert(people["Uma Urgent"], "R7", "urgent")
    alert(people["Rex Review"], "R9", "review")
    alert(people["Lou Low"], "R13", "low")
    alert(people["Olly Ok"], "R4", "urgent", state="resolved")
    flare(people["Fay Flare"], TODAY - 2, None)
    flare(people["Finn Former"], 5, 10)
    return people


# --- Access and methods --------------------------------------------------------------------------


def test_therapist_sees_only_their_caseload(therapist_client, patient, other_patient):
    response = therapist_client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Pat Patient"]
    assert "Olive Other" not in response.text


def test_clinic_admin_sees_every_patient_of_their_clinic(
    clinic_admin_client, patient, other_patient
):
    response = clinic_admin_client.get(URL)
    assert sorted(names(response)) == ["Olive Other", "Pat Patient"]


def test_other_clinic_admin_sees_none_of_them(other_clinic_admin_client, patient, other_patient):
    response = other_clinic_admin_client.get(URL)
    assert response.status_code == 200
    assert names(response) == []


def test_patient_gets_404(patient_client):
    assert patient_client.get(URL).status_code == 404


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_post_is_not_allowed(therapist_client):
    assert therapist_client.post(URL).status_code == 405


def test_closed_patients_leave_the_caseload(therapist_client, patient):
    from django.utils import timezone

    patient.closed_at = timezone.now()
    patient.save()
    assert names(therapist_client.get(URL)) == []


# --- Full page and fragment ----------------------------------------------------------------------


def test_plain_request_gets_the_whole_page_with_filters(therapist_client, patient):
    response = therapist_client.get(URL)
    assert "<html" in response.text
    assert 'role="search"' in response.text
    assert 'hx-push-url="true"' in response.text
    # Links other pages put on each row stay.
    assert reverse("symptoms:patient_sessions", args=[patient.pk]) in response.text
    assert reverse("symptoms:intake_edit", args=[patient.pk]) in response.text
    assert reverse("care:patient_add") in response.text


def test_htmx_gets_only_the_list_which_refreshes_itself(therapist_client, patient):
    response = therapist_client.get(URL + "?show=alerts", headers={"HX-Request": "true"})
    assert response.status_code == 200
    text = response.text.lstrip()
    assert text.startswith('<section id="caseload-list"')
    assert "<html" not in text
    assert 'hx-trigger="every 60s, alertsChanged from:body"' in text
    assert 'hx-get="/dashboard/?show=alerts"' in text
    # Its own polling must not keep an unattended session alive (accounts.middleware).
    assert """hx-headers='{"PT-Background": "1"}'""" in text
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(therapist_client, patient):
    response = therapist_client.get(
        URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.text


# --- Risk order, filters, search -----------------------------------------------------------------


def test_caseload_is_sorted_by_risk_then_name(therapist_client, mixed_caseload):
    response = therapist_client.get(URL)
    assert names(response) == [
        "Emma Emergency",
        "Uma Urgent",
        "Fay Flare",
        "Rex Review",
        "Nell Notlogging",
        "Finn Former",
        "Lou Low",
        "Olly Ok",
        "Pat Patient",
    ]
    risks = [row.risk for row in response.context["rows"]]
    assert risks[:5] == [
        Risk.EMERGENCY,
        Risk.URGENT,
        Risk.ACTIVE_FLARE,
        Risk.REVIEW,
        Risk.NOT_LOGGING,
    ]
    assert "Emergency alert" in response.text


@pytest.mark.parametrize(
    ("show", "expected"),
    [
        ("alerts", ["Emma Emergency", "Uma Urgent", "Rex Review", "Lou Low"]),
        ("flaring", ["Fay Flare", "Finn Former"]),
        ("not_logging", ["Nell Notlogging"]),
    ],
)
def test_filters(therapist_client, mixed_caseload, show, expected):
    response = therapist_client.get(URL, {"show": show})
    assert names(response) == expected


def test_search_by_name_ignores_case(therapist_client, mixed_caseload):
    assert names(therapist_client.get(URL, {"q": "uRGe"})) == ["Uma Urgent"]
    assert names(therapist_client.get(URL, {"q": "o", "show": "alerts"})) == ["Lou Low"]


def test_search_without_matches_says_so(therapist_client, mixed_caseload):
    response = therapist_client.get(URL, {"q": "Nobody"})
    assert names(response) == []
    assert "No patients match these filters." in response.text


def test_empty_caseload_says_so(therapist_client):
    response = therapist_client.get(URL)
    assert "No patients on your caseload yet." in response.text


def test_clinic_admin_filters_by_therapist(
    clinic_admin_client, patient, other_patient, other_therapist
):
    response = clinic_admin_client.get(URL, {"therapist": other_therapist.pk})
    assert names(response) == ["Olive Other"]


def test_therapist_filter_is_not_offered_to_therapists(therapist_client, patient, other_therapist):
    response = therapist_client.get(URL, {"therapist": other_therapist.pk})
    assert names(response) == ["Pat Patient"]
    assert 'name="therapist"' not in response.text


def test_a_therapist_of_another_clinic_is_an_error_not_a_filter(
    clinic_admin_client, patient, other_clinic
):
    stranger = TherapistFactory(clinic=other_clinic)
    response = clinic_admin_client.get(URL, {"therapist": stranger.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert names(response) == ["Pat Patient"]


def test_unknown_filter_value_shows_an_error_and_everyone(therapist_client, patient):
    response = therapist_client.get(URL, {"show": "bogus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert names(response) == ["Pat Patient"]


# --- Pagination ----------------------------------------------------------------------------------


def test_pagination_keeps_the_filters(therapist_client, clinic, therapist):
    for n in range(30):
        on_caseload(clinic, therapist, f"Person {n:02d}")
    first = therapist_client.get(URL, {"q": "Person"})
    assert len(first.context["rows"]) == 25
    assert "?q=Person&amp;page=2" in first.text
    second = therapist_client.get(URL, {"q": "Person", "page": 2})
    assert names(second) == [f"Person {n:02d}" for n in range(25, 30)]
    assert names(therapist_client.get(URL, {"q": "Person", "page": 99})) == names(second)
    assert len(therapist_client.get(URL, {"page": "abc"}).context["rows"]) == 25


# --- Row figures ---------------------------------------------------------------------------------


def test_row_figures(therapist_client, clinic, therapist):
    person = on_caseload(clinic, therapist, "Rita Row")
    person.intake.baseline_pain = 2
    person.intake.save()
    # Days 14, 16, 17 at 3, 4, 3; latest day 19 at 7: baseline on day 19 = median(3, 4, 3) = 3;
    # 7 - 3 = 4 >= 2 and >= 0.9: a meaningful rise.
    for number, pain in [(14, 3), (16, 4), (17, 3), (19, 7)]:
        log(person, number, pain_now=pain)
    session(person, 18)
    session(person, TODAY + 3)
    flare(person, 19, None)
    alert(person, "R9", "review")
    alert(person, "R2", "urgent", state="acknowledged")
    # Plan: one exercise once a day, every day, for the last 7 days; 5 logs (one on a day
    # twice, which counts once): 4 of 7 doses.
    exercise = ExerciseFactory()
    version = PlanVersionFactory(plan=PlanFactory(patient=person), number=1, start_date=day(0))
    PlanItemFactory(version=version, exercise=exercise, times_per_day=1, days_per_week=7)
    for number in (14, 15, 15, 17, 20):
        ExerciseLogFactory(patient=person, exercise=exercise, day=day(number))

    row = therapist_client.get(URL).context["rows"][0]
    assert row.risk == Risk.URGENT
    assert (row.alert["rule"], row.alert["severity"], row.open_alerts) == ("R2", "urgent", 2)
    assert row.flare_open and row.recent_flare.start == day(19)
    assert (row.current.pain, row.current.baseline, row.current.direction) == (
        7,
        3,
        Direction.RISE,
    )
    assert (row.adherence.counted, row.adherence.prescribed, row.adherence.percent) == (4, 7, 57)
    assert row.last_entry_day == day(19)
    assert row.next_session == day(TODAY + 3)
    assert not row.not_logging
    spark = ElementTree.fromstring(str(row.sparkline))
    assert spark.get("class") == "sparkline"
    # The session of day 18 (the one of day 23 is still to come).
    assert len(spark.findall(f"{SVG}g[@class='chart-session']/{SVG}line")) == 1


def test_new_patient_row_has_empty_figures(therapist_client, patient):
    response = therapist_client.get(URL)
    row = response.context["rows"][0]
    assert (row.current, row.adherence, row.alert, row.last_entry_at) == (None, None, None, None)
    assert "No entries yet" in response.text
    assert "No plan" in response.text


def test_baseline_reaches_back_for_a_patient_who_stopped_logging(clinic, therapist):
    person = on_caseload(clinic, therapist, "Gus Gone")
    # Logged days -20, -19, -18 at 2, 2, 2 and day -15 at 6: long before the sparkline.
    for number, pain in [(-20, 2), (-19, 2), (-18, 2), (-15, 6)]:
        log(person, number, pain_now=pain)
    today = day(TODAY)
    patients = list(caseload_patients(therapist, today=today))
    row = caseload_rows(
        patients, today=today, params=rule_params_for_clinic(clinic.pk), zone=clinic_zone
    )[0]
    assert (row.current.day, row.current.pain, row.current.baseline) == (day(-15), 6, 2)
    assert row.current.direction == Direction.RISE
    assert row.not_logging


# --- SQL risk key --------------------------------------------------------------------------------


def test_sql_risk_key_matches_the_pure_risk_order_for_every_combination(clinic, therapist):
    combos = list(
        itertools.product(
            [None, "low", "review", "urgent", "emergency"], [False, True], [False, True]
        )
    )
    for index, (severity, flare_open, not_logging) in enumerate(combos):
        person = on_caseload(clinic, therapist, f"Combo {index:02d}")
        log(person, TODAY - 6 if not_logging else TODAY, pain_now=3)
        if severity:
            alert(person, "R7", severity)
        if flare_open:
            flare(person, TODAY - 1, None)
    today = day(TODAY)
    patients = list(caseload_patients(therapist, today=today))
    rows = caseload_rows(
        patients, today=today, params=rule_params_for_clinic(clinic.pk), zone=clinic_zone
    )
    by_name = {row.patient.user.full_name: row for row in rows}
    for index, (severity, flare_open, not_logging) in enumerate(combos):
        row = by_name[f"Combo {index:02d}"]
        assert (row.flare_open, row.not_logging) == (flare_open, not_logging)
        expected = risk_of(severity, flare_open=flare_open, not_logging=not_logging)
        assert row.risk == expected, (severity, flare_open, not_logging)
    # And the SQL order is the pure order.
    assert [row.risk for row in rows] == sorted(row.risk for row in rows)
