"""Every management command the README shows runs exactly as written after `make install`.

The commands are the lines of the README's fenced blocks that start with
`.venv/bin/python manage.py`. Each runs in a subprocess, by bash (so `*.json` expands), from a
working folder that looks like the checkout (`.venv`, `manage.py` and `docs` linked in), with
the development settings `make install` writes (devtools/dotenv_file.py) and a database of its
own, migrated as `make install` does and seeded as `make run` does. Nothing of the test's own
environment (DJANGO_*, DATABASE_URL) leaks in: the commands see what a newcomer's shell has.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.dotenv_file import development_values, ensure_dotenv
from tests.clinical_docs import CASES, REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
FENCED = re.compile(r"^```(?:sh|bash|console)?\n(.*?)^```", re.MULTILINE | re.DOTALL)
PREFIX = ".venv/bin/python manage.py"


def readme_commands(text: str) -> list[str]:
    return [
        line.strip()
        for block in FENCED.findall(text)
        for line in block.splitlines()
        if line.strip().startswith(PREFIX)
    ]


COMMANDS = readme_commands(README)


def test_the_readme_shows_the_commands_a_newcomer_needs():
    names = {command.split()[2] for command in COMMANDS}
    assert {"replay_case", "send_due_reminders", "demo_code", "fhir_export"} <= names
    assert readme_commands("```sh\n.venv/bin/python manage.py x --y  # z\nmake run\n```\n") == [
        ".venv/bin/python manage.py x --y  # z"
    ]


@pytest.fixture
def checkout(tmp_path) -> tuple[Path, dict[str, str]]:
    """A working folder like the checkout after `make install`, and a newcomer's environment."""
    work = tmp_path / "checkout"
    work.mkdir()
    (work / ".venv").symlink_to(Path(sys.prefix))
    (work / "manage.py").symlink_to(REPO_ROOT / "manage.py")
    (work / "docs").symlink_to(REPO_ROOT / "docs")
    dotenv = tmp_path / "dotenv"
    ensure_dotenv(dotenv, development_values())
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))
    }
    env.update(DJANGO_DOTENV_PATH=str(dotenv), DJANGO_SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    return work, env


def run(command: str, work: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", command],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_every_readme_command_runs_as_written_after_make_install(checkout):
    work, env = checkout
    for setup in (f"{PREFIX} migrate --noinput", f"{PREFIX} seed_demo --verbosity 0"):
        done = run(setup, work, env)
        assert done.returncode == 0, done.stderr

    failed = []
    outputs = {}
    for command in COMMANDS:
        done = run(command, work, env)
        outputs[command.split()[2]] = done.stdout
        if done.returncode != 0:
            failed.append(f"$ {command}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    assert not failed, "\n\n".join(failed)

    verdict = outputs["replay_case"].strip().splitlines()[-1]
    assert verdict == f"{len(CASES)} of {len(CASES)} cases pass"
    assert re.fullmatch(r"\d{6}\n", outputs["demo_code"])
    assert (work / "fhir-export" / "Patient.ndjson").stat().st_size > 0


def test_make_run_listens_where_asked_and_email_links_follow():
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8080", "HOST=192.0.2.7"],
        cwd=REPO_ROOT,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SITE_URL"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dry_run.returncode == 0, dry_run.stderr
    assert "manage.py runserver 192.0.2.7:8080" in dry_run.stdout
    assert "Open http://192.0.2.7:8080/" in dry_run.stdout

    default = subprocess.run(
        ["make", "-n", "run", "HOST=0.0.0.0"],
        cwd=REPO_ROOT,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SITE_URL"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "manage.py runserver 0.0.0.0:8000" in default.stdout
    assert "Open http://127.0.0.1:8000/" in default.stdout
