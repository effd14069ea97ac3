"""The patient's diary: entries by session and day, the trend chart, paging and filtering."""

import datetime as dt

import pytest
from django.urls import reverse

from symptoms.models import DailySummary
from tests.factories import PTSessionFactory, SymptomEntryFactory
from tests.symptoms.conftest import LONDON, NOW

pytestmark = pytest.mark.django_db

DIARY_URL = reverse("care:diary")
HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = NOW.date()


def log(patient, day: dt.date, hour: int = 18, **fields):
    """An entry at `hour` local time on `day`, with its day's summary kept up to date."""
    recorded_at = dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)
    entry = SymptomEntryFactory(patient=patient, recorded_at=recorded_at, **fields)
    summary, _ = DailySummary.objects.get_or_create(
        patient=patient, day=day, defaults={"daily_pain": entry.pain_worst}
    )
    summary.daily_pain = max(summary.daily_pain, entry.pain_worst)
    summary.entry_count += 1
    summary.save()
    return entry


def test_patient_sees_their_diary_with_the_trend(patient_client, patient, frozen_now):
    log(patient, TODAY, pain_now=3, pain_worst=5)
    response = patient_client.get(DIARY_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert 'class="chart-plot trend-chart"' in html and 'role="group"' in html
    assert "<desc" in html
    # The text alternative: a table of daily pain.
    assert "<table" in html and '<th scope="row">Thu 26 Nov</th><td>5</td>' in html
    assert "Pain 3, worst 5" in html
    assert "css/symptoms.css" in html


def test_anonymous_visitor_is_sent_to_log_in(client):
    assert client.get(DIARY_URL).status_code == 302


@pytest.mark.parametrize("clinician", ["therapist_client", "clinic_admin_client"])
def test_clinicians_get_404_on_the_patient_diary_page(request, clinician):
    assert request.getfixturevalue(clinician).get(DIARY_URL).status_code == 404


def test_diary_shows_only_the_patients_own_entries(
    patient_client, patient, other_patient, frozen_now
):
    log(patient, TODAY, notes="mine", pain_now=2, pain_worst=2)
    log(other_patient, TODAY, pain_now=9, pain_worst=9)
    html = patient_client.get(DIARY_URL).content.decode()
    assert "Pain 2, worst 2" in html
    assert "Pain 9" not in html


def test_diary_refuses_post(patient_client):
    assert patient_client.post(DIARY_URL).status_code == 405


def test_htmx_gets_only_the_entries_fragment(patient_client, patient, frozen_now):
    log(patient, TODAY)
    response = patient_client.get(DIARY_URL, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="entries"')
    assert "trend-chart" not in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(patient_client, frozen_now):
    response = patient_client.get(DIARY_URL, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert "<html" in response.content.decode()


def test_entries_are_grouped_under_their_session(patient_client, patient, frozen_now):
    yesterday = TODAY - dt.timedelta(days=1)
    session = PTSessionFactory(
        patient=patient, date=yesterday, interventions=["manual_therapy", "dry_needling"]
    )
    log(patient, yesterday, 9, context="before_session", session=session, pain_now=2, pain_worst=2)
    log(patient, yesterday, 17, context="after_session", session=session, pain_now=5, pain_worst=5)
    log(patient, TODAY, 8, context="next_morning", session=session, pain_now=4, pain_worst=4)
    log(patient, TODAY, 20, context="daily", pain_now=1, pain_worst=1)
    html = patient_client.get(DIARY_URL).content.decode()

    # The session sits on its own day, after today's entries.
    assert html.index("Wednesday 25 November") < html.index("Session: Treatment")
    session_block = html[html.index("Session: Treatment") : html.index("Diary pages")]
    assert "Manual therapy, Dry needling" in session_block
    # Newest first within the session, the next morning's entry with its own date.
    assert (
        session_block.index("Pain 4, worst 4")
        < session_block.index("Pain 5, worst 5")
        < session_block.index("Pain 2, worst 2")
    )
    assert "Thu 26 Nov" in session_block
    today_block = html[html.index("Thursday 26 November") : html.index("Wednesday 25 November")]
    assert "Pain 1, worst 1" in today_block
    assert "Pain 4, worst 4" not in today_block


def test_a_session_without_entries_is_still_shown(patient_client, patient, frozen_now):
    PTSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=2))
    html = patient_client.get(DIARY_URL).content.decode()
    assert "Tuesday 24 November" in html
    assert "Nothing logged for this session." in html


def test_sessions_scheduled_ahead_are_not_in_the_diary(patient_client, patient, frozen_now):
    PTSessionFactory(patient=patient, date=TODAY + dt.timedelta(days=3), kind="review")
    assert "Session: Review" not in patient_client.get(DIARY_URL).content.decode()


def test_older_entries_are_one_link_away(patient_client, patient, frozen_now):
    log(patient, TODAY, pain_now=1, pain_worst=1)
    old_day = TODAY - dt.timedelta(days=40)
    log(patient, old_day, pain_now=7, pain_worst=8)
    html = patient_client.get(DIARY_URL).content.decode()
    assert "Pain 7, worst 8" not in html
    older = f"{DIARY_URL}?until={old_day.isoformat()}"
    assert f'href="{older}"' in html and f'hx-get="{older}"' in html

    older_page = patient_client.get(older, **HTMX).content.decode()
    assert "Pain 7, worst 8" in older_page
    assert "Pain 1, worst 1" not in older_page
    assert "Older entries" not in older_page
    assert "Newer entries" in older_page


def test_the_filter_keeps_one_kind_of_entry(patient_client, patient, frozen_now):
    log(patient, TODAY, 9, context="flare", is_flare="yes", pain_now=8, pain_worst=8)
    log(patient, TODAY, 19, context="daily", pain_now=2, pain_worst=2)
    html = patient_client.get(DIARY_URL, {"context": "flare"}, **HTMX).content.decode()
    assert "Pain 8, worst 8" in html
    assert "Pain 2, worst 2" not in html
    assert '<option value="flare" selected>' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"until": "yesterday"}, "That page of your diary could not be found."),
        ({"context": "holiday"}, "Choose one of the answers shown."),
    ],
)
def test_a_bad_diary_address_is_explained(patient_client, frozen_now, params, message):
    response = patient_client.get(DIARY_URL, params)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Showing your latest entries instead." in html


