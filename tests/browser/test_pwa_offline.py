"""Offline logging (issue 17, parts 2-4): an entry saved without the network is kept on the
phone, sent once when the network is back, and an emergency answer shows the advice at once;
logging out deletes everything of the user from the phone, and another user sees nothing of
the first."""

import re
import time

import pytest
from django.utils import timezone

from symptoms.models import SymptomEntry
from tests.browser.conftest import log_in, screenshot
from tests.factories import TEST_PASSWORD

# The service worker runs on these pages (tests/browser/conftest.py).
pytestmark = pytest.mark.service_workers

KEPT_PAGES = """async () => {
  const names = (await caches.keys()).filter(name => name.startsWith("pt-user-"));
  const pages = [];
  for (const name of names) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) pages.push(new URL(request.url).pathname);
  }
  return {names, pages};
}"""

QUEUED = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("pt-offline");
  open.onsuccess = () => {
    const request = open.result.transaction("entries").objectStore("entries").getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  };
  open.onerror = () => reject(open.error);
})"""


def eventually(check, timeout: float = 10.0):
    """Poll until check() is truthy (what the page does in the background takes a moment)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def ready_offline(page, live_server, email):
    """Log in and wait until the worker controls the page and has kept the patient's pages."""
    log_in(page, live_server, email, TEST_PASSWORD)
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    kept = eventually(lambda: len(page.evaluate(KEPT_PAGES)["pages"]) >= 3, timeout=20)
    assert kept, (page.url, page.evaluate(KEPT_PAGES), page.evaluate("caches.keys()"))


def choose_pain(page, value: str) -> None:
    page.get_by_role("group", name="How bad is your pain right now?").get_by_text(
        value, exact=True
    ).click()


def test_an_entry_saved_offline_is_sent_once_when_the_network_returns(
    transactional_db, live_server, phone_page, patient
):
    page = phone_page
    context = page.context
    ready_offline(page, live_server, patient.user.email)
    kept = page.evaluate(KEPT_PAGES)
    assert {"/symptoms/log/", "/exercises/today/", "/offline/emergency/"} <= set(kept["pages"])

    context.set_offline(True)
    page.goto(f"{live_server.url}/symptoms/log/")
    assert page.get_by_role("heading", name="How are you feeling?").is_visible()
    before = timezone.now()
    choose_pain(page, "4")
    page.get_by_role("button", name="Save").click()
    status = page.locator("#offline-status")
    status.get_by_text("Saved on this phone: it will be sent when you are online.").wait_for()
    assert status.get_by_text("1 entry is waiting to be sent.").is_visible()
    screenshot(page, "pwa-1-saved-offline")

    # Still offline: the page opens from the phone, and the entry still waits.
    page.reload()
    page.get_by_text("1 entry is waiting to be sent.").wait_for()
    # A page not kept on the phone really cannot reach the server.
    page.goto(f"{live_server.url}/symptoms/diary/")
    assert page.get_by_role("heading", name="You are offline").is_visible()
    page.goto(f"{live_server.url}/exercises/today/")
    page.get_by_text("1 entry is waiting to be sent.").wait_for()
    assert SymptomEntry.objects.count() == 0

    context.set_offline(False)
    page.get_by_text("Your entries saved on this phone have been sent.").wait_for()
    assert page.evaluate(QUEUED) == []
    entry = SymptomEntry.objects.get()
    assert entry.patient == patient and entry.pain_now == 4
    # The time the patient logged it, not the time it arrived.
    assert before - timezone.timedelta(seconds=5) <= entry.recorded_at <= timezone.now()
    assert entry.idempotency_key

    # Its guidance page, once seen, opens offline too.
    page.goto(f"{live_server.url}/symptoms/entries/{entry.pk}/")
    heading = page.get_by_role("heading", name="Thank you, your entry is saved")
    assert heading.is_visible()
    assert eventually(
        lambda: f"/symptoms/entries/{entry.pk}/" in page.evaluate(KEPT_PAGES)["pages"]
    )
    context.set_offline(True)
    page.reload()
    assert heading.is_visible()
    context.set_offline(False)

    # Sent again (a retry after a lost answer): still stored once.
    page.evaluate(
        """async (key) => {
          await PTOffline.save({key, user: document.getElementById("pwa-script").dataset.user,
                                fields: [["context", "daily"], ["pain_now", "4"]],
                                loggedAt: new Date().toISOString()});
          const script = document.getElementById("pwa-script").dataset;
          return PTOffline.sendAll({session: script.session, sync: script.sync});
        }""",
        entry.idempotency_key,
    )
    assert SymptomEntry.objects.count() == 1


