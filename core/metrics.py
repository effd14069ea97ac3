"""Prometheus metrics that the application counts as it works (prometheus-client).

Defined once, here at the bottom of the layers, so every app can count with them: the request
metrics (ops.middleware), entries saved and alerts raised (ops.receivers), failed deliveries
(core.delivery) and the daily sweep's duration (redflags.sweep). ``/metrics`` (ops.views) shows
them with what it reads from the database when scraped: the outbox backlog, heartbeats, sweeps.

Each process counts its own. With ``PROMETHEUS_MULTIPROC_DIR`` set (the same directory for
gunicorn, the task worker and the cron commands) every process writes its counts there and
/metrics adds them up (docs/operations.md, "Metrics"). Labels never carry a patient, a user or a
path: only view names, methods, status codes, severities and outcomes.
"""

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter(
    "pt_http_requests",
    "HTTP requests answered, by view (URL name), method and status code.",
    ["view", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "pt_http_request_duration_seconds",
    "Time to answer an HTTP request, by view (URL name).",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ENTRIES_SAVED = Counter("pt_entries_saved", "Symptom entries saved (new ones, not corrections).")
ALERTS_RAISED = Counter(
    "pt_alerts_raised", "Red-flag alerts opened, by severity when raised.", ["severity"]
)
DELIVERIES_FAILED = Counter(
    "pt_mail_deliveries_failed",
    "Failed attempts to deliver an outbox email: retry (another attempt is scheduled) or dead "
    "(given up).",
    ["outcome"],
)
SWEEP_DURATION = Histogram(
    "pt_sweep_duration_seconds",
    "Time the daily sweep took for one clinic and one local day.",
    buckets=(0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0),
)
