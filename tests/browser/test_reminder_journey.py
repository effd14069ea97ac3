"""The reminder journey (issue 8): the after-session email's link opens on a phone without
logging in, one tap on the pain score and Save log the check-in, and the link is then spent."""

from datetime import datetime, time

from django.core import mail

from core.outbox import mail_deliver_due
from reminders.services import reminders_send_due
from symptoms.models import SymptomEntry
from tests.browser.conftest import screenshot
from tests.browser.test_emergency_journey import _watch_for_problems
from tests.reminders.conftest import WORKING_MAIL, add_session, quick_log_path


def test_a_patient_logs_the_after_session_check_in_from_the_email_in_seconds(
    transactional_db, live_server, phone_page, chromium, patient, therapist, settings
):
    settings.MAILERS = WORKING_MAIL
    mail.outbox = []
    today = patient.local_day()
    session = add_session(patient, today, therapist)
    reminders_send_due(now=datetime.combine(today, time(18, 1), tzinfo=patient.zone))
    mail_deliver_due()  # delivered by the task worker; a no-op if it was already
    [message] = mail.outbox
    link = f"{live_server.url}{quick_log_path(message)}"

    page = phone_page
    problems = _watch_for_problems(page)
    page.goto(link)
    page.wait_for_load_state("networkidle")
    assert page.get_by_role(
        "heading", name="Hi Pat. How do you feel after your session today?"
    ).is_visible()
    # The check-in is the email's: one choice, already chosen, and no way to change it.
    assert page.get_by_role("radio", name="After my session").is_checked()
    assert page.get_by_role("radio", name="After my session").is_disabled()
    assert page.get_by_role("link", name="My diary").count() == 0
    screenshot(page, "reminder-journey-1-quick-log")

    page.get_by_role("group", name="How bad is your pain right now?").get_by_text(
        "3", exact=True
    ).click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/reminders/log/done/")
    assert page.get_by_role("heading", name="Thank you, your entry is saved").is_visible()
    screenshot(page, "reminder-journey-2-guidance")
    assert problems == []

    entry = SymptomEntry.objects.get(patient=patient)
    assert (entry.context, entry.session, entry.pain_now, entry.via_link) == (
        "after_session",
        session,
        3,
        True,
    )

    # Someone else opening the same email later finds the link spent.
    other = chromium.new_context().new_page()
    other.goto(link)
    assert other.get_by_role("heading", name="This link was already used").is_visible()
    assert other.get_by_role("link", name="Log in").is_visible()
    other.context.close()
