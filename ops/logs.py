"""Log records as PT Tracker writes them (settings.LOGGING): JSON lines in production, text in
development, each with the request id of the request that wrote it, and no health data.

What keeps health data out of the logs (docs/operations.md, "Logs"):
- the application's own log lines name records by id, never by content;
- the access log line (ops.middleware) names the view, never the path or the query string
  (paths carry tokens, query strings carry searches);
- axes' lines name the IP address and the path, never the email address that was tried
  (``axes_client_str``);
- and as a last guard both formatters replace anything shaped like an email address, for
  instance in an SMTP error that quotes the recipient.

This module is imported while settings are configured: it imports no model.
"""

from __future__ import annotations

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest

#: The id of the request being answered in this thread or task ("-" outside a request).
request_id: ContextVar[str] = ContextVar("request_id", default="-")

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
REDACTED = "[email]"

# The attributes every LogRecord has; anything else was passed with ``extra=`` and is kept.
_STANDARD = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys() | {"message", "asctime"}
)


def redact(text: str) -> str:
    return EMAIL.sub(REDACTED, text)


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (``%(request_id)s``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, the fields
    passed with ``extra=`` and the exception, if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return redact(json.dumps(entry, default=str, ensure_ascii=False))


class TextFormatter(logging.Formatter):
    """The development format, redacted like the JSON one."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return redact(super().format(record))


def axes_client_str(
    username: str, ip_address: str, user_agent: str, path_info: Any, request: HttpRequest
) -> str:
    """How axes names a client in its log lines (AXES_CLIENT_STR_CALLABLE): the IP address and
    the path, not the username, which is an email address."""
    if isinstance(path_info, tuple | list):
        path_info = path_info[0] if path_info else ""
    return f'{{ip_address: "{ip_address}", path_info: "{path_info}"}}'
