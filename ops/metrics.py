"""What /metrics shows (ops.views.metrics): the counters and histograms of core.metrics, from
every process when PROMETHEUS_MULTIPROC_DIR is set, and gauges read from the database when the
page is scraped: the outbox's backlog, given-up and recently failed emails, heartbeat ages and
each readiness check (ops.checks). No label names a patient, a user or an address.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from core.models import OutboxMessage

from .checks import background_checks, oldest_due_mail
from .heartbeats import heartbeats_latest
from .selectors import failed_deliveries

LOOPBACK = frozenset({"127.0.0.1", "::1"})
RECENT = timedelta(days=7)


def metrics_allowed(request: HttpRequest) -> bool:
    """With METRICS_TOKEN set, only a request with "Authorization: Bearer <token>"; without
    it, only one from this machine that no proxy forwarded."""
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        return constant_time_compare(given, f"Bearer {token}")
    forwarded = "X-Forwarded-For" in request.headers or "Forwarded" in request.headers
    return request.META.get("REMOTE_ADDR") in LOOPBACK and not forwarded


class DatabaseCollector(Collector):
    """Gauges read from the database at scrape time."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        by_state = GaugeMetricFamily(
            "pt_outbox_messages", "Outbox emails by state.", labels=["state"]
        )
        counts = dict(
            OutboxMessage.objects.values("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
            .order_by()
        )
        for state in OutboxMessage.State.values:
            by_state.add_metric([state], counts.get(state, 0))
        yield by_state
        oldest = oldest_due_mail(now)
        yield GaugeMetricFamily(
            "pt_outbox_oldest_due_seconds",
            "How long the longest-waiting due email has waited (0: nothing is due).",
            value=(now - oldest).total_seconds() if oldest else 0,
        )
        failed = GaugeMetricFamily(
            "pt_mail_failed_last_7_days",
            "Emails queued in the last 7 days whose delivery failed at least once, by kind.",
            labels=["kind"],
        )
        recent = dict(
            failed_deliveries(now - RECENT)
            .values("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
            .order_by()
        )
        for kind in OutboxMessage.Kind.values:
            failed.add_metric([kind], recent.get(kind, 0))
        yield failed
        yield from self._background(now)

    def _background(self, now) -> Iterator[Metric]:
        ages = GaugeMetricFamily(
            "pt_heartbeat_age_seconds",
            "Seconds since a component's last heartbeat (no sample: it never beat).",
            labels=["component"],
        )
        for component, last in heartbeats_latest().items():
            if last is not None:
                ages.add_metric([component], (now - last).total_seconds())
        yield ages
        ok = GaugeMetricFamily(
            "pt_background_ok",
            "1 when a readiness check passes, 0 when its background work is stale (/readyz).",
            labels=["check"],
        )
        for check in background_checks(now):
            ok.add_metric([check.name], 1 if check.ok else 0)
        yield ok


def process_registry() -> CollectorRegistry:
    """The application's own counters: every process's (multiprocess mode) or this one's."""
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
        return registry
    return REGISTRY


def metrics_page() -> bytes:
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return generate_latest(process_registry()) + generate_latest(database)