def test_the_trend_marks_sessions_and_self_reported_flares(patient_client, patient, frozen_now):
    PTSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=3))
    log(patient, TODAY - dt.timedelta(days=1), is_flare="yes", pain_now=7, pain_worst=7)
    DailySummary.objects.filter(day=TODAY - dt.timedelta(days=1)).update(flare_yes=True)
    html = patient_client.get(DIARY_URL).content.decode()
    assert 'class="chart-session"' in html
    assert "chart-point-flare" in html
    assert "Session on 23 Nov" in html


def _fill(patient, days: int, per_day: int) -> None:
    for offset in range(days):
        day = TODAY - dt.timedelta(days=offset)
        session = PTSessionFactory(patient=patient, date=day) if offset % 3 == 0 else None
        for hour in range(per_day):
            log(
                patient,
                day,
                8 + hour,
                context="after_session" if session else "daily",
                session=session,
                descriptors=["burning", "aching"],
                regions=["left_thigh", "right_foot"],
            )


@pytest.mark.parametrize(("days", "per_day"), [(2, 1), (14, 4)])
def test_diary_query_count_does_not_grow_with_entries(
    patient_client, patient, frozen_now, django_assert_max_num_queries, days, per_day
):
    _fill(patient, days, per_day)
    # Login session, user, patient, emergency check; entries, sessions and the two older-day
    # lookups of the page; daily pain, sessions and flare-ups (chart and list) of the trend;
    # the audit event (docs/security.md).
    with django_assert_max_num_queries(13):
        response = patient_client.get(DIARY_URL)
    assert response.content.decode().count('class="diary-entry"') == days * per_day


@pytest.mark.parametrize(("days", "per_day"), [(2, 1), (14, 4)])
def test_diary_fragment_query_count_does_not_grow(
    patient_client, patient, frozen_now, django_assert_max_num_queries, days, per_day
):
    _fill(patient, days, per_day)
    # As the page, without the trend; with the audit event.
    with django_assert_max_num_queries(9):
        patient_client.get(DIARY_URL, **HTMX)
