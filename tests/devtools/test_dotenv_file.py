"""The development settings file `.env`: what `make install` writes (devtools/dotenv_file.py) and
how the settings read it (pt_tracker/settings.py, read_dotenv): real environment variables win,
with DEBUG off nothing is read unless DJANGO_READ_DOTENV asks, and tests never read it."""

import json
import os
import subprocess
import sys

from dotenv import dotenv_values

from devtools import dotenv_file
from devtools.dotenv_file import development_values, ensure_dotenv
from tests.clinical_docs import REPO_ROOT

SHOW_SETTINGS = (
    "import json; from pt_tracker import settings as s; "
    "print(json.dumps([s.DEBUG, s.SECRET_KEY, s.DATABASES['default']['ENGINE'], s.SITE_URL]))"
)


def test_a_new_file_has_debug_on_and_a_secret_key_of_its_own(tmp_path):
    path = tmp_path / ".env"

    assert ensure_dotenv(path, development_values()) == [
        "DJANGO_DEBUG",
        "DJANGO_SECRET_KEY",
        "WEBPUSH_VAPID_PUBLIC_KEY",
        "WEBPUSH_VAPID_PRIVATE_KEY",
        "WEBPUSH_VAPID_SUBJECT",
    ]
    values = dotenv_values(path)
    assert values["DJANGO_DEBUG"] == "true"
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    assert values["DJANGO_SECRET_KEY"] != development_values()["DJANGO_SECRET_KEY"]
    assert path.stat().st_mode & 0o777 == 0o600


def test_an_existing_file_keeps_its_values_and_gets_only_new_keys(tmp_path):
    path = tmp_path / ".env"
    path.write_text("DJANGO_SECRET_KEY=mine\nDJANGO_TIME_ZONE=Europe/Madrid")

    values = {**development_values(), "WEBPUSH_VAPID_PUBLIC_KEY": "abc-123"}
    added = ensure_dotenv(path, values)

    assert added == [
        "DJANGO_DEBUG",
        "WEBPUSH_VAPID_PUBLIC_KEY",
        "WEBPUSH_VAPID_PRIVATE_KEY",
        "WEBPUSH_VAPID_SUBJECT",
    ]
    written = dotenv_values(path)
    assert written["DJANGO_SECRET_KEY"] == "mine"
    assert written["DJANGO_TIME_ZONE"] == "Europe/Madrid"
    assert written["DJANGO_DEBUG"] == "true"
    assert written["WEBPUSH_VAPID_PUBLIC_KEY"] == "abc-123"
    assert ensure_dotenv(path, development_values()) == []


def test_an_install_whose_environment_turns_debug_off_writes_nothing(tmp_path, monkeypatch):
    path = tmp_path / ".env"
    monkeypatch.setenv("DJANGO_DEBUG", "false")
    assert dotenv_file.main([str(path)]) == 0
    assert not path.exists()

    monkeypatch.delenv("DJANGO_DEBUG")
    assert dotenv_file.main([str(path)]) == 0
    assert dotenv_values(path)["DJANGO_DEBUG"] == "true"


def settings_with(tmp_path, dotenv: str, **environ) -> list | str:
    """The settings a fresh process gets from `dotenv` and `environ` (nothing else of ours)."""
    path = tmp_path / "dotenv"
    path.write_text(dotenv)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))
    }
    env.update(DJANGO_DOTENV_PATH=str(path), **environ)
    done = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        return done.stderr.strip().splitlines()[-1]
    return json.loads(done.stdout)


DEV = "DJANGO_DEBUG=true\nDJANGO_SECRET_KEY='from-the-file'\nDJANGO_SITE_URL=http://dev.test\n"


def test_development_settings_come_from_the_file(tmp_path):
    debug, key, _engine, site = settings_with(tmp_path, DEV)
    assert (debug, key, site) == (True, "from-the-file", "http://dev.test")


def test_real_environment_variables_win(tmp_path):
    debug, key, _engine, site = settings_with(
        tmp_path, DEV, DJANGO_SECRET_KEY="from-the-shell", DJANGO_SITE_URL="http://shell.test"
    )
    assert (debug, key, site) == (True, "from-the-shell", "http://shell.test")


def test_with_debug_off_nothing_is_read_unless_asked(tmp_path):
    refused = settings_with(tmp_path, DEV, DJANGO_DEBUG="false")
    assert "ImproperlyConfigured: Set DJANGO_SECRET_KEY" in refused

    debug, key, _engine, site = settings_with(
        tmp_path, DEV, DJANGO_DEBUG="false", DJANGO_READ_DOTENV="1"
    )
    assert (debug, key, site) == (False, "from-the-file", "http://dev.test")

    # A file that does not turn DEBUG on is not read either.
    refused = settings_with(tmp_path, "DJANGO_SECRET_KEY=from-the-file\n")
    assert "ImproperlyConfigured: Set DJANGO_SECRET_KEY" in refused


def test_tests_never_read_a_developers_file(tmp_path):
    hostile = DEV + "DATABASE_URL=postgres://nobody@192.0.2.1:5432/nothing\n"
    debug, key, engine, site = settings_with(tmp_path, hostile, DJANGO_TESTING="true")
    assert (debug, engine, site) == (False, "django.db.backends.sqlite3", "http://127.0.0.1:8000")
    assert key != "from-the-file"