def test_an_emergency_answer_offline_shows_the_emergency_advice_at_once(
    transactional_db, live_server, phone_page, patient
):
    patient.clinic.emergency_number = "112"
    patient.clinic.save()
    page = phone_page
    ready_offline(page, live_server, patient.user.email)
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/symptoms/log/")
    choose_pain(page, "2")
    page.get_by_role("checkbox", name="Numbness between your legs or around your bottom").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/offline/emergency/#answers="))
    assert page.get_by_role("heading", name="Get help now").is_visible()
    call = page.get_by_role("link", name="Call 112 now")
    assert call.get_attribute("href") == "tel:112"
    assert page.get_by_text("Numbness between your legs or around your bottom").is_visible()
    screenshot(page, "pwa-2-emergency-offline")

    # Back online: the entry reaches the server, is screened as usual, and the emergency
    # alert's own page follows.
    page.context.set_offline(False)
    assert eventually(lambda: page.evaluate(QUEUED) == [])
    page.goto(f"{live_server.url}/exercises/today/")
    page.wait_for_url(re.compile(r"/alerts/emergency/\d+/$"))
    entry = SymptomEntry.objects.get()
    assert entry.saddle_numbness
    assert patient.alerts.filter(rule="R1").exists()


def test_logging_out_warns_about_unsent_entries_then_deletes_everything_of_the_user(
    transactional_db, live_server, phone_page, patient
):
    page = phone_page
    ready_offline(page, live_server, patient.user.email)
    page.goto(f"{live_server.url}/symptoms/log/")
    page.context.set_offline(True)
    choose_pain(page, "5")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("1 entry is waiting to be sent.").wait_for()
    # Back online, but the entry is not sent yet: the server's session check fails.
    page.context.route("**/offline/session/", lambda route: route.abort())
    page.context.set_offline(False)

    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Log out").click()
    warning = page.get_by_role("alertdialog")
    warning.get_by_text(
        "1 entry saved on this phone has not been sent yet.", exact=False
    ).wait_for()
    screenshot(page, "pwa-3-logout-warning")
    warning.get_by_role("button", name="Stay logged in").click()
    assert "/accounts/login/" not in page.url
    assert len(page.evaluate(QUEUED)) == 1

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Log out and delete them").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert page.evaluate(QUEUED) == []
    assert page.evaluate(KEPT_PAGES) == {"names": [], "pages": []}
    assert SymptomEntry.objects.count() == 0

    # Offline now, the patient's pages are gone from the phone.
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/symptoms/log/")
    assert page.get_by_role("heading", name="You are offline").is_visible()
    assert patient.user.full_name not in page.content()


def test_another_user_on_the_same_browser_sees_nothing_of_the_first(
    transactional_db, live_server, phone_page, patient, other_patient
):
    page = phone_page
    first = patient.user
    ready_offline(page, live_server, first.email)
    page.goto(f"{live_server.url}/symptoms/log/")
    page.context.set_offline(True)
    choose_pain(page, "6")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("1 entry is waiting to be sent.").wait_for()
    # The first patient's session ends without logging out (the phone is handed on).
    page.context.clear_cookies()
    page.context.set_offline(False)
    second = other_patient.user
    log_in(page, live_server, second.email, TEST_PASSWORD)
    # Only the second patient's pages are kept now.
    assert eventually(lambda: len(page.evaluate(KEPT_PAGES)["pages"]) >= 3)
    assert len(page.evaluate(KEPT_PAGES)["names"]) == 1

    page.context.set_offline(True)
    for path in ("/symptoms/log/", "/exercises/today/", "/"):
        page.goto(f"{live_server.url}{path}")
        html = page.content()
        assert second.full_name in html, path
        assert first.full_name not in html, path
    # The first patient's waiting entry is neither counted nor shown to the second.
    assert page.locator("#offline-status").is_hidden()
    page.context.set_offline(False)
    page.goto(f"{live_server.url}/exercises/today/")
    page.wait_for_load_state("networkidle")
    assert SymptomEntry.objects.filter(patient=other_patient).count() == 0
    # It is not sent under the second patient's login either.
    assert SymptomEntry.objects.count() == 0


def test_an_entry_the_server_refuses_comes_back_to_the_patient_to_fix(
    transactional_db, live_server, phone_page, patient
):
    page = phone_page
    ready_offline(page, live_server, patient.user.email)
    page.goto(f"{live_server.url}/symptoms/log/")
    page.context.set_offline(True)
    choose_pain(page, "5")
    # Worst pain below the pain now: the page hints, the server refuses.
    page.get_by_role("group", name="What was your worst pain since you last logged?").get_by_text(
        "3", exact=True
    ).click()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("1 entry is waiting to be sent.").wait_for()
    logged_at = page.evaluate(QUEUED)[0]["loggedAt"]

    page.context.set_offline(False)
    status = page.locator("#offline-status")
    status.get_by_text("could not be saved by your clinic", exact=False).wait_for()
    assert SymptomEntry.objects.count() == 0
    assert page.evaluate(QUEUED)[0]["status"] == "rejected"
    status.get_by_role("link", name="Check it now").click()
    fix = page.locator("#offline-fix")
    fix.get_by_text("Your worst pain can't be lower than your pain now", exact=False).wait_for()
    assert (
        page.get_by_role("group", name="How bad is your pain right now?")
        .locator("input[value='5']")
        .is_checked()
    )
    screenshot(page, "pwa-4-fix-refused-entry")

    page.get_by_role("group", name="What was your worst pain since you last logged?").get_by_text(
        "7", exact=True
    ).click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/symptoms/entries/\d+/$"))
    entry = SymptomEntry.objects.get()
    assert (entry.pain_now, entry.pain_worst) == (5, 7)
    assert entry.recorded_at.isoformat().startswith(logged_at[:19])
    assert page.evaluate(QUEUED) == []
