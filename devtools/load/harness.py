"""What the load, fault and cluster runs share: loopback ports, a database of their own, the
app's production environment, gunicorn, manage.py commands, and the results folder.

The runs start as plain Python and import Django only in `django_setup`, once the run's
database and settings are chosen; functions that need Django's models import them there.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from .driver import Browser, Run

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "var" / "loadtest"
HOST = "127.0.0.1"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def say(text: str = "") -> None:
    print(text, flush=True)


# --- Database and app ---------------------------------------------------------------------------


def server_url() -> str:
    url = os.environ.get("LOADTEST_PG", "postgres://postgres@127.0.0.1:5432")
    host = urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"LOADTEST_PG must point at loopback, not {host!r}.")
    return url.rstrip("/")


def postgres_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 5432), timeout=2):
            return True
    except OSError:
        return False


def database_recreate(url: str, name: str) -> str:
    with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{url}/{name}"


def app_environment(database_url: str, mail_port: int | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
            # Production settings otherwise; plain HTTP on loopback has no TLS to redirect to.
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_SITE_URL": f"http://{HOST}",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    if mail_port is None:
        env["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    else:
        env.update(
            {
                "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "DJANGO_EMAIL_HOST": HOST,
                "DJANGO_EMAIL_PORT": str(mail_port),
                "DJANGO_EMAIL_TIMEOUT": "3",
            }
        )
    return env


def django_setup(env: dict[str, str]) -> None:
    """This process reads the same settings as the app (to seed and to check rows)."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("DJANGO_")})
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pt_tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(env: dict[str, str], patients: int, therapists: int):
    from django.core.management import call_command
    from django.db import connections

    from .seed import seed_load_clinic

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    clinic = seed_load_clinic(patients=patients, therapists=therapists)
    connections.close_all()
    return clinic


class Gunicorn:
    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "pt_tracker.wsgi:application",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        run = Run()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log}")
            browser = Browser(HOST, self.port, run, timeout=2)
            if browser.request("GET", "/healthz", name="ready").status == 200:
                browser.close()
                return
            browser.close()
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer /healthz in {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def manage(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def save(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": sys.version.split()[0]}
