"""The cluster run's people, through the load balancer: patients who log entries (some raising a
red flag, some sent twice at the same moment with one idempotency key), log doses and follow
the quick-log links of the reminder emails they receive; therapists who open their caseload and
the alert inbox and triage alerts (acknowledge, then resolve, so a later red flag opens a new
episode). Standard library only, loopback only, like devtools/load/driver.py which it extends.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from html.parser import HTMLParser

from .driver import (
    ENTRY_SAVED,
    Ack,
    Browser,
    Run,
    VirtualPatient,
    VirtualTherapist,
    post_write,
)
from .smtp_sink import Received, SmtpSink

QUICK_LOG_LINK = re.compile(r"https?://[^/\s]+(/reminders/log/\?t=[A-Za-z0-9_.:%\-]+)")
QUICK_LOG_SAVED = re.compile(r"^/reminders/log/done/$")
ALERT_LINK = re.compile(r'href="/alerts/(\d+)/"')
TRIAGE_SAVED = re.compile(r"^/alerts/(\d+)/$")


@dataclass
class ClusterRun(Run):
    """What the cluster driver adds to a run: the red-flag entries it sent, by key."""

    red_flag_keys: set[str] = field(default_factory=set)
    double_submits: int = 0
    links_followed: int = 0


class Forms(HTMLParser):
    """Each form of a page: its action and the values of its inputs (enough for our pages)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._current = {}
            self.forms.append((values.get("action", ""), self._current))
        elif tag in ("input", "textarea") and self._current is not None and "name" in values:
            unticked = values.get("type") in ("checkbox", "radio") and "checked" not in values
            if not unticked:
                self._current[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None

    @classmethod
    def of(cls, body: bytes) -> list[tuple[str, dict[str, str]]]:
        parser = cls()
        parser.feed(body.decode("utf-8", "replace"))
        return parser.forms


def entry_form(key: str, pain: int, worst: int, red_flag: bool) -> dict:
    form = {
        "context": "daily",
        "pain_now": str(pain),
        "pain_worst": str(worst),
        "descriptors": ["tingling"],
        "regions": ["lower_back"],
        "rest_relief": "partly",
        "weakness": "none",
        "is_flare": "no",
        "screening_none": "on",
        "notes": "Cluster test entry.",
        "idempotency_key": key,
    }
    if red_flag:
        # R4: numbness or weakness stops everyday things (urgent: emails the therapists).
        form["nerve_symptoms_limit_activities"] = "on"
    return form


class ClusterPatient(VirtualPatient):
    """A patient whose entries sometimes raise a red flag and are sometimes sent twice at the
    same moment (a double tap on a slow connection), each time through its own connection, so
    the two copies can reach different app nodes; and who now and then saves two different
    entries at the same moment (a phone and a laptop), which must both count in the day."""

    red_flag_share = 0.12
    double_share = 0.15
    two_devices_share = 0.06

    @property
    def cluster(self) -> ClusterRun:
        return self.run_  # type: ignore[return-value]  # the cluster run's own Run

    def _form(self) -> tuple[str, dict]:
        key = str(uuid.uuid4())
        now = self.random.randint(0, 5)
        red_flag = self.random.random() < self.red_flag_share
        if red_flag:
            with self.cluster.lock:
                self.cluster.red_flag_keys.add(key)
        return key, entry_form(key, now, now + self.random.randint(0, 2), red_flag)

    def save_entry(self) -> None:
        key, form = self._form()
        chance = self.random.random()
        if chance < self.double_share:
            matches = self._at_once(form, form, "POST /symptoms/log/ (double)")
            keys = [key, key]
        elif chance < self.double_share + self.two_devices_share:
            other_key, other = self._form()
            matches = self._at_once(form, other, "POST /symptoms/log/ (two devices)")
            keys = [key, other_key]
        else:
            matches = [self.write("/symptoms/log/", "POST /symptoms/log/", form, ENTRY_SAVED)]
            keys = [key]
        for saved_key, match in zip(keys, matches, strict=True):
            self.record("entry", saved_key, match)
        match = next((m for m in matches if m), None)
        if match:
            self.browser.request(
                "GET", f"/{match.group(1)}/{match.group(2)}/", name="GET /symptoms/entries/<pk>/"
            )

    def _at_once(self, first: dict, second: dict, name: str) -> list[re.Match | None]:
        """Two forms sent on two connections at once; each answer counts on its own."""
        twin = Browser(self.browser.host, self.browser.port, self.browser.run)
        twin.cookies = dict(self.browser.cookies)
        tries = 30 if self.retry_writes else 1
        results: list[re.Match | None] = [None, None]

        def send(index: int, browser: Browser, form: dict) -> None:
            results[index] = post_write(browser, "/symptoms/log/", name, form, ENTRY_SAVED, tries)

        thread = threading.Thread(target=send, args=(1, twin, second))
        thread.start()
        send(0, self.browser, first)
        thread.join()
        twin.close()
        with self.cluster.lock:
            self.cluster.double_submits += first is second
        return results


class ClusterTherapist(VirtualTherapist):
    """Caseload, inbox, one alert: acknowledge it if open, else resolve it."""

    def round(self) -> None:
        b = self.browser
        b.request("GET", "/dashboard/", name="GET /dashboard/")
        self.think()
        if not self.alive():
            return
        inbox = b.request("GET", "/alerts/", name="GET /alerts/")
        ids = ALERT_LINK.findall(inbox.body.decode("utf-8", "replace"))
        self.think()
        if ids and self.alive():
            self.triage(int(self.random.choice(ids)))
            self.think()
        elif self.alive():
            patient = self.random.choice(self.caseload)
            path = f"/dashboard/patients/{patient}/"
            b.request("GET", path, name="GET /dashboard/patients/<pk>/")
            self.think()

    def triage(self, alert_id: int) -> None:
        page = self.browser.request("GET", f"/alerts/{alert_id}/", name="GET /alerts/<pk>/")
        forms = dict(Forms.of(page.body))
        for action, note_field, note in (
            (f"/alerts/{alert_id}/acknowledge/", "ack-note", "Seen; calling today."),
            (f"/alerts/{alert_id}/resolve/", "resolve-note", "Spoke to the patient: settled."),
        ):
            if action not in forms:
                continue
            form = {**forms[action], note_field: note}
            form.pop("csrfmiddlewaretoken", None)
            kind = action.rstrip("/").rsplit("/", 1)[1]
            name = f"POST /alerts/<pk>/{kind}/"
            match = self.write(action, name, form, TRIAGE_SAVED)
            token = form.get("idempotency_token", "")
            with self.run_.lock:
                if match:
                    self.run_.acks.append(Ack("triage", token, 0, alert_id, time.monotonic()))
                else:
                    self.run_.unacknowledged.append(("triage", token))
            return


def _text_of(message: Message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    for part in parts:
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload.decode(part.get_content_charset() or "utf-8", "replace")
    return ""


class LinkFollower(threading.Thread):
    """Patients reading their reminder emails: each quick-log link (the first `share` of them)
    is opened and its check-in saved, without logging in; one in five is saved twice in a row
    (Save pressed again), which must store one entry."""

    def __init__(
        self,
        sink: SmtpSink,
        port: int,
        run: ClusterRun,
        patients: dict[str, int],
        stop: threading.Event,
        share: float = 0.8,
    ) -> None:
        super().__init__(daemon=True)
        self.sink, self.port, self.run_, self.patients = sink, port, run, patients
        self.stop, self.share = stop, share
        self.seen: set[str] = set()
        self.count = 0

    def run(self) -> None:
        while not self.stop.is_set():
            for message in self.sink.received():
                if message.message_id not in self.seen:
                    self.open(message)
                    self.seen.add(message.message_id)
            self.stop.wait(0.2)

    def idle(self) -> bool:
        """Every message received so far has been read (and its link followed)."""
        return {m.message_id for m in self.sink.received()} <= self.seen

    def open(self, received: Received) -> None:
        message = message_from_bytes(received.raw)
        link = QUICK_LOG_LINK.search(_text_of(message))
        if not link or not received.recipients:
            return
        self.count += 1
        if (self.count % 10) / 10 >= self.share:
            return
        patient_id = self.patients.get(received.recipients[0], 0)
        browser = Browser("127.0.0.1", self.port, self.run_)
        page = browser.request("GET", link.group(1), name="GET /reminders/log/?t=")
        fields = next((f for _a, f in Forms.of(page.body) if "idempotency_key" in f), {})
        key = fields.get("idempotency_key") or str(uuid.uuid4())
        form = entry_form(key, 3, 4, red_flag=self.count % 7 == 0)
        form.pop("context")
        tries = 2 if self.count % 5 == 0 else 1
        acknowledged = False
        for _try in range(tries):
            response = browser.request(
                "POST", link.group(1), name="POST /reminders/log/?t=", form=form, expect=(302,)
            )
            acknowledged |= response.status == 302 and bool(
                QUICK_LOG_SAVED.match(response.location)
            )
        browser.close()
        with self.run_.lock:
            self.run_.links_followed += 1
            if form.get("nerve_symptoms_limit_activities"):
                self.run_.red_flag_keys.add(key)
            if acknowledged:
                self.run_.acks.append(Ack("quick_log", key, patient_id, 0, time.monotonic()))
            else:
                self.run_.unacknowledged.append(("quick_log", key))
