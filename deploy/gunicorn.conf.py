"""Gunicorn settings of an app node (docs/scaling.md). `make clustertest` runs its three nodes
with this file; in production:

    gunicorn -c deploy/gunicorn.conf.py pt_tracker.wsgi:application

Everything here can be overridden from the environment (GUNICORN_*), so one file serves every
node: the load balancer (deploy/nginx.conf.template) is the only thing that knows the nodes.

Sync workers: each request holds one worker process from start to end, and each process keeps
one database connection (DJANGO_CONN_MAX_AGE, with health checks), so a node opens at most
`workers` connections to PostgreSQL. See docs/scaling.md, "Database connections", for why a
psycopg pool is not the default with sync workers (DJANGO_DB_POOL=true turns it on).
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value else default


# Behind the load balancer on a private address; never exposed directly.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: 2 per core plus one (gunicorn's advice for I/O-bound Django), at least 2.
workers = _int("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request that takes longer is killed and the worker replaced (the load balancer's read
# timeout is longer, so it sees the 502 of a killed worker rather than timing out first).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 10)
# Replace each worker after this many requests (with jitter, not all at once): any slow leak
# in a long-lived process stays bounded.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# The load balancer sets X-Forwarded-For/-Proto; trust them only from its address.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Request lines and headers: the same limits nginx applies in front.
limit_request_line = 8190
# Logs to stdout/stderr for the service manager (journald); access log off by default
# (nginx keeps one), on with GUNICORN_ACCESSLOG=-.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "warning")
proc_name = os.environ.get("GUNICORN_PROC_NAME", "pt-tracker")
# Workers do not share state: no preload, so a HUP reloads code cleanly on each node.
preload_app = False
# gunicorn's control socket (gunicornc) only with a path of its own: several instances on one
# host (the cluster test) would otherwise share $HOME/.gunicorn/gunicorn.ctl. systemd manages
# the process (deploy/pt-tracker-web.service), so it is off unless asked for.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
