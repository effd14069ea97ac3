"""What a cluster run is asked to do (its settings, from CLUSTERTEST_* variables), the node kills
it records, and what its report reads of the processes it ran: below both the run
(devtools/load/cluster.py) and its report (cluster_report.py), so neither imports the other."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .cluster_procs import AppNode, CronNode, TaskWorker
from .harness import env_float, env_int


@dataclass
class Settings:
    seconds: float = field(default_factory=lambda: env_float("CLUSTERTEST_SECONDS", 90))
    patients: int = field(default_factory=lambda: env_int("CLUSTERTEST_PATIENTS", 50))
    therapists: int = field(default_factory=lambda: env_int("CLUSTERTEST_THERAPISTS", 6))
    nodes: int = field(default_factory=lambda: env_int("CLUSTERTEST_NODES", 3))
    node_workers: int = field(default_factory=lambda: env_int("CLUSTERTEST_NODE_WORKERS", 2))
    workers: int = field(default_factory=lambda: env_int("CLUSTERTEST_WORKERS", 2))
    cron_nodes: int = field(default_factory=lambda: env_int("CLUSTERTEST_CRON_NODES", 2))
    cron_seconds: float = field(default_factory=lambda: env_float("CLUSTERTEST_CRON_SECONDS", 10))
    think: float = field(default_factory=lambda: env_float("CLUSTERTEST_THINK_SECONDS", 2.0))
    kill_at: float = field(default_factory=lambda: env_float("CLUSTERTEST_KILL_AT", 0.35))
    smtp_delay: float = field(default_factory=lambda: env_float("CLUSTERTEST_SMTP_DELAY", 0.2))
    settle: float = field(default_factory=lambda: env_float("CLUSTERTEST_SETTLE_SECONDS", 60))
    pool: bool = field(default_factory=lambda: env_int("CLUSTERTEST_DB_POOL", 0) == 1)


@dataclass
class Kill:
    what: str
    at: float
    back: float = 0.0
    detail: str = ""


class ClusterFacts(Protocol):
    """What the report reads of a run's processes (``cluster.Cluster`` has them)."""

    settings: Settings
    log_dir: Path
    nodes: list[AppNode]
    workers: list[TaskWorker]
    cron: list[CronNode]
    kills: list[Kill]
