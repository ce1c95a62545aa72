"""A fake postal operator speaking the VNPost-style protocol of ``operators`` over real HTTP on
127.0.0.1 (a thread): the tests start one on a free port; ``motcua postal-fake-operator`` runs
one for the demo.

It keeps its orders in memory, answers a repeated ``OrderCode`` with the order it already has
(as the real API does), and fails on demand: ``mode`` = ok | error (HTTP 500 on every API
call) | refuse (HTTP 400) | garbage (HTTP 200 with a page that is not JSON); ``down()`` closes
the port, ``up()`` reopens it on the same port.
``advance(item, code)`` moves an order on (as the postman's scanner would) and, unless told
not to, POSTs the signed callback to the order's ``CallbackUrl``. Control endpoint for the
demo: ``POST /_fake/advance`` with ``{"ItemCode": …, "StatusId": 20}``.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from motcua.postal.operators import SIGNATURE_HEADER, TIMESTAMP_HEADER, VNPOST_STATUS, sign

#: A flat freight (VND) plus this much per started 100 g above the first 100 g.
BASE_FREIGHT = 22_000
PER_100G = 2_500


@dataclass
class FakeOrder:
    order_code: str
    item_code: str
    body: dict[str, Any]
    freight: int
    status: str = "10"
    events: list[dict[str, Any]] = field(default_factory=list)


class FakeOperator:
    def __init__(self, *, secret: str, token: str = "", port: int = 0) -> None:
        self.secret = secret
        self.token = token
        self.mode = "ok"
        self.orders: dict[str, FakeOrder] = {}  # by item code
        self.requests: list[dict[str, Any]] = []
        self.callbacks: list[dict[str, Any]] = []  # what our side answered to each callback
        self._lock = threading.Lock()
        self._counter = 0
        self.port = port or self._free_port()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @staticmethod
    def _free_port() -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ---- life ------------------------------------------------------------------------------

    def up(self) -> FakeOperator:
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    start = up

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    stop = down

    def serve_forever(self) -> None:
        self.up()
        while self._thread is not None and self._thread.is_alive():
            time.sleep(0.5)

    # ---- the operator's side ------------------------------------------------------------------

    def _create(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        code = body.get("OrderCode")
        if not isinstance(code, str) or not code:
            return 400, {"Code": "E01", "Message": "Thiếu OrderCode"}
        for key in ("ReceiverFullname", "ReceiverAddress", "ReceiverTel"):
            if not body.get(key):
                return 400, {"Code": "E02", "Message": f"Thiếu {key}"}
        weight = body.get("WeightEvaluation")
        if not isinstance(weight, int) or weight <= 0:
            return 400, {"Code": "E03", "Message": "Khối lượng không hợp lệ"}
        with self._lock:
            for order in self.orders.values():
                if order.order_code == code:  # the same order again: the same answer
                    return 200, self._summary(order)
            self._counter += 1
            item = f"EB{secrets.randbelow(10**6):06d}{self._counter:03d}VN"
            freight = BASE_FREIGHT + PER_100G * max(0, (weight - 1) // 100)
            order = FakeOrder(code, item, body, freight)
            self.orders[item] = order
            self._event(order, "10", dt.datetime.now(dt.UTC), "Đơn hàng đã tạo")
        return 201, self._summary(order)

    def _summary(self, order: FakeOrder) -> dict[str, Any]:
        return {
            "ItemCode": order.item_code,
            "OrderCode": order.order_code,
            "TotalFreight": order.freight,
            "OrderStatusId": int(order.status),
            "Events": list(order.events),
        }

    def _event(self, order: FakeOrder, code: str, at: dt.datetime, note: str) -> dict[str, Any]:
        event = {
            "EventId": f"{order.item_code}-{len(order.events) + 1}",
            "ItemCode": order.item_code,
            "OrderCode": order.order_code,
            "StatusId": int(code),
            "StatusTime": at.isoformat(),
            "Note": note,
        }
        order.events.append(event)
        order.status = code
        return event

    def advance(
        self,
        item_code: str,
        code: int | str,
        *,
        at: dt.datetime | None = None,
        note: str = "",
        send: bool = True,
    ) -> dict[str, Any]:
        """Record a status of the order; POST the signed callback unless ``send`` is False."""
        code = str(code)
        if code not in VNPOST_STATUS:
            raise ValueError(f"unknown status {code}")
        with self._lock:
            event = self._event(self.orders[item_code], code, at or dt.datetime.now(dt.UTC), note)
        if send:
            self.send_callback(event)
        return event

    def signed(
        self, event: dict[str, Any], *, timestamp: int | None = None
    ) -> tuple[dict[str, str], bytes]:
        """The headers and body of the callback for ``event`` (what ``send_callback`` POSTs)."""
        body = json.dumps(event, ensure_ascii=False).encode()
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: sign(self.secret, stamp, body),
        }
        return headers, body

    def send_callback(self, event: dict[str, Any]) -> int:
        """POST the callback to the order's CallbackUrl; returns the HTTP status (0: no answer)."""
        order = self.orders[event["ItemCode"]]
        url = order.body.get("CallbackUrl") or ""
        if not url.startswith(("http://", "https://")):
            return 0
        headers, body = self.signed(event)
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status = response.status
                answer = response.read(65536)
        except urllib.error.HTTPError as exc:
            status, answer = exc.code, exc.read(65536)
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            status, answer = 0, b""
        with self._lock:
            self.callbacks.append({"event": event, "status": status, "answer": answer})
        return status

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> dict[str, Any] | None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    return None
                return body if isinstance(body, dict) else None

            def _gate(self, method: str) -> bool:
                with fake._lock:
                    fake.requests.append({"method": method, "path": self.path})
                if self.path.startswith("/_fake/"):
                    return True
                if fake.mode == "error":
                    self._answer(500, {"Code": "E99", "Message": "Lỗi hệ thống"})
                    return False
                if fake.token and self.headers.get("Token") != fake.token:
                    self._answer(401, {"Code": "E401", "Message": "Token không hợp lệ"})
                    return False
                if fake.mode == "garbage":  # a proxy's page instead of the API's JSON
                    data = b"<html>Bad gateway</html>"
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return False
                if fake.mode == "refuse":
                    self._answer(400, {"Code": "E10", "Message": "Địa chỉ ngoài vùng phục vụ"})
                    return False
                return True

            def do_GET(self) -> None:
                if not self._gate("GET"):
                    return
                parts = self.path.strip("/").split("/")
                if len(parts) == 4 and parts[:3] == ["api", "v1", "orders"]:
                    order = fake.orders.get(parts[3])
                    if order is None:
                        self._answer(404, {"Code": "E404", "Message": "Không có bưu gửi"})
                    else:
                        self._answer(200, fake._summary(order))
                    return
                self._answer(404, {"Code": "E404", "Message": "Không có"})

            def do_POST(self) -> None:
                if not self._gate("POST"):
                    return
                body = self._body()
                if body is None:
                    self._answer(400, {"Code": "E00", "Message": "JSON không hợp lệ"})
                    return
                parts = self.path.strip("/").split("/")
                if parts == ["api", "v1", "orders"]:
                    self._answer(*fake._create(body))
                elif (
                    len(parts) == 5
                    and parts[:3] == ["api", "v1", "orders"]
                    and parts[4] == "cancel"
                ):
                    order = fake.orders.get(parts[3])
                    if order is None:
                        self._answer(404, {"Code": "E404", "Message": "Không có bưu gửi"})
                    elif order.status not in ("10", "90"):
                        self._answer(409, {"Code": "E409", "Message": "Bưu gửi đã được nhận"})
                    else:
                        with fake._lock:
                            fake._event(order, "90", dt.datetime.now(dt.UTC), "Hủy đơn")
                        self._answer(200, fake._summary(order))
                elif parts == ["_fake", "advance"]:
                    item = str(body.get("ItemCode", ""))
                    if item not in fake.orders or str(body.get("StatusId")) not in VNPOST_STATUS:
                        self._answer(400, {"Code": "E00", "Message": "ItemCode/StatusId"})
                        return
                    event = fake.advance(item, str(body["StatusId"]), send=False)
                    threading.Thread(target=fake.send_callback, args=(event,), daemon=True).start()
                    self._answer(200, event)
                else:
                    self._answer(404, {"Code": "E404", "Message": "Không có"})

        return Handler
