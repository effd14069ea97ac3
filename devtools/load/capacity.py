"""`make capacity`: the figures of the capacity plan in docs/scaling.md, measured on PostgreSQL
on 127.0.0.1:5432 in a database of its own (pt_tracker_capacity, dropped and made again).

1. **Sweep time per 1,000 patients**: a clinic of CAPACITY_PATIENTS (1,000) patients with
   CAPACITY_DAYS (90) days of history (devtools/bench's synthetic clinic: sessions, entries,
   daily summaries, flare-ups, plans and doses, alerts), swept for yesterday in one process.
2. **Entry saves per second on PostgreSQL**: CAPACITY_WRITERS (2) processes saving symptom
   entries through the service (screened against the rule set, in one transaction each, as a
   form save does) for CAPACITY_SECONDS (15).
3. **Requests per second per app node**: one gunicorn node with deploy/gunicorn.conf.py and
   CAPACITY_USERS (8) patients without pauses (the patient round of the load test: the entry
   form, a save, the saved entry, Today, a dose) for CAPACITY_SECONDS.

Wall-clock rates on a shared machine move with whatever else it runs, so each figure also comes
as CPU time per unit (the app's processes and PostgreSQL's backends, read from /proc): those
are what the capacity plan divides into a server's cores. The last line is one JSON object.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import time
from pathlib import Path

from .driver import Browser, Run, Start, VirtualPatient, percentile
from .harness import (
    HOST,
    RESULTS,
    app_environment,
    database_recreate,
    django_setup,
    env_float,
    env_int,
    machine,
    postgres_answers,
    say,
    server_url,
)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WARM_UP_SECONDS = 8.0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def group_cpu(pgid: int) -> float:
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    total += cpu_seconds(int(entry.name))
            except ProcessLookupError:
                continue
    return total


def backends_cpu() -> dict[int, float]:
    """CPU time of each PostgreSQL backend serving this database now."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    return {pid: cpu_seconds(pid) for pid in pids}


def own_backend() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


# --- 1. The sweep ------------------------------------------------------------------------------


def measure_sweep(patients: int, days: int) -> dict:
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from devtools.bench.data import build_clinic
    from redflags.sweep import daily_sweep

    began = time.monotonic()
    bench = build_clinic(patients=patients, days=days)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    built = time.monotonic() - began
    yesterday = timezone.localdate() - timedelta(days=1)
    backend = own_backend()
    db_before, app_before, wall = cpu_seconds(backend), time.process_time(), time.monotonic()
    result = daily_sweep(bench.clinic, yesterday, force=True)
    wall = time.monotonic() - wall
    app = time.process_time() - app_before
    db = cpu_seconds(backend) - db_before
    per = 1000 / max(1, result.patients)
    figures = {
        "patients": result.patients,
        "history_days": days,
        "build_seconds": round(built, 1),
        "sweep_seconds": round(wall, 2),
        "sweep_seconds_per_1000_patients": round(wall * per, 2),
        "sweep_app_cpu_seconds_per_1000_patients": round(app * per, 2),
        "sweep_db_cpu_seconds_per_1000_patients": round(db * per, 2),
        "alerts_opened": result.alerts_opened,
    }
    say(
        f"sweep: {result.patients} patients with {days} days of history in {wall:.1f} s "
        f"(app CPU {app:.1f} s, PostgreSQL CPU {db:.1f} s)"
    )
    return figures


def measure_dashboard(runs: int = 10) -> dict:
    """The therapist of the whole 1,000-patient clinic: the caseload (ordered by risk over all
    of them) and one patient's overview, through the whole Django stack in this process."""
    from django.urls import reverse

    from accounts.models import User
    from devtools.management.commands.bench import Command as Bench

    therapist = User.objects.get(email="bench-therapist@example.test")
    client = Bench.verified_client(therapist)
    client.defaults["HTTP_HOST"] = HOST
    patient = therapist.caseload.order_by("pk").first()
    if patient is None:
        raise SystemExit("The capacity clinic's therapist has no patients.")
    pages = {
        "caseload": reverse("dashboard:caseload"),
        "overview": reverse("dashboard:patient_overview", args=[patient.pk]),
    }
    backend = own_backend()
    figures: dict[str, float] = {}
    for name, path in pages.items():
        for _ in range(2):
            assert client.get(path).status_code == 200
        walls = []
        db_before, app_before = cpu_seconds(backend), time.process_time()
        for _ in range(runs):
            began = time.monotonic()
            client.get(path)
            walls.append(1000 * (time.monotonic() - began))
        figures[f"{name}_p50_ms"] = round(percentile(sorted(walls), 0.5), 1)
        figures[f"{name}_app_cpu_ms"] = round(1000 * (time.process_time() - app_before) / runs, 1)
        figures[f"{name}_db_cpu_ms"] = round(1000 * (cpu_seconds(backend) - db_before) / runs, 1)
    f = figures
    say(
        f"dashboard of a therapist with {therapist.caseload.count()} patients: caseload "
        f"{f['caseload_p50_ms']} ms (CPU app {f['caseload_app_cpu_ms']} ms, PostgreSQL "
        f"{f['caseload_db_cpu_ms']} ms), overview {f['overview_p50_ms']} ms (CPU app "
        f"{f['overview_app_cpu_ms']} ms, PostgreSQL {f['overview_db_cpu_ms']} ms)"
    )
    return figures


# --- 2. Entry saves ----------------------------------------------------------------------------


