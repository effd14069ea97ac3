"""The clinician sees why and can call (issue 11): the caseload's "Needs attention" says what
was found and when, the rule code second; a meaningful rise without an alert still shows;
flare-ups and stale figures read in words; the inbox links the overview and gives the day of
the finding; the overview starts with a strip of open alerts and the patient's call links.

"Today" is noon on Sun 22 Mar 2026 (tests/dashboard/conftest.py: day 20)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.phones import phone_parse
from redflags.models import Alert, AlertEvidence
from tests.dashboard.conftest import TODAY, alert, day, flare, log, moment
from tests.factories import PatientFactory, SymptomEntryFactory

pytestmark = pytest.mark.django_db

CASELOAD = reverse("dashboard:caseload")
INBOX = reverse("redflags:inbox")


def _with_data(row: Alert, **data) -> Alert:
    Alert.objects.filter(pk=row.pk).update(data=data)
    row.refresh_from_db()
    return row


def _reported(row: Alert, at) -> Alert:
    """The entry behind the alert, logged at ``at`` (the time "reported at" shows)."""
    entry = SymptomEntryFactory(patient=row.patient, recorded_at=at)
    AlertEvidence.objects.create(alert=row, entry=entry, day=entry.day)
    return row


def _cell(html: str, name: str) -> str:
    """The caseload row of ``name``, as text without tags."""
    start = html.index(f">{name}</a>")
    row = html[start : html.index("</tr>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


@pytest.fixture
def emma(clinic, therapist):
    person = PatientFactory(clinic=clinic, therapists=[therapist], user__full_name="Emma Ward")
    person.phone = phone_parse("07700 900123", "GB")
    person.emergency_contact_name = "Sam Ward"
    person.emergency_contact_phone = phone_parse("07700 900456", "GB")
    person.best_time_to_call = "Mornings"
    person.save()
    return person


def test_needs_attention_says_what_was_found_and_when_with_the_rule_second(therapist_client, emma):
    # Logged at 02:23, the alert written later (a backfilled history, a late save).
    row = alert(emma, "R1", "emergency", opened=moment(emma, TODAY - 1, "09:40"))
    _reported(
        _with_data(row, signs=["bladder_bowel_change"], pain_now=2), moment(emma, 19, "02:23")
    )
    text = _cell(therapist_client.get(CASELOAD).text, "Emma Ward")
    assert "Emergency Bladder or bowel change reported at 02:23 on Sat 21 Mar R1" in text


def test_a_meaningful_rise_without_an_alert_still_needs_attention(
    therapist_client, clinic, therapist
):
    person = PatientFactory(clinic=clinic, therapists=[therapist], user__full_name="Ravi Rise")
    for number, pain in [(14, 3), (16, 4), (17, 3), (19, 7)]:
        log(person, number, pain_now=pain)
    text = _cell(therapist_client.get(CASELOAD).text, "Ravi Rise")
    assert "Pain up: 7 against a baseline of 3 on 21 Mar" in text


def test_flare_ups_read_in_words(therapist_client, clinic, therapist):
    past = PatientFactory(clinic=clinic, therapists=[therapist], user__full_name="Paula Past")
    flare(past, 3, 6)  # 5-8 Mar, ended 14 days before today
    now = PatientFactory(clinic=clinic, therapists=[therapist], user__full_name="Nora Now")
    flare(now, 18, None)
    html = therapist_client.get(CASELOAD, {"show": "flaring"}).text
    assert "Last flare 5-8 Mar (14 days ago)" in _cell(html, "Paula Past")
    assert "Flaring since 20 Mar" in _cell(html, "Nora Now")


def test_a_flare_across_months_and_one_that_ended_today(therapist_client, clinic, therapist):
    person = PatientFactory(clinic=clinic, therapists=[therapist], user__full_name="Mia Month")
    flare(person, -3, TODAY)  # 27 Feb to 22 Mar
    html = therapist_client.get(CASELOAD).text
    assert "Last flare 27 Feb-22 Mar (ended today)" in _cell(html, "Mia Month")


def test_figures_older_than_a_week_say_which_day_they_are_from(therapist_client, clinic, therapist):
    old = PatientFactory(clinic=clinic, therapists=[therapist], user__full_name="Olga Old")
    for number in (8, 9, 10, 12):
        log(old, number, pain_now=3)
    fresh = PatientFactory(clinic=clinic, therapists=[therapist], user__full_name="Fay Fresh")
    for number in (13, 14, 15):
        log(fresh, number, pain_now=3)
    html = therapist_client.get(CASELOAD).text
    assert "as of 14 Mar" in _cell(html, "Olga Old")
    assert "as of" not in _cell(html, "Fay Fresh")


# --- The inbox ----------------------------------------------------------------------------------


def test_the_inbox_says_why_links_the_overview_and_gives_the_day_of_the_finding(
    therapist_client, emma
):
    row = _with_data(
        alert(emma, "R13", "low", opened=moment(emma, TODAY, "00:05")),
        part="session",
        session_day=day(16).isoformat(),
    )
    html = therapist_client.get(INBOX).text
    overview = reverse("dashboard:patient_overview", args=[emma.pk])
    assert f'<a href="{overview}">Emma Ward</a>' in html
    assert "No check-in after the last session found on Sun 22 Mar" in html
    assert "R13 Disengaged" in html
    assert f'<time datetime="{row.opened_day:%Y-%m-%d}">Sun 22 Mar</time>' in html
    assert ">Day of the finding<" in html and ">Raised<" in html


# --- The overview -------------------------------------------------------------------------------


def test_the_overview_starts_with_every_open_alert_most_severe_first(therapist_client, emma):
    review = _with_data(
        alert(emma, "R12", "review", opened=moment(emma, TODAY, "08:00")),
        dn4_items=["burning", "tingling", "numbness"],
        count=3,
    )
    _reported(review, moment(emma, TODAY, "08:00"))
    emergency = _with_data(
        alert(emma, "R1", "emergency", opened=moment(emma, TODAY - 1, "02:23")),
        signs=["saddle_numbness", "bladder_bowel_change"],
    )
    _reported(emergency, moment(emma, TODAY - 1, "02:23"))
    alert(emma, "R7", "urgent", state="resolved", resolved=moment(emma, TODAY, "10:00"))
    html = therapist_client.get(reverse("dashboard:patient_overview", args=[emma.pk])).text
    strip = html[html.index('class="alert-strip') : html.index("</section>")]
    assert "2 open alerts" in strip
    first = strip.index("Saddle numbness and bladder or bowel change reported at 02:23 on Sat 21")
    second = strip.index("Neuropathic words for the symptoms reported at 08:00 on Sun 22 Mar")
    assert first < second
    assert "Test finding" not in strip  # the resolved one is history, not the strip
    for row in (emergency, review):
        assert reverse("redflags:alert_detail", args=[row.pk]) in strip
    assert strip.count(">Triage<") == 2
    assert "opened 1\xa0day" in strip or "opened 1 day" in strip


def test_the_overview_header_has_the_patient_s_call_links(therapist_client, emma):
    html = therapist_client.get(reverse("dashboard:patient_overview", args=[emma.pk])).text
    assert 'href="tel:+447700900123"' in html
    assert "Call 07700 900123" in html
    assert 'href="tel:+447700900456"' in html
    assert "Emergency contact: Sam Ward, 07700 900456" in html
    assert "Best time to call: Mornings" in html


def test_an_overview_without_a_number_says_so(therapist_client, patient):
    html = therapist_client.get(reverse("dashboard:patient_overview", args=[patient.pk])).text
    assert "No phone number on record." in html
    assert "tel:" not in html
    assert 'class="alert-strip' not in html


def test_the_alert_page_has_the_call_links_beside_the_contact_actions(therapist_client, emma):
    row = _with_data(alert(emma, "R1", "emergency"), signs=["saddle_numbness"])
    _reported(row, moment(emma, TODAY, "07:15"))
    html = therapist_client.get(reverse("redflags:alert_detail", args=[row.pk])).text
    triage = html[html.index('id="triage"') :]
    call = triage.index('href="tel:+447700900123"')
    assert triage.index("Log a contact") < call < triage.index("Log contact</button>")
    assert 'href="tel:+447700900456"' in triage
    assert "Saddle numbness reported at 07:15 on Sun 22 Mar" in html
