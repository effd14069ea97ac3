"""`make clustertest`: PT Tracker as a cluster on one machine, from the configuration in deploy/
(docs/scaling.md, "The cluster test").

nginx on a free loopback port in front of 3 gunicorn app nodes; 2 task workers; 2 cron nodes
running deploy/cron's lines at the same moments (2 reminder schedulers, 2 mail senders, 2 daily
sweep runners); an SMTP sink that keeps every message; PostgreSQL on 127.0.0.1:5432 in a
database of its own (pt_tracker_cluster, dropped and made again). Two seeded clinics whose
patients log entries (some with a red flag, some sent twice at once with one idempotency key)
and doses, get after-session reminders falling due during the run and follow their quick-log
links; therapists open caseloads and triage alerts. Mid-run one app node and one worker (while
it is sending an email) are killed with SIGKILL and restarted.

Then it checks the database and the sink (devtools/load/cluster_checks.py), prints a table per
endpoint and, as its last line, one JSON object; the exit status is 1 when a count that must be
zero is not (2 when PostgreSQL or nginx is missing). Bounded: the run lasts CLUSTERTEST_SECONDS
(90) plus set-up and at most CLUSTERTEST_SETTLE_SECONDS (60) for the last emails.

Settings (environment): CLUSTERTEST_SECONDS, CLUSTERTEST_PATIENTS (50), CLUSTERTEST_THERAPISTS
(6), CLUSTERTEST_NODES (3), CLUSTERTEST_NODE_WORKERS (gunicorn workers per node, 2),
CLUSTERTEST_WORKERS (2), CLUSTERTEST_CRON_NODES (2), CLUSTERTEST_CRON_SECONDS (a cron tick,
10), CLUSTERTEST_THINK_SECONDS (2.0), CLUSTERTEST_KILL_AT (share of the run, 0.35),
CLUSTERTEST_SMTP_DELAY (the sink's greeting delay, 0.2 s), CLUSTERTEST_DB_POOL (1: the psycopg
pool instead of persistent connections), LOADTEST_PG (the server, loopback only).
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .cluster_driver import ClusterPatient, ClusterRun, ClusterTherapist, LinkFollower
from .cluster_procs import (
    AppNode,
    Balancer,
    CronLine,
    CronNode,
    TaskWorker,
    cron_lines,
    cron_tick,
    nginx_binary,
    socket_holders,
)
from .cluster_report import report, verdict
from .cluster_settings import Kill, Settings
from .harness import (
    RESULTS,
    app_environment,
    database_recreate,
    django_setup,
    postgres_answers,
    say,
    server_url,
)
from .load import drive, finish
from .smtp_sink import SmtpSink

DATABASE = "pt_tracker_cluster"
#: How long a restarted app node may take to answer again (a busy machine boots slowly).
NODE_RESTART_SECONDS = 120
#: Seconds past the run and its settling before the run gives up altogether.
HARD_LIMIT_MARGIN = 600


def _out_of_time(signum: int, frame: object) -> None:
    raise SystemExit("clustertest: out of time; every process it started is being stopped")


@dataclass
class Cluster:
    """Every process of the run, and what happened to them."""

    env: dict[str, str]
    settings: Settings
    log_dir: Path
    sink: SmtpSink
    nodes: list[AppNode] = field(default_factory=list)
    workers: list[TaskWorker] = field(default_factory=list)
    cron: list[CronNode] = field(default_factory=list)
    balancer: Balancer | None = None
    kills: list[Kill] = field(default_factory=list)
    lines: list[CronLine] = field(default_factory=cron_lines)

    def start(self, nginx: str) -> None:
        s = self.settings
        self.nodes = [
            AppNode(n, self.env, s.node_workers, self.log_dir) for n in range(1, 1 + s.nodes)
        ]
        self.workers = [TaskWorker(n, self.env, self.log_dir) for n in range(1, 1 + s.workers)]
        self.cron = [CronNode(n, self.env) for n in range(1, 1 + s.cron_nodes)]
        for service in [*self.nodes, *self.workers]:
            service.start()
        for node in self.nodes:
            node.wait_ready()
        self.balancer = Balancer(nginx, self.nodes, self.log_dir)
        self.balancer.start()
        self.balancer.wait_ready()

    def stop(self) -> None:
        for service in [*self.workers, *self.nodes]:
            service.stop()
        if self.balancer is not None:
            self.balancer.stop()
            self.balancer.cleanup()

    def cron_loop(self, deadline: float, stop: threading.Event) -> None:
        """A tick every `cron_seconds` until the deadline: the frequent lines (*/5) each tick,
        the hourly sweep on the first tick and halfway."""
        ticks = 0
        halfway = max(1, round((deadline - time.monotonic()) / self.settings.cron_seconds / 2))
        while not stop.is_set() and time.monotonic() < deadline:
            began = time.monotonic()
            hourly = ticks in (0, halfway)
            cron_tick(self.cron, [line for line in self.lines if line.frequent or hourly])
            ticks += 1
            stop.wait(max(0.0, self.settings.cron_seconds - (time.monotonic() - began)))

    def faults(self, began: float) -> None:
        """Kill -9 one app node, then (while it sends an email) one worker; restart both."""
        s = self.settings
        time.sleep(max(0.0, began + s.seconds * s.kill_at - time.monotonic()))
        node = self.nodes[min(1, len(self.nodes) - 1)]
        kill = Kill(node.name, time.monotonic())
        node.kill9()
        self.kills.append(kill)
        say(f"killed {node.name} (kill -9), restarting it in 2 s")
        time.sleep(2)
        node.start()
        try:
            kill.back = node.wait_ready(timeout=NODE_RESTART_SECONDS)
            say(f"{node.name} back after {kill.back - kill.at:.1f} s")
        except SystemExit as problem:
            # Counted (and the window left open to the end): the worker is still killed.
            kill.back, kill.detail = float("inf"), f"did not come back: {problem}"
            say(f"!! {node.name} {kill.detail}")
        time.sleep(max(0.0, began + s.seconds * (s.kill_at + 0.15) - time.monotonic()))
        self.kill_worker()

    def kill_worker(self) -> None:
        """The worst moment for a worker: while it sends an email, connected to the mail server
        and holding the email's row, before the server has accepted anything. The sink calls
        back as it accepts each connection, before its greeting; the worker whose end it is
        dies there (waited for up to 15 s; any worker when none sends by then)."""
        killed = threading.Event()
        kill = Kill(self.workers[0].name, 0.0, detail="idle")

        def on_connect(client: tuple[str, int]) -> None:
            for worker in self.workers:
                if not killed.is_set() and socket_holders(worker.descendants(), client[1]):
                    kill.what, kill.at, kill.detail = worker.name, time.monotonic(), "mid-send"
                    worker.kill9()
                    killed.set()

        self.sink.on_connect = on_connect
        killed.wait(timeout=15)
        self.sink.on_connect = None
        victim = next(w for w in self.workers if w.name == kill.what)
        if not killed.is_set():
            kill.at = time.monotonic()
            victim.kill9()
        self.kills.append(kill)
        say(f"killed {victim.name} ({kill.detail}, kill -9), restarting it in 2 s")
        time.sleep(2)
        victim.start()
        kill.back = time.monotonic()


def _prepare(s: Settings, url: str, sink: SmtpSink) -> tuple[dict[str, str], list]:
    env = app_environment(database_recreate(url, DATABASE), mail_port=sink.port)
    env.update(
        {
            "PT_TRACKER_ENV_FILE": "",
            "PT_TRACKER_PYTHON": sys.executable,
            # Each node's boots and worker restarts in its log.
            "GUNICORN_LOGLEVEL": "info",
        }
    )
    if s.pool:
        env["DJANGO_DB_POOL"] = "true"
    django_setup(env)
    from django.core.management import call_command
    from django.db import connections

    from .cluster_seed import seed_cluster

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    clinics = seed_cluster(s.patients, s.therapists)
    connections.close_all()
    return env, clinics


def _settle(cluster: Cluster, follower: LinkFollower, deadline: float) -> datetime:
    """The last cron tick on every node, then wait until every email is sent and every
    reminder read (its link followed, which may raise an alert and email again), running
    deliver_mail every cron tick as cron would; when the last tick began."""
    from django.db import connections

    from core.models import OutboxMessage, OutboxState

    last_tick = datetime.now(UTC)
    cron_tick(cluster.cron, cluster.lines)
    mail = [line for line in cluster.lines if "deliver_mail" in line.argv]
    next_mail = time.monotonic() + cluster.settings.cron_seconds
    while time.monotonic() < deadline:
        connections.close_all()
        waiting = OutboxMessage.objects.filter(
            state__in=[OutboxState.PENDING, OutboxState.SENDING]
        ).exists()
        if not waiting and follower.idle():
            break
        time.sleep(0.5)
        if time.monotonic() >= next_mail:
            cron_tick(cluster.cron, mail)
            next_mail = time.monotonic() + cluster.settings.cron_seconds
    return last_tick


def _clinic_days(clinics: list) -> dict:
    """The day each clinic's sweep must cover: its local yesterday when the run starts."""
    from django.utils import timezone

    from accounts.models import Clinic
    from redflags.sweep import sweep_day_for

    now = timezone.now()
    return {c.clinic_id: sweep_day_for(Clinic.objects.get(pk=c.clinic_id), now) for c in clinics}


