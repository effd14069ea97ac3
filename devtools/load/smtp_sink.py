"""A tiny SMTP server on loopback that keeps every message it receives (for the mail-down run).

Speaks just enough SMTP for Django's smtplib-based backend: EHLO/HELO, MAIL, RCPT, DATA, RSET,
NOOP, QUIT. No TLS, no authentication. Standard library only.
"""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass
from email import message_from_bytes
from email.header import decode_header, make_header


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: tuple[str, ...]
    subject: str
    raw: bytes


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30
    server: _Server  # the server that made this handler

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        sink = self.server.sink
        self.reply("220 pt-tracker-loadtest ESMTP sink")
        recipients: list[str]
        sender, recipients = "", []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 pt-tracker-loadtest")
            elif verb == "MAIL":
                sender, recipients = command.partition(":")[2].strip(" <>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.partition(":")[2].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = bytearray()
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                message = message_from_bytes(bytes(data))
                subject = str(make_header(decode_header(message.get("Subject", ""))))
                sink.keep(Received(sender, tuple(recipients), subject, bytes(data)))
                self.reply("250 OK: queued")
            elif verb == "RSET":
                sender, recipients = "", []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    sink: SmtpSink  # set by SmtpSink.start() before it serves


class SmtpSink:
    """Start with `start()`, read `messages`, stop with `stop()`. Port 0 picks a free port."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, port
        self.messages: list[Received] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None

    def keep(self, message: Received) -> None:
        with self._lock:
            self.messages.append(message)

    def start(self) -> None:
        server = _Server((self.host, self.port), _Handler)
        server.sink = self
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
