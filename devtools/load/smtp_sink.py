"""A tiny SMTP server on loopback that keeps every message it receives (the fault and cluster
runs).

Speaks just enough SMTP for Django's smtplib-based backend: EHLO/HELO, MAIL, RCPT, DATA, RSET,
NOOP, QUIT. No TLS, no authentication. Standard library only.

A message counts as received once its DATA ends (the final "."), as a real mail server queues it
then: a client killed before that leaves nothing, one killed after it leaves a message it may
send again. `greeting_delay` holds each connection's greeting back, as a remote server's
handshake does, so a sender spends a realistic moment connected before the message is accepted.
"""

from __future__ import annotations

import mailbox
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: tuple[str, ...]
    subject: str
    raw: bytes
    message_id: str = ""
    at: float = 0.0


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30
    server: _Server  # the server that made this handler

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        sink = self.server.sink
        if sink.on_connect is not None:
            sink.on_connect(self.client_address)
        if sink.greeting_delay:
            time.sleep(sink.greeting_delay)
        try:
            self.reply("220 pt-tracker-loadtest ESMTP sink")
            self.converse(sink)
        except (ConnectionResetError, BrokenPipeError):
            return  # a sender killed mid-conversation: nothing received from it

    def converse(self, sink: SmtpSink) -> None:
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
                data = self.read_data()
                if data is None:
                    return  # the client went away before the end of the message: not received
                message = message_from_bytes(data)
                subject = str(make_header(decode_header(message.get("Subject", ""))))
                message_id = str(message.get("Message-ID", "")).strip()
                sink.keep(
                    Received(sender, tuple(recipients), subject, data, message_id, time.monotonic())
                )
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

    def read_data(self) -> bytes | None:
        data = bytearray()
        while True:
            chunk = self.rfile.readline()
            if not chunk:
                return None
            if chunk in (b".\r\n", b".\n"):
                return bytes(data)
            data += chunk[1:] if chunk.startswith(b"..") else chunk


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    sink: SmtpSink  # set by SmtpSink.start() before it serves


class SmtpSink:
    """Start with `start()`, read `messages`, stop with `stop()`. Port 0 picks a free port."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", greeting_delay: float = 0.0):
        self.host, self.port = host, port
        self.greeting_delay = greeting_delay
        # Called with the client's address as each connection is accepted, before the greeting.
        self.on_connect: Callable[[tuple[str, int]], None] | None = None
        self.messages: list[Received] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None

    def save(self, path: Path) -> None:
        """Every message received, as an mbox file (for reading after a run)."""
        box = mailbox.mbox(path)
        for message in self.received():
            box.add(message.raw)
        box.flush()
        box.close()

    def received(self) -> list[Received]:
        with self._lock:
            return list(self.messages)

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