def cluster_run() -> int:
    url = server_url()
    nginx = nginx_binary()
    if not postgres_answers(url):
        say(f"PostgreSQL does not answer at {url}; start it and run again.")
        return 2
    if nginx is None:
        say("nginx is not installed: `make clustertest` installs Debian's nginx with apt-get.")
        return 2
    s = Settings()
    # However it goes, the run ends: a hard limit well past its own deadlines (each process it
    # started is stopped on the way out).
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.alarm(int(s.seconds + s.settle + HARD_LIMIT_MARGIN))
    sink = SmtpSink(greeting_delay=s.smtp_delay)
    sink.start()
    env, clinics = _prepare(s, url, sink)
    log_dir = RESULTS / f"cluster-{time.strftime('%Y%m%d-%H%M%S')}"
    log_dir.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(env, s, log_dir, sink)
    run = ClusterRun()
    try:
        cluster.start(nginx)
        assert cluster.balancer is not None
        port = cluster.balancer.port
        say(
            f"nginx on 127.0.0.1:{port} in front of {s.nodes} app nodes, {s.workers} workers, "
            f"{s.cron_nodes} cron nodes; {s.patients} patients, {s.therapists} therapists in "
            f"{len(clinics)} clinics, {s.seconds:.0f} s"
        )
        outcome = _drive(cluster, run, clinics, port)
    finally:
        cluster.stop()
        sink.stop()
        sink.save(log_dir / "smtp-sink.mbox")
    summary = report(cluster, run, clinics, outcome, sink.received())
    path = log_dir / "summary.json"
    path.write_text(json.dumps(summary, indent=2, default=str))
    status = verdict(summary, path)
    signal.alarm(0)
    return status