def _writer(args: tuple[float, int, list[int]]) -> tuple[int, float, float]:
    """One process saving entries for `seconds`: (saves, its CPU, its backend's CPU)."""
    from datetime import timedelta

    from django.db import connections
    from django.utils import timezone

    from accounts.models import Patient
    from care.services import entry_record

    seconds, seed, patient_ids = args
    connections.close_all()
    rng = random.Random(seed)
    patients = list(Patient.objects.filter(pk__in=patient_ids).select_related("user", "clinic"))
    backend = own_backend()
    db_before, app_before = cpu_seconds(backend), time.process_time()
    deadline, saves = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        patient = rng.choice(patients)
        pain = rng.randint(1, 6)
        entry_record(
            patient,
            {
                "context": "daily",
                "pain_now": pain,
                "pain_worst": pain + rng.randint(0, 2),
                "descriptors": ["tingling"],
                "regions": ["lower_back"],
                "recorded_at": timezone.now() - timedelta(minutes=rng.randint(0, 600)),
            },
            actor=patient.user,
        )
        saves += 1
    db = cpu_seconds(backend) - db_before
    app = time.process_time() - app_before
    connections.close_all()
    return saves, app, db


def measure_saves(writers: int, seconds: float) -> dict:
    from django.db import connections

    from accounts.models import Patient

    ids = list(Patient.objects.order_by("pk").values_list("pk", flat=True)[:500])
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(writers) as pool:
        results = pool.map(_writer, [(seconds, n, ids) for n in range(writers)])
    saves = sum(r[0] for r in results)
    app, db = sum(r[1] for r in results), sum(r[2] for r in results)
    figures = {
        "writers": writers,
        "entry_saves": saves,
        "entry_saves_per_second": round(saves / seconds, 1),
        "entry_save_app_cpu_ms": round(1000 * app / max(1, saves), 2),
        "entry_save_db_cpu_ms": round(1000 * db / max(1, saves), 2),
    }
    say(
        f"entry saves: {saves} in {seconds:.0f} s by {writers} processes "
        f"({figures['entry_saves_per_second']}/s); CPU per save: app "
        f"{figures['entry_save_app_cpu_ms']} ms, PostgreSQL {figures['entry_save_db_cpu_ms']} ms"
    )
    return figures


# --- 3. Requests per node ----------------------------------------------------------------------


def _users(port: int, clinic, run: Run, start: Start) -> list[VirtualPatient]:
    return [
        VirtualPatient(
            Browser(HOST, port, run),
            person.email,
            clinic.password,
            start=start,
            think=0.0,
            start_after=0.2 * index,
            seed=index,
            retry_writes=False,
            patient_id=person.patient_id,
            plan_item_id=person.plan_item_id,
        )
        for index, person in enumerate(clinic.patients)
    ]


def measure_node(env: dict[str, str], users: int, seconds: float, log_dir: Path) -> dict:
    from django.db import connections

    from .cluster_procs import AppNode
    from .seed import seed_load_clinic

    clinic = seed_load_clinic(patients=users, therapists=1, name="Capacity Physio")
    connections.close_all()
    node = AppNode(1, env, env_int("CAPACITY_NODE_WORKERS", 0) or None, log_dir)
    node.start()
    try:
        node.wait_ready()
        run, start = Run(), Start(users)
        threads = _users(node.port, clinic, run, start)
        for thread in threads:
            thread.start()
        start.all_in.wait(timeout=120)
        # Warm-up first: each worker imports its views (the PDF library among them) once.
        start.begin(seconds + WARM_UP_SECONDS)
        time.sleep(WARM_UP_SECONDS)
        measured, app_before, db_before = time.monotonic(), group_cpu(node.pid), backends_cpu()
        for thread in threads:
            thread.join(timeout=seconds + 60)
        app = group_cpu(node.pid) - app_before
        db_after = backends_cpu()
        db = sum(cpu - db_before.get(pid, 0.0) for pid, cpu in db_after.items())
    finally:
        node.stop()
    return _node_figures(run, measured, seconds, app, db)


def _node_figures(run: Run, measured: float, seconds: float, app: float, db: float) -> dict:
    during = [s for s in run.samples if s.start >= measured]
    times = sorted(s.elapsed * 1000 for s in during) or [0.0]
    count = max(1, len(during))
    figures = {
        "node_requests": len(during),
        "node_errors": sum(not s.ok for s in during),
        "node_requests_per_second": round(len(during) / seconds, 1),
        "node_p50_ms": round(percentile(times, 0.5), 1),
        "node_p95_ms": round(percentile(times, 0.95), 1),
        "request_app_cpu_ms": round(1000 * app / count, 2),
        "request_db_cpu_ms": round(1000 * db / count, 2),
    }
    say(
        f"one node: {len(during)} requests in {seconds:.0f} s "
        f"({figures['node_requests_per_second']}/s, p50 {figures['node_p50_ms']} ms); CPU per "
        f"request: app {figures['request_app_cpu_ms']} ms, PostgreSQL "
        f"{figures['request_db_cpu_ms']} ms"
    )
    return figures


def capacity_run() -> int:
    url = server_url()
    if not postgres_answers(url):
        say(f"PostgreSQL does not answer at {url}; start it and run again.")
        return 2
    seconds = env_float("CAPACITY_SECONDS", 15)
    env = app_environment(database_recreate(url, "pt_tracker_capacity"), mail_port=None)
    django_setup(env)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    log_dir = RESULTS / f"capacity-{time.strftime('%Y%m%d-%H%M%S')}"
    log_dir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    figures = {
        **measure_sweep(env_int("CAPACITY_PATIENTS", 1000), env_int("CAPACITY_DAYS", 90)),
        **measure_dashboard(),
        **measure_saves(env_int("CAPACITY_WRITERS", 2), seconds),
        **measure_node(env, env_int("CAPACITY_USERS", 8), seconds, log_dir),
        "load_average_before": round(load, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "machine": machine(),
    }
    (log_dir / "capacity.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures), flush=True)
    return 0
