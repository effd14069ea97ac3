"""The development settings file, `.env` (git-ignored), that `make install` writes.

`python -m devtools.dotenv_file [PATH]` writes PATH (`.env` beside manage.py by default) with
`development_values()` when it is missing, and adds only the keys it lacks when it exists, so a
developer's own values are never overwritten and a new setting (VAPID keys for web push, say)
reaches every existing `.env` by adding it to `development_values()`.

The settings read the file only in development (pt_tracker/settings.py, `read_dotenv`): real
environment variables win, and with DEBUG off nothing is read unless DJANGO_READ_DOTENV asks.
When the environment itself says DJANGO_DEBUG is off (a production install), nothing is written.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values

from reminders.vapid import new_vapid_keys

BASE_DIR = Path(__file__).resolve().parent.parent
DOTENV_PATH = BASE_DIR / ".env"
#: What the settings take for "on" (pt_tracker/settings.py, env_bool).
TRUE_WORDS = {"1", "true", "yes", "on"}

HEADER = """\
# PT Tracker development settings, written by `make install` (devtools/dotenv_file.py).
# Git-ignored: never commit it. Real environment variables win over these lines, and the
# settings ignore this file when DEBUG is off unless DJANGO_READ_DOTENV=1 (README, "Settings").
"""


def development_values() -> dict[str, str]:
    """The settings a development checkout needs: DEBUG on, a secret key of its own, and a VAPID
    key pair of its own for push reminders (issue 17)."""
    return {
        "DJANGO_DEBUG": "true",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        **new_vapid_keys(),
    }


def quoted(value: str) -> str:
    """A value as python-dotenv reads it back unchanged (single quotes: no escapes, no ${})."""
    if "'" in value or "\n" in value:
        raise ValueError("a .env value may not contain a single quote or a newline")
    return f"'{value}'"


def ensure_dotenv(path: Path, values: dict[str, str]) -> list[str]:
    """Write `values` to `path`, or add to an existing file the keys it lacks; the keys added."""
    existing = dotenv_values(path) if path.exists() else {}
    missing = [key for key in values if key not in existing]
    if not missing:
        return []
    lines = [f"{key}={quoted(values[key])}\n" for key in missing]
    if not path.exists():
        path.write_text(HEADER + "".join(lines), encoding="utf-8")
        path.chmod(0o600)
        return missing
    text = path.read_text(encoding="utf-8")
    separator = "" if text.endswith("\n") or not text else "\n"
    path.write_text(text + separator + "".join(lines), encoding="utf-8")
    return missing


def production_environment(environ: Mapping[str, str]) -> bool:
    """Whether the environment itself turns DEBUG off (an install on a server)."""
    value = environ.get("DJANGO_DEBUG")
    return value is not None and value.strip().lower() not in TRUE_WORDS


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DOTENV_PATH
    if production_environment(os.environ):
        print(f"DJANGO_DEBUG is off in the environment: {path} not written (production).")
        return 0
    added = ensure_dotenv(path, development_values())
    if added:
        print(f"{path}: development settings {', '.join(added)} written (git-ignored).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