def _drive(cluster: Cluster, run: ClusterRun, clinics: list, port: int) -> dict:
    from .cluster_seed import schedule_reminders

    s = cluster.settings
    _run, threads, start = drive(
        port,
        None,
        s.think,
        True,
        clinics=clinics,
        run=run,
        patient_class=ClusterPatient,
        therapist_class=ClusterTherapist,
    )
    due = schedule_reminders(clinics, datetime.now(UTC), s.seconds)
    clinic_days = _clinic_days(clinics)
    stop, reading = threading.Event(), threading.Event()
    emails = {p.email: p.patient_id for c in clinics for p in c.patients}
    follower = LinkFollower(cluster.sink, port, run, emails, reading)
    start.begin(s.seconds)
    cron = threading.Thread(target=cluster.cron_loop, args=(start.deadline, stop))
    faults = threading.Thread(target=cluster.faults, args=(start.began,), daemon=True)
    for thread in (follower, cron, faults):
        thread.start()
    elapsed = finish(threads, start)
    stop.set()
    cron.join()
    faults.join(timeout=60)
    last_tick = _settle(cluster, follower, time.monotonic() + s.settle)
    reading.set()
    follower.join(timeout=30)
    return {
        "start": start,
        "elapsed": elapsed,
        # Reminders due before the last tick began: every one must have been sent.
        "due": [r for r in due if r.due_at <= last_tick],
        "clinic_days": clinic_days,
    }
