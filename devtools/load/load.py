"""`make loadtest`: virtual patients and therapists against gunicorn on PostgreSQL, and the
check of every acknowledged write against the database (docs/reliability.md)."""

from __future__ import annotations

import time
from pathlib import Path

from .driver import (
    Browser,
    Run,
    Start,
    VirtualPatient,
    VirtualTherapist,
    VirtualUser,
    format_table,
    percentile,
    table,
)
from .harness import (
    HOST,
    RESULTS,
    ROOT,
    Gunicorn,
    app_environment,
    database_recreate,
    django_setup,
    env_float,
    env_int,
    machine,
    postgres_answers,
    prepare,
    save,
    say,
    server_url,
)


def drive(
    port: int,
    clinic,
    think: float,
    retry_writes: bool,
    *,
    clinics: list | None = None,
    run: Run | None = None,
    patient_class: type[VirtualPatient] = VirtualPatient,
    therapist_class: type[VirtualTherapist] = VirtualTherapist,
) -> tuple[Run, list, Start]:
    """The virtual users of `clinic` (or of each of `clinics`), started and logging in;
    `begin()` on the Start begins the run."""
    run = run if run is not None else Run()
    people = [
        (kind, person, c.password)
        for c in clinics or [clinic]
        for kind, group in (("patient", c.patients), ("therapist", c.therapists))
        for person in group
    ]
    start = Start(len(people))
    ramp = 10.0  # logins spread over ten seconds
    threads = []
    for index, (kind, person, password) in enumerate(people):
        common = {
            "start": start,
            "think": think,
            "start_after": ramp * index / len(people),
            "seed": index,
            "retry_writes": retry_writes,
        }
        browser = Browser(HOST, port, run)
        user: VirtualUser
        if kind == "patient":
            user = patient_class(
                browser,
                person.email,
                password,
                patient_id=person.patient_id,
                plan_item_id=person.plan_item_id,
                **common,
            )
        else:
            user = therapist_class(
                browser,
                person.email,
                password,
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
