"""`make loadtest` and `make faulttest`: the app under gunicorn against PostgreSQL on loopback.

    python -m devtools.load.run load     # 50 patients and 5 therapists for LOADTEST_SECONDS (60)
    python -m devtools.load.run fault    # the same while PostgreSQL restarts, then mail down

Each run makes its own database (dropped and created again), migrates it, seeds an invented
clinic (devtools/load/seed.py), starts gunicorn on a free loopback port with production settings
(DEBUG off, manifest static files, a throwaway secret key; plain HTTP because there is no TLS
proxy), drives it (devtools/load/driver.py), prints requests, errors and latency percentiles per
endpoint, and checks the database against the writes the app acknowledged. The exit status is
non-zero when a target is missed. docs/reliability.md has the figures and the set-up.

Settings (environment):
    LOADTEST_SECONDS         how long the driver runs (default 60; the fault run uses 40)
    LOADTEST_PATIENTS        virtual patients (50)        LOADTEST_THERAPISTS  therapists (5)
    LOADTEST_THINK_SECONDS   mean pause between a user's steps (2.0)
    LOADTEST_WORKERS         gunicorn worker processes (3)
    LOADTEST_PG              server URL (postgres://postgres@127.0.0.1:5432)
    LOADTEST_RESTART_AFTER   seconds into the fault run when PostgreSQL restarts (15)
    LOADTEST_PG_RESTART      0 skips the restart (to try the mail-down run alone)
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from .driver import (
    Browser,
    Prober,
    Run,
    Start,
    VirtualPatient,
    VirtualTherapist,
    format_table,
    percentile,
    table,
)
from .smtp_sink import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "var" / "loadtest"
HOST = "127.0.0.1"
RECOVERY_TARGET_SECONDS = 5.0


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def say(text: str = "") -> None:
    print(text, flush=True)


# --- Database and app ---------------------------------------------------------------------------


def server_url() -> str:
    url = os.environ.get("LOADTEST_PG", "postgres://postgres@127.0.0.1:5432")
    host = urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"LOADTEST_PG must point at loopback, not {host!r}.")
    return url.rstrip("/")


def postgres_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 5432), timeout=2):
            return True
    except OSError:
        return False


def database_recreate(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{url}/{name}"


def app_environment(database_url: str, mail_port: int | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
            # Production settings otherwise; plain HTTP on loopback has no TLS to redirect to.
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_SITE_URL": f"http://{HOST}",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    if mail_port is None:
        env["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    else:
        env.update(
            {
                "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "DJANGO_EMAIL_HOST": HOST,
                "DJANGO_EMAIL_PORT": str(mail_port),
                "DJANGO_EMAIL_TIMEOUT": "3",
            }
        )
    return env


def django_setup(env: dict[str, str]) -> None:
    """This process reads the same settings as the app (to seed and to check rows)."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("DJANGO_")})
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pt_tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(env: dict[str, str], patients: int, therapists: int):
    from django.core.management import call_command
    from django.db import connections

    from .seed import seed_load_clinic

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    clinic = seed_load_clinic(patients=patients, therapists=therapists)
    connections.close_all()
    return clinic


