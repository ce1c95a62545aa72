"""A fake national public-service portal: a real HTTP server on 127.0.0.1 (a thread) that
records what it receives, deduplicates by event id as the real receiver must, and fails on
demand: ``mode`` = ok | error (500, nothing kept) | lost (kept, but answers 500: the sender
never learns) | slow (kept, answers after the sender's timeout) | reject_auth (401); ``down()``
closes the port (connection refused) and ``up()`` opens it again on the same port."""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakePortal:
    def __init__(self) -> None:
        self.token = secrets.token_urlsafe(16)  # made per test run, never in the repo
        self.mode = "ok"
        self.slow_seconds = 1.0
        self.requests: list[dict[str, Any]] = []  # every request that reached the server
        self.accepted: list[dict[str, Any]] = []  # kept messages, first copy of each event id
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self.port = self._free_port()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @staticmethod
    def _free_port() -> int:
        """A port the system has free now; the portal keeps it across its outages (restarts)."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/dong-bo-ho-so"

    def _keep(self, body: dict[str, Any]) -> bool:
        with self._lock:
            if body["event_id"] in self._seen:
                return False
            self._seen.add(body["event_id"])
            self.accepted.append(body)
            return True

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                body = json.loads(raw)
                with portal._lock:
                    portal.requests.append(
                        {
                            "body": body,
                            "authorization": self.headers.get("Authorization"),
                            "idempotency_key": self.headers.get("Idempotency-Key"),
                            "content_type": self.headers.get("Content-Type"),
                        }
                    )
                mode = portal.mode
                if self.headers.get("Authorization") != f"Bearer {portal.token}":
                    self._answer(401, {"error": "unauthorized"})
                    return
                if mode == "error":
                    self._answer(500, {"error": "internal"})
                    return
                kept = portal._keep(body)
                if mode == "lost":
                    self._answer(500, {"error": "gateway"})
                    return
                if mode == "slow":
                    time.sleep(portal.slow_seconds)
                with contextlib.suppress(OSError):  # the sender gave up (slow mode)
                    self._answer(200, {"ok": True, "duplicate": not kept})

        return Handler

    def up(self) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def by_dossier(self) -> dict[int, list[int]]:
        """The sequence numbers kept per dossier, in arrival order."""
        out: dict[int, list[int]] = {}
        for m in self.accepted:
            out.setdefault(m["dossier_id"], []).append(m["sequence"])
        return out
