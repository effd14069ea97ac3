"""`make loadtest` and `make faulttest`: the app under gunicorn against PostgreSQL on loopback.

    python -m devtools.load.run load     # 50 patients and 5 therapists for LOADTEST_SECONDS (60)
    python -m devtools.load.run fault    # the same while PostgreSQL restarts, then mail down
    python -m devtools.load.run cluster  # nginx, 3 app nodes, 2 workers, 2 cron nodes, kills
                                         # (devtools/load/cluster.py; docs/scaling.md)
    python -m devtools.load.run capacity # the capacity plan's figures (devtools/load/capacity.py)

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

import sys

from .capacity import capacity_run
from .cluster import cluster_run
from .faults import mail_fault, restart_fault
from .harness import (
    HOST,
    RESULTS,
    Gunicorn,
    app_environment,
    database_recreate,
    django_setup,
    env_float,
    env_int,
    free_port,
    machine,
    postgres_answers,
    prepare,
    save,
    say,
    server_url,
)
from .load import load_run, verdict
from .smtp_sink import SmtpSink


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
    if mode == "cluster":
        return cluster_run()
    if mode == "capacity":
        return capacity_run()
    say(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
