"""`make faulttest`: load while PostgreSQL restarts, then urgent alerts while the mail server
is down (docs/reliability.md). Each check returns its figures and the problems it found."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

from .driver import Browser, Prober, Run, Start, VirtualPatient
from .harness import HOST, Gunicorn, env_float, manage, say
from .load import drive, finish, report, say_writes, write_check
from .smtp_sink import SmtpSink

RECOVERY_TARGET_SECONDS = 5.0


def pg_restart_command() -> list[str] | None:
    if os.environ.get("LOADTEST_PG_RESTART", "1") == "0":
        return None
    clusters = Path("/etc/postgresql")
    if os.geteuid() != 0 or not clusters.is_dir() or not shutil.which("pg_ctlcluster"):
        return None
    versions = sorted(clusters.iterdir())
    if not versions:
        return None
    cluster = os.environ.get("LOADTEST_PG_CLUSTER", "main")
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, cluster, "restart"]


def _restart_postgres(command: list[str] | None, started: float, after: float) -> dict:
    """Restart PostgreSQL `after` seconds into the run; the monotonic times it went and came
    back, or why it did not."""
    restart: dict = {}
    if command is None:
        say(
            "PostgreSQL restart skipped: LOADTEST_PG_RESTART=0, or not root, or no "
            "pg_ctlcluster (Debian's postgresql)."
        )
        return restart
    time.sleep(max(0.0, started + after - time.monotonic()))
    say(f"restarting PostgreSQL: {' '.join(command)}")
    restart["began"] = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    restart["back"] = time.monotonic()
    if done.returncode != 0:
        say(f"restart failed ({done.returncode}): {done.stderr.strip()}")
        restart["failed"] = done.stderr.strip()
    return restart


def _recovery(run: Run, prober: Prober, restart: dict) -> tuple[dict, list[str]]:
    """How long the app took to answer again once PostgreSQL was back, and which requests failed
    outside the outage (there must be none)."""
    problems = []
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
    figures = {
        "restart_seconds": restart["back"] - restart["began"],
        "recovery_after_postgres_back_seconds": recovery,
        "outage_seen_by_probe_seconds": (recovered - first_failure) if first_failure else 0.0,
        "failed_requests_in_flight": len(failed) - len(outside),
        "failed_requests_outside_the_outage": len(outside),
    }
    say(
        f"PostgreSQL restart took {figures['restart_seconds']:.1f} s; the app "
        f"answered again {recovery:.2f} s after PostgreSQL was back "
        f"(target {RECOVERY_TARGET_SECONDS:.0f} s); probe saw an outage of "
        f"{figures['outage_seen_by_probe_seconds']:.2f} s"
    )
    say(
        f"failed requests: {figures['failed_requests_in_flight']} during the outage, "
        f"{len(outside)} outside it"
    )
    for sample in outside[:10]:
        say(f"   outside: {sample.name} {sample.status} {sample.error}")
    if recovery > RECOVERY_TARGET_SECONDS:
        problems.append(f"recovery took {recovery:.1f} s")
    if outside:
        problems.append(f"{len(outside)} requests failed outside the outage")
    return figures, problems


def restart_fault(server: Gunicorn, clinic, seconds: float, think: float) -> tuple[dict, list]:
    """The usual load while PostgreSQL restarts mid-run."""
    stop = threading.Event()
    prober = Prober(HOST, server.port, stop)
    run, threads, start = drive(server.port, clinic, think, True)
    prober.start()
    start.begin(seconds)
    restart = _restart_postgres(
        pg_restart_command(), start.began, env_float("LOADTEST_RESTART_AFTER", 15)
    )
    elapsed = finish(threads, start)
    time.sleep(1.0)
    stop.set()
    prober.join(timeout=10)
    summary = report(run, start, elapsed, "load during the PostgreSQL restart")
    problems: list[str] = []
    if "back" in restart and "failed" not in restart:
        summary["restart"], problems = _recovery(run, prober, restart)
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


def alert_emails():
    """The alert emails of the mail outbox (core.OutboxMessage, kind "alert")."""
    from core.models import MailKind, OutboxMessage

    return OutboxMessage.objects.filter(kind=MailKind.ALERT)


def alert_email_states() -> Counter:
    from django.db import connections

    connections.close_all()
    return Counter(alert_emails().values_list("state", flat=True))


URGENT_ENTRY = {
    "context": "daily",
    "pain_now": "4",
    "pain_worst": "5",
    "regions": ["left_thigh"],
    "rest_relief": "partly",
    "weakness": "none",
    "is_flare": "no",
    "screening_none": "on",
    # R4: numbness or weakness stops everyday things (urgent).
    "nerve_symptoms_limit_activities": "on",
}


def _log_urgent_entries(server: Gunicorn, clinic, problems: list[str]) -> int:
    """Ten patients each log an entry that raises an urgent alert (and its emails)."""
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
            form=URGENT_ENTRY,
        )
        raised += response.status == 302
        browser.close()
    return raised


def _worker_while_mail_is_down(env: dict[str, str], expected: int, sink: SmtpSink) -> tuple:
    """The task worker tries every email once while nothing listens: none may count as sent."""
    worker = manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload")
    worker.wait(timeout=300)
    states = alert_email_states()
    tried = alert_emails().filter(attempts__gte=1, last_error__gt="").count()
    say(
        f"after the task worker ran with the mail server down: {dict(states)}, "
        f"{tried} tried and failed; messages received: {len(sink.messages)}"
    )
    problems = []
    if states.get("sent"):
        problems.append("alert emails marked sent while the mail server was down")
    if set(states) - {"pending"} or tried < expected:
        problems.append(f"unexpected states while down: {dict(states)}, {tried} tried")
    return states, problems


def _deliver_once_mail_is_back(env: dict[str, str], expected: int) -> Counter:
    """Wait out the backoff, then race the worker's retries against the cron command: each
    email must still go out once."""
    from django.db import connections
    from django.utils import timezone

    connections.close_all()
    due = (
        alert_emails()
        .order_by("-next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    wait = (due - timezone.now()).total_seconds() + 1 if due else 0
    time.sleep(max(0.0, min(wait, 150)))
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
    return alert_email_states()


def _compare_with_the_sink(sink: SmtpSink) -> tuple[int, int]:
    """Emails the outbox holds against messages the mail server received: missing, duplicates."""
    from django.db import connections

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
    return missing, duplicates


def mail_fault(server: Gunicorn, env: dict[str, str], clinic, sink: SmtpSink) -> tuple:
    """Urgent alerts while the mail server is down; then it comes back on the same port."""
    from django.db import connections

    from redflags.models import Alert

    problems: list[str] = []
    raised = _log_urgent_entries(server, clinic, problems)
    connections.close_all()
    urgent = Alert.objects.filter(patient__clinic__name="Load Test Physio", rule="R4").count()
    expected = alert_emails().count()
    say(
        f"\n== mail server down: {raised} urgent entries saved, {urgent} urgent alerts, "
        f"{expected} alert emails queued in the outbox: {dict(alert_email_states())}"
    )
    if urgent < raised or not expected:
        problems.append("urgent entries did not raise alerts with emails")
    down_states, down_problems = _worker_while_mail_is_down(env, expected, sink)
    problems += down_problems

    sink.start()
    say(f"mail server up on {HOST}:{sink.port}; waiting for the retry backoff to pass")
    states = _deliver_once_mail_is_back(env, expected)
    missing, duplicates = _compare_with_the_sink(sink)
    say(
        f"after the mail server came back: {dict(states)}; {len(sink.messages)} messages "
        f"received for {expected} alert emails; {missing} missing, {duplicates} duplicates"
    )
    if states.get("sent", 0) != expected:
        problems.append(f"{expected - states.get('sent', 0)} alert emails not sent")
    if missing or duplicates:
        problems.append(f"{missing} missing and {duplicates} duplicate emails")
    figures = {
        "urgent_alerts": urgent,
        "alert_emails": expected,
        "states_while_down": dict(down_states),
        "states_after": dict(states),
        "messages_received": len(sink.messages),
        "missing": missing,
        "duplicates": duplicates,
    }
    return figures, problems
