"""The cluster run's figures: requests per endpoint, errors inside and outside the kill windows,
requests per app node (from nginx's log), and the checks of devtools/load/cluster_checks.py;
then the verdict and the one-line JSON summary."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cluster_settings import ClusterFacts
from .driver import Sample, format_table, percentile, table
from .harness import ROOT, machine, say
from .smtp_sink import Received

if TYPE_CHECKING:
    from .cluster_driver import ClusterRun

#: How long after a killed node answers again its requests may still fail (nginx leaves a
#: failed node out for its fail_timeout, 2 s, and then tries it again).
KILL_GRACE_SECONDS = 3.0
MUST_BE_ZERO = (
    "lost_writes",
    "duplicate_writes",
    "rows_no_request_sent",
    "duplicate_alerts",
    "day_summaries_wrong",
    "alerts_missed",
    "notifications_sent_twice",
    "notifications_missed",
    "reminders_sent_twice",
    "reminders_missed",
    "sweeps_duplicated",
    "sweeps_missed",
    "emails_unsent",
    "emails_given_up",
    "errors_outside_kill_window",
    "cron_failures",
    "tasks_failed",
    "node_restarts_failed",
    "login_failures",
)
UPSTREAM = re.compile(r" upstream=(\S+) status=(\S+)")


def _errors(samples: list[Sample], windows: list[tuple[float, float]]) -> tuple[int, int, list]:
    """Failed requests inside a kill window (allowed) and outside every window (not)."""
    failed = [s for s in samples if not s.ok]

    def inside(sample: Sample) -> bool:
        return any(
            sample.start <= end and sample.start + sample.elapsed >= begin for begin, end in windows
        )

    outside = [s for s in failed if not inside(s)]
    return len(failed) - len(outside), len(outside), outside


def _per_node(log_dir: Path) -> dict[str, int]:
    """Requests each app node answered, from nginx's access log (a retried request names every
    node it tried)."""
    path = log_dir / "nginx-access.log"
    counts: Counter[str] = Counter()
    if path.exists():
        for line in path.read_text().splitlines():
            match = UPSTREAM.search(line)
            if match:
                counts[match.group(1).split(",")[-1].strip()] += 1
    return dict(counts)


def _endpoints(rows: list[dict]) -> dict[str, dict[str, Any]]:
    return {
        row["name"]: {
            "requests": row["requests"],
            "errors": row["errors"],
            "p50_ms": round(row["p50_ms"], 1),
            "p95_ms": round(row["p95_ms"], 1),
        }
        for row in rows
    }


def _checks(
    cluster: ClusterFacts, run: ClusterRun, outcome: dict, messages: list[Received]
) -> dict:
    from django.db import connections

    from . import cluster_checks as checks

    connections.close_all()
    cron_runs = [r for node in cluster.cron for r in node.runs]
    for failed in [r for r in cron_runs if r.status != 0][:5]:
        say(f"!! cron job failed ({failed.status}): {' '.join(failed.argv[1:])}\n{failed.output}")
    return {
        **checks.writes(run),
        **checks.alerts(run),
        **checks.alert_emails(messages),
        **checks.reminders(outcome["due"], messages),
        **checks.sweeps(cron_runs, outcome["clinic_days"]),
        **checks.races(cron_runs),
        **checks.summaries(),
        **checks.outbox(),
        **checks.tasks(),
        "cron_runs": len(cron_runs),
        "cron_failures": sum(1 for r in cron_runs if r.status != 0),
        "emails_received": len(messages),
    }


def report(
    cluster: ClusterFacts, run: ClusterRun, clinics: list, outcome: dict, messages: list[Received]
) -> dict:
    s, start = cluster.settings, outcome["start"]
    windows = [
        (k.at, k.back + KILL_GRACE_SECONDS) for k in cluster.kills if k.what.startswith("app")
    ]
    during = [x for x in run.samples if x.start >= start.began]
    rows = table(during)
    in_window, outside, outside_samples = _errors(run.samples, windows)
    rate = len(during) / outcome["elapsed"] if outcome["elapsed"] else 0.0
    say(f"\n== {len(during)} requests in {outcome['elapsed']:.0f} s ({rate:.1f}/s) through nginx")
    say(format_table(rows))
    for sample in outside_samples[:10]:
        say(f"   error outside the kill window: {sample.name} {sample.status} {sample.error}")
    times = sorted(x.elapsed * 1000 for x in during) or [0.0]
    summary: dict[str, Any] = {
        "app_nodes": len(cluster.nodes),
        "workers": len(cluster.workers),
        "schedulers": len(cluster.cron),
        "sweep_runners": len(cluster.cron),
        "clinics": len(clinics),
        "patients": s.patients,
        "therapists": s.therapists,
        "seconds": round(outcome["elapsed"], 1),
        "db_pool": s.pool,
        "requests": len(during),
        "requests_per_second": round(rate, 1),
        "p50_ms": round(percentile(times, 0.5), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        **_checks(cluster, run, outcome, messages),
        "node_kills": len(cluster.kills),
        "node_restarts_failed": sum(1 for k in cluster.kills if k.back == float("inf")),
        "kills": [
            {"what": k.what, "down_seconds": round(k.back - k.at, 1), "detail": k.detail}
            if k.back != float("inf")
            else {"what": k.what, "detail": k.detail}
            for k in cluster.kills
        ],
        "errors_in_kill_window": in_window,
        "errors_outside_kill_window": outside,
        "login_failures": len(run.login_failures),
        "double_submits": run.double_submits,
        "quick_log_links_followed": run.links_followed,
        "requests_per_node": _per_node(cluster.log_dir),
        "endpoints": _endpoints(rows),
        "machine": machine(),
    }
    return summary


def verdict(summary: dict, path: Path) -> int:
    problems = [f"{name} = {summary[name]}" for name in MUST_BE_ZERO if summary.get(name)]
    if not summary.get("acknowledged_writes"):
        problems.append("no write was acknowledged")
    if summary.get("node_kills", 0) < 2:
        problems.append("the app node and the worker were not both killed")
    say(f"results: {path.relative_to(ROOT)}")
    say(
        "FAILED: " + "; ".join(problems) if problems else "PASSED: every count that must be zero is"
    )
    summary["passed"] = not problems
    line = {k: v for k, v in summary.items() if k not in ("machine", "kills")}
    print(json.dumps(line, default=str), flush=True)
    return 1 if problems else 0
