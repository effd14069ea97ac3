"""The load driver: virtual patients and therapists using the app over HTTP, like browsers.

Standard library only (http.client and threads). Each virtual user has its own connection and
cookie jar, logs in through the real login page (therapists also pass two-step verification
with a code computed from their authenticator key), and then works until the deadline:

- a patient opens the entry form, saves an entry (with its idempotency key), reads the entry
  page, and every other round opens Today and logs a dose of their exercise;
- a therapist opens the caseload, a patient of theirs, and the alert inbox.

Every write the app acknowledged (a redirect to the saved record) is kept with its idempotency
key, so the orchestrator can check that each one is in the database. Only loopback addresses
are ever contacted, the run stops at its deadline, and the number of requests is capped.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import random
import re
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_REQUESTS = 500_000
ENTRY_SAVED = re.compile(r"^/(symptoms/entries|alerts/emergency)/(\d+)/$")
DOSE_SAVED = re.compile(r"^/exercises/today/\?logged=(\d+)")


def totp(key_hex: str, moment: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The code an authenticator app shows now (RFC 6238, as django-otp's TOTPDevice)."""
    counter = int((time.time() if moment is None else moment) // step)
    mac = hmac.new(bytes.fromhex(key_hex), counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


@dataclass(frozen=True)
class Sample:
    name: str
    start: float
    elapsed: float
    status: int
    ok: bool
    error: str = ""


@dataclass(frozen=True)
class Ack:
    """A write the app confirmed: which kind, its idempotency key and the record it named."""

    kind: str  # "entry" or "dose"
    key: str
    patient_id: int
    record_id: int
    at: float


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    # Writes sent at least once but never acknowledged (their key may or may not be stored).
    unacknowledged: list[tuple[str, str]] = field(default_factory=list)
    login_failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            if len(self.samples) >= MAX_REQUESTS:
                raise RuntimeError("request cap reached")
            self.samples.append(sample)


@dataclass
class Response:
    status: int
    location: str
    body: bytes


class Browser:
    """One user's connection and cookies. Secure cookies are sent over plain HTTP on loopback
    on purpose: the app runs with production settings, and the load test has no TLS proxy."""

    def __init__(self, host: str, port: int, run: Run, timeout: float = 30.0) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"The load driver only talks to loopback, not {host!r}.")
        self.host, self.port, self.run, self.timeout = host, port, run, timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def _store_cookies(self, headers: Iterable[str]) -> None:
        for header in headers:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(
        self,
        method: str,
        path: str,
        *,
        name: str,
        form: dict | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> Response:
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "pt-tracker-loadtest"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.monotonic()
        try:
            conn = self._connection()
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            content = raw.read()
            if raw.will_close:
                conn.close()
                self.conn = None
        except (OSError, http.client.HTTPException) as error:
            if self.conn is not None:
                self.conn.close()
                self.conn = None
            elapsed = time.monotonic() - start
            self.run.add(Sample(name, start, elapsed, 0, False, type(error).__name__))
            return Response(0, "", b"")
        elapsed = time.monotonic() - start
        self._store_cookies(raw.headers.get_all("Set-Cookie") or [])
        location = raw.headers.get("Location", "")
        if location.startswith("http"):
            parts = urlsplit(location)
            location = parts.path + (f"?{parts.query}" if parts.query else "")
        ok = raw.status in expect
        self.run.add(Sample(name, start, elapsed, raw.status, ok, "" if ok else str(raw.status)))
        return Response(raw.status, location, content)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def post_write(
    browser: Browser, path: str, name: str, form: dict, saved: re.Pattern, tries: int
) -> re.Match | None:
    """POST a form up to `tries` times, half a second apart, until the answer is a redirect to
    the saved record (`saved` matches its path); the match, or None."""
    for attempt in range(tries):
        response = browser.request("POST", path, name=name, form=form, expect=(302,))
        match = saved.match(response.location) if response.status == 302 else None
        if match:
            return match
        if attempt + 1 < tries:
            time.sleep(0.5)
    return None


class Start:
    """Everyone logs in first; then `begin()` sets one deadline and the measured run starts."""

    def __init__(self, users: int) -> None:
        self.go = threading.Event()
        self.deadline = 0.0
        self.began = 0.0
        self._left = users
        self._lock = threading.Lock()
        self.all_in = threading.Event()

    def logged_in(self) -> None:
        with self._lock:
            self._left -= 1
            if self._left <= 0:
                self.all_in.set()

    def begin(self, seconds: float) -> None:
        self.began = time.monotonic()
        self.deadline = self.began + seconds
        self.go.set()


class VirtualUser(threading.Thread):
    """A person using the app: logs in, waits for the start, works until the deadline."""

    def __init__(
        self,
        browser: Browser,
        email: str,
        password: str,
        start: Start,
        think: float,
        start_after: float,
        seed: int,
        retry_writes: bool,
    ) -> None:
        super().__init__(daemon=True)
        self.browser, self.email, self.password = browser, email, password
        self.start_, self.think_seconds, self.start_after = start, think, start_after
        self.random = random.Random(seed)
        self.retry_writes = retry_writes

    @property
    def deadline(self) -> float:
        return self.start_.deadline

    @property
    def run_(self) -> Run:
        return self.browser.run

    def alive(self) -> bool:
        return time.monotonic() < self.deadline

    def think(self) -> None:
        pause = self.think_seconds * self.random.uniform(0.5, 1.5)
        time.sleep(max(0.0, min(pause, self.deadline - time.monotonic())))

    def log_in(self) -> bool:
        b = self.browser
        for _attempt in range(20):
            if b.request("GET", "/accounts/login/", name="GET /accounts/login/").status == 200:
                response = b.request(
                    "POST",
                    "/accounts/login/",
                    name="POST /accounts/login/",
                    form={"username": self.email, "password": self.password},
                    expect=(302,),
                )
                if response.status == 302:
                    return self.after_login(response.location)
            time.sleep(0.5)
        return False

    def after_login(self, location: str) -> bool:
        return True

    def run(self) -> None:
        time.sleep(self.start_after)
        try:
            logged_in = self.log_in()
            self.start_.logged_in()
            if not logged_in:
                with self.run_.lock:
                    self.run_.login_failures.append(self.email)
                return
            self.start_.go.wait(timeout=600)
            time.sleep(self.random.uniform(0, self.think_seconds))  # not all at once
            while self.alive():
                self.round()
        except RuntimeError:
            return
        finally:
            self.browser.close()

    def round(self) -> None:
        raise NotImplementedError

    def write(self, path: str, name: str, form: dict, saved: re.Pattern) -> re.Match | None:
        """POST a write; with `retry_writes`, send the same form (same idempotency key) again
        after a failure, as a person pressing Save again would, until acknowledged."""
        return post_write(self.browser, path, name, form, saved, 30 if self.retry_writes else 1)


class VirtualPatient(VirtualUser):
    def __init__(self, *args, patient_id: int, plan_item_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.patient_id, self.plan_item_id = patient_id, plan_item_id
        self.rounds = 0

    def round(self) -> None:
        b = self.browser
        b.request("GET", "/symptoms/log/", name="GET /symptoms/log/")
        self.save_entry()
        self.think()
        self.rounds += 1
        if self.rounds % 2 == 0 and self.alive():
            b.request("GET", "/exercises/today/", name="GET /exercises/today/")
            self.log_dose()
            self.think()

    def save_entry(self) -> None:
        key = str(uuid.uuid4())
        now = self.random.randint(0, 5)
        form = {
            "context": "daily",
            "pain_now": str(now),
            "pain_worst": str(now + self.random.randint(0, 2)),
            "descriptors": self.random.sample(["tingling", "aching", "burning"], 1),
            "regions": ["lower_back"],
            "rest_relief": "partly",
            "weakness": "none",
            "is_flare": "no",
            "screening_none": "on",
            "notes": "Load test entry.",
            "idempotency_key": key,
        }
        match = self.write("/symptoms/log/", "POST /symptoms/log/", form, ENTRY_SAVED)
        self.record("entry", key, match)
        if match:
            self.browser.request(
                "GET", f"/{match.group(1)}/{match.group(2)}/", name="GET /symptoms/entries/<pk>/"
            )

    def log_dose(self) -> None:
        key = uuid.uuid4().hex
        form = {
            "pain_during": str(self.random.randint(0, 4)),
            "difficulty": "ok",
            "sets_done": "2",
            "note": "",
            "idempotency_key": key,
        }
        path = f"/exercises/today/items/{self.plan_item_id}/log/"
        match = self.write(path, "POST /exercises/today/items/<pk>/log/", form, DOSE_SAVED)
        self.record("dose", key, match)
        if match:
            self.browser.request(
                "GET", f"/exercises/today/?logged={match.group(1)}", name="GET /exercises/today/"
            )

    def record(self, kind: str, key: str, match: re.Match | None) -> None:
        with self.run_.lock:
            if match:
                record_id = int(match.group(match.lastindex or 0))
                self.run_.acks.append(Ack(kind, key, self.patient_id, record_id, time.monotonic()))
            else:
                self.run_.unacknowledged.append((kind, key))


class VirtualTherapist(VirtualUser):
    def __init__(self, *args, totp_key: str, caseload: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.totp_key, self.caseload = totp_key, caseload

    def after_login(self, location: str) -> bool:
        # Home sends an unverified clinician to the code page; a code, then the caseload.
        b = self.browser
        response = b.request("GET", location or "/", name="GET / (after login)", expect=(302,))
        verify = response.location
        if not verify.startswith("/accounts/2fa/verify/"):
            return False
        b.request("GET", verify, name="GET /accounts/2fa/verify/")
        response = b.request(
            "POST",
            verify,
            name="POST /accounts/2fa/verify/",
            form={"code": totp(self.totp_key)},
            expect=(302,),
        )
        return response.status == 302

    def round(self) -> None:
        b = self.browser
        b.request("GET", "/dashboard/", name="GET /dashboard/")
        self.think()
        if not self.alive():
            return
        patient = self.random.choice(self.caseload)
        b.request("GET", f"/dashboard/patients/{patient}/", name="GET /dashboard/patients/<pk>/")
        self.think()
        if not self.alive():
            return
        b.request("GET", "/alerts/", name="GET /alerts/")
        self.think()


class Prober(threading.Thread):
    """Asks /healthz (which queries the database) ten times a second, to time an outage."""

    def __init__(self, host: str, port: int, stop: threading.Event, interval: float = 0.1):
        super().__init__(daemon=True)
        self.run_ = Run()
        self.browser = Browser(host, port, self.run_, timeout=5.0)
        self.stop, self.interval = stop, interval

    def run(self) -> None:
        while not self.stop.is_set():
            self.browser.request("GET", "/healthz", name="GET /healthz")
            # One connection per probe: a kept connection would hide a worker's reconnect.
            self.browser.close()
            self.browser.conn = None
            self.stop.wait(self.interval)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def table(samples: list[Sample]) -> list[dict]:
    rows: dict[str, list[Sample]] = {}
    for sample in samples:
        rows.setdefault(sample.name, []).append(sample)
    result = []
    for name in sorted(rows, key=lambda n: (-len(rows[n]), n)):
        group = rows[name]
        times = [s.elapsed * 1000 for s in group]
        result.append(
            {
                "name": name,
                "requests": len(group),
                "errors": sum(not s.ok for s in group),
                "p50_ms": percentile(times, 0.50),
                "p95_ms": percentile(times, 0.95),
                "p99_ms": percentile(times, 0.99),
                "max_ms": max(times),
            }
        )
    return result


def format_table(rows: list[dict]) -> str:
    header = (
        f"{'endpoint':44} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['name']:44} {row['requests']:8d} {row['errors']:6d} {row['p50_ms']:8.1f} "
            f"{row['p95_ms']:8.1f} {row['p99_ms']:8.1f} {row['max_ms']:8.1f}"
        )
    return "\n".join(lines)
