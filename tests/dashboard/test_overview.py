"""The patient overview and its printable summary: access, htmx, ranges, empty states, and
every figure against the hand-computed history of tests/dashboard/conftest.build_history."""

from fractions import Fraction

import pytest
from django.urls import reverse

from dashboard.overview.assembler import build_overview
from dashboard.overview.loader import load_overview
from dashboard.summaries.pain import Direction
from dashboard.summaries.responses import Flare, InterventionLink
from tests.dashboard.conftest import TODAY, build_history, day
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def overview_url(patient, **query):
    url = reverse("dashboard:patient_overview", args=[patient.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- Access and methods --------------------------------------------------------------------------


def test_therapist_sees_their_patients_overview(therapist_client, patient):
    response = therapist_client.get(overview_url(patient))
    assert response.status_code == 200
    assert "Pat Patient" in response.text
    assert "<html" in response.text


def test_other_therapist_gets_404(other_therapist_client, patient):
    assert other_therapist_client.get(overview_url(patient)).status_code == 404


def test_clinic_admin_of_the_clinic_sees_the_overview(clinic_admin_client, patient):
    assert clinic_admin_client.get(overview_url(patient)).status_code == 200


def test_other_clinic_admin_gets_404(other_clinic_admin_client, patient):
    assert other_clinic_admin_client.get(overview_url(patient)).status_code == 404


def test_patient_gets_404_even_for_their_own_overview(patient_client, patient):
    assert patient_client.get(overview_url(patient)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, patient):
    response = client.get(overview_url(patient))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_post_is_not_allowed(therapist_client, patient):
    assert therapist_client.post(overview_url(patient)).status_code == 405
    url = reverse("dashboard:patient_summary_print", args=[patient.pk])
    assert therapist_client.post(url).status_code == 405


def test_htmx_range_switch_gets_only_the_overview_body(therapist_client, patient):
    response = therapist_client.get(
        overview_url(patient, range="12w"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="overview-body" data-range="12w"')
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]


def test_an_unknown_range_falls_back_to_four_weeks(therapist_client, patient):
    response = therapist_client.get(overview_url(patient, range="forever"))
    assert response.status_code == 200
    assert response.context["overview"].range_key == "4w"


# --- Figures -------------------------------------------------------------------------------------


@pytest.fixture
def history(patient, therapist):
    return build_history(patient, therapist)


def test_overview_figures_match_the_hand_computed_history(patient, history):
    overview = build_overview(load_overview(patient, "4w"))
    s1, s2, s3 = history["sessions"]
    assert overview.today == day(TODAY)
    assert overview.start == day(TODAY - 27)
    # Logged days 0, 1, 2, 3, 4, 6, 8, 10, 11, 14, 17.
    assert overview.logged_days == 11

    # Latest logged day 17 (5); baseline on day 17 = median of days 3..16: 4 3 3 5 6 6 3 -> 4.
    assert (overview.current.day, overview.current.pain) == (day(17), 5)
    assert overview.current.baseline == 4
    assert overview.current.direction == Direction.STEADY

    rows = {row.session.id: row for row in overview.responses}
    assert [row.session.id for row in overview.responses] == [s3.pk, s2.pk, s1.pk]
    r1, r2, r3 = rows[s1.pk], rows[s2.pk], rows[s3.pk]
    assert (r1.pre, r1.pre_from_entry, r1.post, r1.next_morning, r1.settled) == (
        5,
        True,
        7,
        8,
        False,
    )
    assert r1.flare == Flare(day(1), day(4), True, 7)
    # S2: no before-session entry: the baseline on day 7 = median(7, 8, 4, 4, 3, 3) = 4.
    assert (r2.pre, r2.pre_from_entry, r2.post, r2.next_morning, r2.settled) == (
        4,
        False,
        None,
        5,
        True,
    )
    assert r2.flare is None
    assert (r3.pre, r3.post, r3.next_morning, r3.settled) == (3, None, None, None)
    assert r3.flare.start == day(16)

    summary = overview.flare_summary
    assert (summary.count, summary.open_count, summary.total_days, summary.median_days) == (
        3,
        1,
        6,
        3,
    )
    assert summary.after_session == 2
    assert summary.interventions == (
        InterventionLink("nerve_mobilisation", 2, 2),
        InterventionLink("education", 1, 1),
    )
    assert summary.triggers == (("lifting", 2), ("sitting", 2), ("driving", 1))
    assert (summary.self_reported, summary.computed) == (1, 2)
    assert (summary.reported_days, summary.reported_days_in_flares) == (3, 2)

    assert overview.descriptors == [("tingling", 10), ("burning", 1)]
    assert overview.regions == [("left_thigh", 11), ("left_foot", 1)]
    assert [(row.question, row.days) for row in overview.screening] == [
        ("fever_or_unwell", (day(6),))
    ]
    assert overview.open_alerts == 1
    assert [item.alert.rule for item in overview.alerts] == ["R11", "R9"]
    assert [action.kind for action in overview.alerts[1].actions] == ["acknowledge", "resolve"]


def test_chart_table_rows_carry_pain_baseline_sessions_and_alerts(patient, history):
    overview = build_overview(load_overview(patient, "4w"))
    by_day = {row.day: row for row in overview.chart_days}
    # Day 0: nothing before it, so the intake's 3.
    assert (by_day[day(0)].pain, by_day[day(0)].baseline) == (7, 3)
    assert by_day[day(0)].sessions == ["Nerve mobilisation"]
    assert by_day[day(1)].flare_reported and by_day[day(1)].in_flare
    assert by_day[day(1)].alerts == ["R9 Review"]
    # Day 7 has a session and no entry; day 5 has neither and is left out.
    assert by_day[day(7)].pain is None and by_day[day(7)].baseline == 4
    assert day(5) not in by_day
    assert overview.chart_weeks == []


def test_all_range_starts_at_the_first_record_and_tabulates_weeks(patient, history):
    overview = build_overview(load_overview(patient, "all"))
    assert overview.start == day(0)
    # 21 days: short enough for a row per day.
    assert overview.chart_days[0].day == day(0)
    assert overview.chart_weeks == []
    assert overview.flare_summary.count == 3
    assert [row.session.day for row in overview.responses] == [day(14), day(7), day(0)]


def test_a_long_range_tabulates_weeks_instead_of_days(patient, history):
    overview = build_overview(load_overview(patient, "all", today=day(120)))
    assert overview.chart_days == []
    # 121 days from day 0 to day 120: 17 full weeks back from day 120 (days 2..120), then
    # days 0 and 1.
    assert len(overview.chart_weeks) == 18
    assert (overview.chart_weeks[0].start, overview.chart_weeks[0].end) == (day(114), day(120))
    assert (overview.chart_weeks[-1].start, overview.chart_weeks[-1].end) == (day(0), day(1))
    assert sum(week.logged_days for week in overview.chart_weeks) == 11


def test_a_shorter_range_leaves_out_earlier_sessions_and_flares(patient, history):
    # Four weeks back from day 20 covers everything; so check a range that cuts day 0..14 off
    # by moving "today" forward to day 40 (12 weeks still covers it, 4 weeks does not).
    overview = build_overview(load_overview(patient, "4w", today=day(40)))
    assert overview.start == day(13)
    assert [row.session.day for row in overview.responses] == [day(14)]
    # Only the flare-up starting on day 16 began in the range; it followed S3 (day 14).
    assert overview.flare_summary.count == 1
    assert overview.flare_summary.after_session == 1
    longer = build_overview(load_overview(patient, "12w", today=day(40)))
    assert longer.flare_summary.count == 3


def test_overview_page_shows_the_figures(therapist_client, patient, history):
    response = therapist_client.get(overview_url(patient))
    text = response.text
    assert "3 flare-ups began in these days" in text
    assert "2 of 3 followed sessions with Nerve mobilisation" in text
    assert "No: meaningful rise" in text
    assert 'class="chart-plot trend-chart"' in text
    assert "chart-baseline-band" in text
    assert "chart-alert" in text


def test_new_patient_overview_shows_empty_states(therapist_client, clinic, therapist):
    newcomer = PatientFactory(clinic=clinic, therapists=[therapist], intake=None)
    response = therapist_client.get(overview_url(newcomer))
    assert response.status_code == 200
    text = response.text
    assert "No entries yet" in text
    assert "No sessions in these days yet." in text
    assert "No flare-ups began in these days." in text
    assert "No alerts so far." in text
    assert "No intake recorded yet." in text
    overview = response.context["overview"]
    assert overview.current is None
    assert overview.logged_days == 0


# --- Printable summary ---------------------------------------------------------------------------


def test_printable_summary_has_the_chart_and_a_print_stylesheet(therapist_client, patient, history):
    url = reverse("dashboard:patient_summary_print", args=[patient.pk])
    response = therapist_client.get(url + "?range=12w")
    assert response.status_code == 200
    text = response.text
    assert "Physiotherapy summary: Pat Patient" in text
    assert 'class="chart-plot trend-chart"' in text
    assert "css/dashboard.css" in text
    assert "print-summary" in text
    assert response.context["overview"].range_key == "12w"


def test_printable_summary_is_404_for_another_therapist(other_therapist_client, patient):
    url = reverse("dashboard:patient_summary_print", args=[patient.pk])
    assert other_therapist_client.get(url).status_code == 404


def test_pain_fraction_in_the_template_shows_a_half():
    from dashboard.templatetags.dashboard_tags import duration, pain

    assert pain(Fraction(9, 2)) == "4.5"
    assert pain(Fraction(4)) == "4"
    assert pain(None) == "–"
    from datetime import timedelta

    assert duration(timedelta(minutes=135)) == "2 h 15 min"
    assert duration(timedelta(days=1, hours=3)) == "1 d 3 h"
    assert duration(timedelta(minutes=7)) == "7 min"