class Gunicorn:
    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "pt_tracker.wsgi:application",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        run = Run()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log}")
            browser = Browser(HOST, self.port, run, timeout=2)
            if browser.request("GET", "/healthz", name="ready").status == 200:
                browser.close()
                return
            browser.close()
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer /healthz in {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- Driving ------------------------------------------------------------------------------------


def drive(port: int, clinic, think: float, retry_writes: bool) -> tuple[Run, list, Start]:
    """The virtual users, started and logging in; `begin()` on the Start begins the run."""
    run = Run()
    people = [("patient", p) for p in clinic.patients] + [
        ("therapist", t) for t in clinic.therapists
    ]
    start = Start(len(people))
    ramp = 10.0  # logins spread over ten seconds
    threads = []
    for index, (kind, person) in enumerate(people):
        common = {
            "start": start,
            "think": think,
            "start_after": ramp * index / len(people),
            "seed": index,
            "retry_writes": retry_writes,
        }
        browser = Browser(HOST, port, run)
        if kind == "patient":
            user = VirtualPatient(
                browser,
                person.email,
                clinic.password,
                patient_id=person.patient_id,
                plan_item_id=person.plan_item_id,
                **common,
            )
        else:
            user = VirtualTherapist(
                browser,
                person.email,
                clinic.password,
                totp_key=person.totp_key,
                caseload=person.caseload,
                **common,
            )
        threads.append(user)
    for thread in threads:
        thread.start()
    start.all_in.wait(timeout=300)
    return run, threads, start


def finish(threads: list, start: Start) -> float:
    for thread in threads:
        thread.join(timeout=max(0.0, start.deadline - time.monotonic()) + 60)
    return time.monotonic() - start.began


def write_check(run: Run, patient_ids: list[int]) -> dict:
    """Acknowledged writes against the rows in the database, by idempotency key."""
    from django.db import connections

    from exercises.models import ExerciseLog
    from symptoms.models import SymptomEntry

    connections.close_all()
    result = {}
    for kind, model in (("entry", SymptomEntry), ("dose", ExerciseLog)):
        acks = [a for a in run.acks if a.kind == kind]
        rows = dict(
            model.objects.filter(patient_id__in=patient_ids).values_list("idempotency_key", "pk")
        )
        unacknowledged = {key for k, key in run.unacknowledged if k == kind}
        lost = [a.key for a in acks if rows.get(a.key) != a.record_id]
        stored_unacknowledged = len(unacknowledged & set(rows))
        sent = {a.key for a in acks} | unacknowledged
        result[kind] = {
            "acknowledged": len(acks),
            "rows": len(rows),
            "lost": len(lost),
            "unacknowledged_sent": len(unacknowledged),
            "unacknowledged_stored": stored_unacknowledged,
            # Rows no request of this run sent: there must be none.
            "phantom": len(set(rows) - sent),
        }
    return result


def report(run: Run, start: Start, seconds: float, label: str) -> dict:
    """Tables for the logins before the start and for the measured run after it."""
    before = [s for s in run.samples if s.start < start.began]
    during = [s for s in run.samples if s.start >= start.began]
    login_errors = sum(not s.ok for s in before)
    say(f"\n== logging in ({len(before)} requests, {login_errors} errors)")
    say(format_table(table(before)))
    rows = table(during)
    errors = sum(not s.ok for s in during)
    rate = len(during) / seconds
    say(f"\n== {label}: {len(during)} requests in {seconds:.0f} s ({rate:.1f}/s), {errors} errors")
    say(format_table(rows))
    if run.login_failures:
        say(f"!! {len(run.login_failures)} users could not log in: {run.login_failures[:5]}")
    times = sorted(s.elapsed * 1000 for s in during) or [0.0]
    return {
        "requests": len(during),
        "errors": errors,
        "login_requests": len(before),
        "login_errors": login_errors,
        "rate": rate,
        "p50_ms": percentile(times, 0.5),
        "p95_ms": percentile(times, 0.95),
        "p99_ms": percentile(times, 0.99),
        "endpoints": rows,
        "login_endpoints": table(before),
    }


def save(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": sys.version.split()[0]}


# --- The runs -----------------------------------------------------------------------------------


def load_run() -> int:
    url = server_url()
    if not postgres_answers(url):
        say(f"PostgreSQL does not answer at {url}; start it and run again.")
        return 2
    seconds = env_float("LOADTEST_SECONDS", 60)
    patients, therapists = env_int("LOADTEST_PATIENTS", 50), env_int("LOADTEST_THERAPISTS", 5)
    env = app_environment(database_recreate(url, "pt_tracker_load"), mail_port=None)
    django_setup(env)
    clinic = prepare(env, patients, therapists)
    RESULTS.mkdir(parents=True, exist_ok=True)
    server = Gunicorn(env, env_int("LOADTEST_WORKERS", 3), RESULTS / "gunicorn-load.log")
    try:
        server.wait_ready()
        say(
            f"gunicorn on {HOST}:{server.port}; {patients} patients and {therapists} "
            f"therapists for {seconds:.0f} s"
        )
        run, threads, start = drive(
            server.port, clinic, env_float("LOADTEST_THINK_SECONDS", 2.0), False
        )
        start.begin(seconds)
        elapsed = finish(threads, start)
    finally:
        server.stop()
    summary = report(run, start, elapsed, "load")
    writes = write_check(run, [p.patient_id for p in clinic.patients])
    say_writes(writes)
    problems = []
    if summary["errors"] or summary["login_errors"]:
        problems.append(f"{summary['errors'] + summary['login_errors']} errors")
    if run.login_failures:
        problems.append(f"{len(run.login_failures)} failed logins")
    for kind, figures in writes.items():
        if figures["lost"]:
            problems.append(f"{figures['lost']} acknowledged {kind} writes lost")
        if figures["rows"] != figures["acknowledged"]:
            problems.append(
                f"{kind}: {figures['rows']} rows for {figures['acknowledged']} acknowledged writes"
            )
    path = save(
        "load",
        {
            "machine": machine(),
            "seconds": elapsed,
            "patients": patients,
            "therapists": therapists,
            **summary,
            "writes": writes,
            "problems": problems,
        },
    )
    verdict(problems, path)
    return 1 if problems else 0


def say_writes(writes: dict) -> None:
    for kind, f in writes.items():
        say(
            f"{kind} writes: {f['acknowledged']} acknowledged, {f['rows']} rows in the "
            f"database, {f['lost']} lost; {f['unacknowledged_sent']} sent without an "
            f"acknowledgement ({f['unacknowledged_stored']} of them stored)"
        )


def verdict(problems: list[str], path: Path) -> None:
    say(f"results: {path.relative_to(ROOT)}")
    if problems:
        say("FAILED: " + "; ".join(problems))
    else:
        say("PASSED: every target met")


def pg_restart_command() -> list[str] | None:
    if os.environ.get("LOADTEST_PG_RESTART", "1") == "0":
        return None
    clusters = Path("/etc/postgresql")
    if os.geteuid() != 0 or not clusters.is_dir() or not shutil_which("pg_ctlcluster"):
        return None
    versions = sorted(clusters.iterdir())
    if not versions:
        return None
    cluster = os.environ.get("LOADTEST_PG_CLUSTER", "main")
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, cluster, "restart"]


def shutil_which(name: str) -> str | None:
    import shutil

    return shutil.which(name)


def restart_fault(server: Gunicorn, clinic, seconds: float, think: float) -> tuple[dict, list]:
    command = pg_restart_command()
    restart_after = env_float("LOADTEST_RESTART_AFTER", 15)
    stop = threading.Event()
    prober = Prober(HOST, server.port, stop)
    run, threads, start = drive(server.port, clinic, think, True)
    prober.start()
    start.begin(seconds)
    started = start.began
    restart = {}
    if command is None:
        say(
            "PostgreSQL restart skipped: LOADTEST_PG_RESTART=0, or not root, or no "
            "pg_ctlcluster (Debian's postgresql)."
        )
    else:
        time.sleep(max(0.0, started + restart_after - time.monotonic()))
        say(f"restarting PostgreSQL: {' '.join(command)}")
        restart["began"] = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        restart["back"] = time.monotonic()
        if done.returncode != 0:
            say(f"restart failed ({done.returncode}): {done.stderr.strip()}")
            restart["failed"] = done.stderr.strip()
    elapsed = finish(threads, start)
    time.sleep(1.0)
    stop.set()
    prober.join(timeout=10)
    summary = report(run, start, elapsed, "load during the PostgreSQL restart")
    problems = []
    if "back" in restart and "failed" not in restart:
        probes = sorted(prober.run_.samples, key=lambda s: s.start)
        recovered = next(
            (s.start + s.elapsed for s in probes if s.ok and s.start >= restart["back"]), None
        )
        first_failure = next(
            (s.start for s in probes if not s.ok and s.start >= restart["began"] - 1), None
        )
        if recovered is None:
            problems.append("the app never answered /healthz again")
            recovered = time.monotonic()
        window = (restart["began"], recovered)
        failed = [s for s in run.samples if not s.ok]
        outside = [s for s in failed if s.start > window[1] or s.start + s.elapsed < window[0]]
        recovery = recovered - restart["back"]
        restart_figures = {
            "restart_seconds": restart["back"] - restart["began"],
            "recovery_after_postgres_back_seconds": recovery,
            "outage_seen_by_probe_seconds": (recovered - first_failure) if first_failure else 0.0,
            "failed_requests_in_flight": len(failed) - len(outside),
            "failed_requests_outside_the_outage": len(outside),
        }
        say(
            f"PostgreSQL restart took {restart_figures['restart_seconds']:.1f} s; the app "
            f"answered again {recovery:.2f} s after PostgreSQL was back "
            f"(target {RECOVERY_TARGET_SECONDS:.0f} s); probe saw an outage of "
            f"{restart_figures['outage_seen_by_probe_seconds']:.2f} s"
        )
        say(
            f"failed requests: {restart_figures['failed_requests_in_flight']} during the "
            f"outage, {len(outside)} outside it"
        )
        for sample in outside[:10]:
            say(f"   outside: {sample.name} {sample.status} {sample.error}")
        if recovery > RECOVERY_TARGET_SECONDS:
            problems.append(f"recovery took {recovery:.1f} s")
        if outside:
            problems.append(f"{len(outside)} requests failed outside the outage")
        summary["restart"] = restart_figures
    elif "failed" in restart:
        problems.append("PostgreSQL could not be restarted")
    else:
        summary["restart"] = "skipped"
        if summary["errors"]:
            problems.append(f"{summary['errors']} errors")
    if run.login_failures:
        problems.append(f"{len(run.login_failures)} failed logins")
    writes = write_check(run, [p.patient_id for p in clinic.patients])
    say_writes(writes)
    for kind, figures in writes.items():
        if figures["lost"]:
            problems.append(f"{figures['lost']} acknowledged {kind} writes lost")
        if figures["phantom"]:
            problems.append(f"{kind}: {figures['phantom']} rows that no request sent")
    summary["writes"] = writes
    return summary, problems


def manage(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def alert_emails():
    """The alert emails of the mail outbox (core.OutboxMessage, kind "alert")."""
    from core.models import MailKind, OutboxMessage

    return OutboxMessage.objects.filter(kind=MailKind.ALERT)


def alert_email_states() -> Counter:
    from django.db import connections

    connections.close_all()
    return Counter(alert_emails().values_list("state", flat=True))


def mail_fault(server: Gunicorn, env: dict[str, str], clinic, sink: SmtpSink) -> tuple:
    """Urgent alerts while the mail server is down; then it comes back on the same port."""
    from django.db import connections
    from django.utils import timezone

    from redflags.models import Alert

    problems: list[str] = []
    run = Run()
    raised = 0
    for person in clinic.patients[:10]:
        browser = Browser(HOST, server.port, run)
        user = VirtualPatient(
            browser,
            person.email,
            clinic.password,
            start=Start(1),
            think=0,
            start_after=0,
            seed=0,
            retry_writes=False,
            patient_id=person.patient_id,
            plan_item_id=person.plan_item_id,
        )
        if not user.log_in():
            problems.append(f"{person.email} could not log in")
            continue
        browser.request("GET", "/symptoms/log/", name="GET /symptoms/log/")
        response = browser.request(
            "POST",
            "/symptoms/log/",
            name="POST /symptoms/log/ (urgent)",
            expect=(302,),
            form={
                "context": "daily",
                "pain_now": "4",
                "pain_worst": "5",
                "regions": ["left_thigh"],
                "rest_relief": "partly",
                "weakness": "none",
                "is_flare": "no",
                "screening_none": "on",
                # R4: numbness or weakness stops everyday things (urgent, CLINICAL.md 5).
                "nerve_symptoms_limit_activities": "on",
            },
        )
        raised += response.status == 302
        browser.close()
    connections.close_all()
    urgent = Alert.objects.filter(patient__clinic__name="Load Test Physio", rule="R4").count()
    expected = alert_emails().count()
    say(
        f"\n== mail server down: {raised} urgent entries saved, {urgent} urgent alerts, "
        f"{expected} alert emails queued in the outbox: {dict(alert_email_states())}"
    )
    if urgent < raised or not expected:
        problems.append("urgent entries did not raise alerts with emails")

    worker = manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload")
    worker.wait(timeout=300)
    down_states = alert_email_states()
    tried = alert_emails().filter(attempts__gte=1, last_error__gt="").count()
    say(
        f"after the task worker ran with the mail server down: {dict(down_states)}, "
        f"{tried} tried and failed; messages received: {len(sink.messages)}"
    )
    if down_states.get("sent"):
        problems.append("alert emails marked sent while the mail server was down")
    if set(down_states) - {"pending"} or tried < expected:
        problems.append(f"unexpected states while down: {dict(down_states)}, {tried} tried")

    sink.start()
    say(f"mail server up on {HOST}:{sink.port}; waiting for the retry backoff to pass")
    connections.close_all()
    due = (
        alert_emails()
        .order_by("-next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    wait = (due - timezone.now()).total_seconds() + 1 if due else 0
    time.sleep(max(0.0, min(wait, 150)))
    # The worker's deferred retries and the cron command at the same moment: each email
    # must still go out once.
    racers = [
        manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload"),
        manage(env, "deliver_mail"),
    ]
    for racer in racers:
        racer.wait(timeout=300)
    deadline = time.monotonic() + 60
    while alert_email_states().get("sent", 0) < expected and time.monotonic() < deadline:
        manage(env, "deliver_mail").wait(timeout=120)
        time.sleep(2)
    states = alert_email_states()
    connections.close_all()
    wanted = Counter(
        (recipient, subject)
        for recipients, subject in alert_emails().values_list("recipients", "subject")
        for recipient in recipients
    )
    received = Counter(
        (recipient, message.subject)
        for message in sink.messages
        for recipient in message.recipients
    )
    duplicates = sum(max(0, n - wanted.get(key, 0)) for key, n in received.items())
    missing = sum(max(0, n - received.get(key, 0)) for key, n in wanted.items())
    figures = {
        "urgent_alerts": urgent,
        "alert_emails": expected,
        "states_while_down": dict(down_states),
        "states_after": dict(states),
        "messages_received": len(sink.messages),
        "missing": missing,
        "duplicates": duplicates,
    }
    say(
        f"after the mail server came back: {dict(states)}; {len(sink.messages)} messages "
        f"received for {expected} alert emails; {missing} missing, {duplicates} duplicates"
    )
    if states.get("sent", 0) != expected:
        problems.append(f"{expected - states.get('sent', 0)} alert emails not sent")
    if missing or duplicates:
        problems.append(f"{missing} missing and {duplicates} duplicate emails")
    return figures, problems


def fault_run() -> int:
    url = server_url()
    if not postgres_answers(url):
        say(f"PostgreSQL does not answer at {url}; start it and run again.")
        return 2
    seconds = env_float("LOADTEST_SECONDS", 40)
    patients, therapists = env_int("LOADTEST_PATIENTS", 50), env_int("LOADTEST_THERAPISTS", 5)
    sink = SmtpSink(port=free_port())  # nothing listens there until sink.start()
    env = app_environment(database_recreate(url, "pt_tracker_fault"), mail_port=sink.port)
    django_setup(env)
    clinic = prepare(env, patients, therapists)
    RESULTS.mkdir(parents=True, exist_ok=True)
    server = Gunicorn(env, env_int("LOADTEST_WORKERS", 3), RESULTS / "gunicorn-fault.log")
    try:
        server.wait_ready()
        say(
            f"gunicorn on {HOST}:{server.port}; {patients} patients and {therapists} "
            f"therapists for {seconds:.0f} s, PostgreSQL restarted mid-run"
        )
        summary, problems = restart_fault(
            server, clinic, seconds, env_float("LOADTEST_THINK_SECONDS", 2.0)
        )
        mail, mail_problems = mail_fault(server, env, clinic, sink)
        problems += mail_problems
    finally:
        server.stop()
        sink.stop()
    path = save(
        "fault",
        {
            "machine": machine(),
            **summary,
            "mail": mail,
            "problems": problems,
        },
    )
    verdict(problems, path)
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    mode = argv[1] if len(argv) > 1 else "load"
    if mode == "load":
        return load_run()
    if mode == "fault":
        return fault_run()
    say(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
