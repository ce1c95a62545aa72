"""A fake national population database, reached as through the data-sharing platform (NDXP /
LGSP): the protocol of ``backends.HttpBackend`` over real HTTP, for the tests and the demo.

- ``POST /oauth2/token`` (HTTP Basic client id and secret, ``grant_type=client_credentials``)
  → ``{"access_token", "token_type": "Bearer", "expires_in"}``; wrong credentials → 401.
- ``POST /api/csdldc/v1/xac-thuc-cong-dan`` (``Authorization: Bearer``, JSON ``soDinhDanh``,
  ``hoVaTen``, ``ngaySinh`` (YYYY-MM-DD or empty), ``maYeuCau``) → ``{"maLoi": "00",
  "maGiaoDich", "ketQua": {"tonTai", "hoVaTen", "ngaySinh"}}``; unknown or expired token → 401.

``mode`` makes it misbehave on demand: ok | error (500 on every call) | slow (answers after
``slow_seconds``) | bad_token (the token endpoint refuses the credentials) | garbage (200 with a
body that is not JSON) | system_error (200 with ``maLoi`` "99"). ``down()`` closes the port
(connection refused), ``up()`` opens it again on the same port. ``POST /_control`` with
``{"mode": …}`` switches the mode of a running server (the demo command).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import secrets
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from motcua.popdata.matching import id_key, same_name

TOKEN_PATH = "/oauth2/token"  # noqa: S105 - a URL path
VERIFY_PATH = "/api/csdldc/v1/xac-thuc-cong-dan"
MODES = ("ok", "error", "slow", "bad_token", "garbage", "system_error")
DATASET = Path(__file__).parent / "data" / "citizens.json"


@functools.cache
def dataset() -> dict[str, dict[str, str]]:
    """The fake's residents by ID number (the demo citizens among them); read once."""
    rows = json.loads(DATASET.read_text(encoding="utf-8"))
    return {r["soDinhDanh"]: r for r in rows}


def answer(people: dict[str, dict[str, str]], body: dict[str, Any]) -> dict[str, Any]:
    """The population database's verdict on one request (also used in-process by the demo
    backend, so both speak the same rules)."""
    person = people.get(id_key(str(body.get("soDinhDanh", ""))))
    ref = "CSDLDC-" + secrets.token_hex(6).upper()
    if person is None:
        return {"maLoi": "00", "moTa": "Thành công", "maGiaoDich": ref, "ketQua": {"tonTai": False}}
    dob = str(body.get("ngaySinh") or "")
    return {
        "maLoi": "00",
        "moTa": "Thành công",
        "maGiaoDich": ref,
        "ketQua": {
            "tonTai": True,
            "hoVaTen": same_name(str(body.get("hoVaTen", "")), person["hoVaTen"]),
            "ngaySinh": (dob == person["ngaySinh"]) if dob else None,
        },
    }


class FakePopulationDb:
    def __init__(
        self,
        *,
        client_id: str = "motcua",
        client_secret: str | None = None,
        host: str = "127.0.0.1",
        port: int | None = None,
        token_seconds: int = 300,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(16)
        self.host = host
        self.port = port or self._free_port(host)
        self.token_seconds = token_seconds
        self.mode = "ok"
        self.slow_seconds = 1.5
        self.people = dict(dataset())
        self.tokens: dict[str, float] = {}  # token → expiry (monotonic)
        self.token_requests = 0
        self.verify_requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @staticmethod
    def _free_port(host: str) -> int:
        with socket.socket() as probe:
            probe.bind((host, 0))
            return int(probe.getsockname()[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    @property
    def verify_url(self) -> str:
        return self.base_url + VERIFY_PATH

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens.clear()

    def _issue(self) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.token_requests += 1
            self.tokens[token] = time.monotonic() + self.token_seconds
        return token

    def _valid(self, header: str) -> bool:
        token = header[7:] if header.startswith("Bearer ") else ""
        with self._lock:
            return self.tokens.get(token, 0) > time.monotonic()

    def _credentials_ok(self, header: str, form: dict[str, list[str]]) -> bool:
        cid, secret = form.get("client_id", [""])[0], form.get("client_secret", [""])[0]
        if header.startswith("Basic "):
            with contextlib.suppress(ValueError, UnicodeDecodeError):
                cid, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        return secrets.compare_digest(
            f"{cid}:{secret}".encode(), f"{self.client_id}:{self.client_secret}".encode()
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: Any, raw: bytes | None = None) -> None:
                data = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client gave up (timeout)
                    self.wfile.write(data)

            def do_POST(self) -> None:
                length = min(int(self.headers.get("Content-Length") or 0), 65536)
                raw = self.rfile.read(length)
                if self.path == "/_control":
                    mode = json.loads(raw or b"{}").get("mode")
                    if mode not in MODES:
                        return self._send(400, {"error": f"mode: {', '.join(MODES)}"})
                    fake.mode = mode
                    return self._send(200, {"mode": mode})
                mode = fake.mode
                if mode == "slow":
                    time.sleep(fake.slow_seconds)
                if mode == "error":
                    return self._send(500, {"maLoi": "500", "moTa": "Lỗi hệ thống"})
                if self.path == TOKEN_PATH:
                    form = urllib.parse.parse_qs(raw.decode("utf-8", "replace"))
                    ok = fake._credentials_ok(self.headers.get("Authorization", ""), form)
                    if (
                        mode == "bad_token"
                        or not ok
                        or form.get("grant_type") != ["client_credentials"]
                    ):
                        return self._send(401, {"error": "invalid_client"})
                    return self._send(
                        200,
                        {
                            "access_token": fake._issue(),
                            "token_type": "Bearer",
                            "expires_in": fake.token_seconds,
                        },
                    )
                if self.path != VERIFY_PATH:
                    return self._send(404, {"maLoi": "404", "moTa": "Không có dịch vụ"})
                if not fake._valid(self.headers.get("Authorization", "")):
                    return self._send(401, {"maLoi": "401", "moTa": "Mã truy cập không hợp lệ"})
                try:
                    body = json.loads(raw)
                except ValueError:
                    return self._send(400, {"maLoi": "400", "moTa": "Yêu cầu không hợp lệ"})
                with fake._lock:
                    fake.verify_requests.append(body)
                if mode == "garbage":
                    return self._send(200, None, raw=b"<html>Bad gateway</html>")
                if mode == "system_error":
                    return self._send(200, {"maLoi": "99", "moTa": "Hệ thống đang bảo trì"})
                return self._send(200, answer(fake.people, body))

        return Handler

    def up(self) -> FakePopulationDb:
        server = ThreadingHTTPServer((self.host, self.port), self._handler())
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def serve_forever(self) -> None:
        """For the command: serve in this thread until interrupted."""
        server = ThreadingHTTPServer((self.host, self.port), self._handler())
        server.daemon_threads = True
        self._server = server
        try:
            server.serve_forever()
        finally:
            server.server_close()
