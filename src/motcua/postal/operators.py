"""The postal operator adapter: one small interface, the operator chosen by
``MOTCUA_POSTAL_OPERATOR`` (a dotted path, like the SMS backends of ``integrations.sms``).

An operator has four doors (``PostalOperator``): ``create_shipment`` (place an order, get the
shipment number — the "item code" — and the freight), ``track`` (the statuses so far),
``cancel``, and ``parse_callback`` (check and read a status callback the operator POSTs to us).
It is called outside any database transaction, and raises ``OperatorUnavailable`` (no answer,
5xx: try again later) or ``OperatorRefused`` (the operator said no, 4xx) — both leave our side
unchanged. ``parse_callback`` raises ``CallbackRejected`` carrying the HTTP status to answer.

``VNPostOperator`` implements the VNPost-style public-service API over HTTP/JSON described in
``docs/postal.md``: an order with sender, receiver, weight and COD amount, answered with the
``ItemCode``; numeric status codes; callbacks signed with HMAC-SHA256 in a header over the
timestamp and the raw body. ``motcua postal-fake-operator`` (``postal.fakeoperator``) speaks
the same protocol for the tests and the demo.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.core.errors import DomainError
from motcua.core.text import json_loads
from motcua.postal.models import ShipmentStatus


class OperatorUnavailable(DomainError):
    code = "postal_unavailable"


class OperatorRefused(DomainError):
    code = "postal_refused"


class CallbackRejected(DomainError):
    code = "bad_callback"

    def __init__(self, message: str, *, code: str, status: int = 400) -> None:
        super().__init__(message, code=code)
        self.status = status


@dataclass(frozen=True)
class Order:
    order_code: str  # our idempotency key
    sender_name: str
    sender_address: str
    sender_phone: str
    receiver_name: str
    receiver_address: str
    receiver_phone: str
    receiver_ward_code: str
    content: str
    weight_g: int
    cod_vnd: int  # what the postman collects from the receiver (the freight when COD)
    receiver_pays_freight: bool
    callback_url: str


@dataclass(frozen=True)
class Created:
    item_code: str
    fee_vnd: int
    status: str
    operator_code: str


@dataclass(frozen=True)
class StatusReport:
    event_id: str
    item_code: str
    status: str  # a ShipmentStatus
    operator_code: str
    at: dt.datetime
    note: str = ""


class PostalOperator(Protocol):
    name: str

    def create_shipment(self, order: Order) -> Created: ...

    def track(self, item_code: str) -> list[StatusReport]: ...

    def cancel(self, item_code: str) -> None: ...

    def parse_callback(
        self, *, headers: Mapping[str, str], body: bytes, now: dt.datetime
    ) -> StatusReport: ...


def operator() -> PostalOperator:
    path = getattr(settings, "MOTCUA_POSTAL_OPERATOR", "motcua.postal.operators.VNPostOperator")
    return import_string(path)()  # type: ignore[no-any-return]


# ---- the VNPost-style protocol ------------------------------------------------------------------

#: Operator status code → our status (docs/postal.md).
VNPOST_STATUS = {
    "10": ShipmentStatus.CREATED,
    "20": ShipmentStatus.PICKED_UP,
    "30": ShipmentStatus.IN_TRANSIT,
    "40": ShipmentStatus.DELIVERY_FAILED,
    "50": ShipmentStatus.DELIVERED,
    "60": ShipmentStatus.RETURNING,
    "70": ShipmentStatus.RETURNED,
    "90": ShipmentStatus.CANCELLED,
}
SIGNATURE_HEADER = "X-VNPost-Signature"
TIMESTAMP_HEADER = "X-VNPost-Timestamp"
#: A callback older or newer than this (seconds) is refused as a replay.
CALLBACK_WINDOW = 300


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def parse_time(value: object) -> dt.datetime | None:
    """An ISO 8601 instant with its offset (the protocol's times), else None."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def report_from(data: Any, item_code: str | None = None) -> StatusReport | None:
    """One status event of the protocol (callback body or an entry of ``Events``), or None."""
    if not isinstance(data, dict):
        return None
    code = str(data.get("StatusId", ""))
    at = parse_time(data.get("StatusTime"))
    event_id = data.get("EventId")
    item = item_code or data.get("ItemCode")
    if (
        code not in VNPOST_STATUS
        or at is None
        or not isinstance(event_id, str)
        or not 0 < len(event_id) <= 80
        or not isinstance(item, str)
        or not 0 < len(item) <= 40
    ):
        return None
    note = data.get("Note", "")
    return StatusReport(
        event_id=event_id,
        item_code=item,
        status=VNPOST_STATUS[code],
        operator_code=code,
        at=at,
        note=str(note)[:500] if note else "",
    )


class VNPostOperator:
    """The HTTP/JSON client of the operator's API (``MOTCUA_POSTAL_URL``, token
    ``MOTCUA_POSTAL_TOKEN``; callbacks signed with ``MOTCUA_POSTAL_SECRET``)."""

    name = "vnpost"
    timeout = 10

    def __init__(self) -> None:
        self.base = getattr(settings, "MOTCUA_POSTAL_URL", "").rstrip("/")
        self.token = getattr(settings, "MOTCUA_POSTAL_TOKEN", "")
        self.secret = getattr(settings, "MOTCUA_POSTAL_SECRET", "")
        self.customer = getattr(settings, "MOTCUA_POSTAL_CUSTOMER_CODE", "MOTCUA")

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if not self.base.startswith(("http://", "https://")):
            raise OperatorUnavailable(
                "Chưa cấu hình kết nối với doanh nghiệp bưu chính (MOTCUA_POSTAL_URL)",
                code="postal_not_configured",
            )
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
            self.base + path,
            data=data,
            method=method,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Token": self.token,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(1 << 20)
        except urllib.error.HTTPError as exc:
            if exc.code >= 500:
                raise OperatorUnavailable(
                    f"Hệ thống bưu chính đang lỗi (HTTP {exc.code}), vui lòng thử lại sau",
                    code="postal_unavailable",
                ) from None
            try:
                answer = json_loads(exc.read(65536) or b"{}")
            except ValueError:
                answer = {}
            message = answer.get("Message") if isinstance(answer, dict) else None
            raise OperatorRefused(
                f"Bưu chính từ chối yêu cầu (HTTP {exc.code}): {message or 'không rõ lý do'}",
                code="postal_refused",
            ) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise OperatorUnavailable(
                "Không kết nối được hệ thống bưu chính, vui lòng thử lại sau "
                f"({getattr(exc, 'reason', exc)})",
                code="postal_unavailable",
            ) from None
        try:
            return json_loads(raw or b"{}")
        except ValueError:
            raise OperatorUnavailable(
                "Hệ thống bưu chính trả lời không đọc được", code="postal_bad_answer"
            ) from None

    def create_shipment(self, order: Order) -> Created:
        answer = self._call(
            "POST",
            "/api/v1/orders",
            {
                "OrderCode": order.order_code,
                "CustomerCode": self.customer,
                "ServiceName": "HCC",  # hành chính công: returns of public-service results
                "SenderFullname": order.sender_name,
                "SenderAddress": order.sender_address,
                "SenderTel": order.sender_phone,
                "ReceiverFullname": order.receiver_name,
                "ReceiverAddress": order.receiver_address,
                "ReceiverTel": order.receiver_phone,
                "ReceiverWardCode": order.receiver_ward_code,
                "PackageContent": order.content,
                "WeightEvaluation": order.weight_g,
                "CodAmountEvaluation": order.cod_vnd,
                "IsReceiverPayFreight": order.receiver_pays_freight,
                "CallbackUrl": order.callback_url,
            },
        )
        item = answer.get("ItemCode") if isinstance(answer, dict) else None
        code = str(answer.get("OrderStatusId", "10")) if isinstance(answer, dict) else ""
        fee = answer.get("TotalFreight") if isinstance(answer, dict) else None
        if (
            not isinstance(item, str)
            or not 0 < len(item) <= 40
            or not isinstance(fee, int)
            or isinstance(fee, bool)
            or fee < 0
            or code not in VNPOST_STATUS
        ):
            raise OperatorUnavailable(
                "Hệ thống bưu chính trả lời thiếu số hiệu bưu gửi hoặc cước",
                code="postal_bad_answer",
            )
        return Created(item_code=item, fee_vnd=fee, status=VNPOST_STATUS[code], operator_code=code)

    def track(self, item_code: str) -> list[StatusReport]:
        answer = self._call("GET", "/api/v1/orders/" + urllib.parse.quote(item_code, safe=""))
        events = answer.get("Events") if isinstance(answer, dict) else None
        if not isinstance(events, list):
            raise OperatorUnavailable(
                "Hệ thống bưu chính trả lời không có hành trình", code="postal_bad_answer"
            )
        reports = [report_from(e, item_code) for e in events]
        return [r for r in reports if r is not None]

    def cancel(self, item_code: str) -> None:
        self._call("POST", "/api/v1/orders/" + urllib.parse.quote(item_code, safe="") + "/cancel")

    def parse_callback(
        self, *, headers: Mapping[str, str], body: bytes, now: dt.datetime
    ) -> StatusReport:
        if not self.secret:
            raise CallbackRejected(
                "Chưa cấu hình khóa xác thực thông báo bưu chính",
                code="postal_not_configured",
                status=503,
            )
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        signature = headers.get(SIGNATURE_HEADER, "")
        # compared as bytes: compare_digest refuses a text outside ASCII (TypeError), and a
        # header is any Latin-1 text
        given = signature.encode("latin-1", "replace")
        if not hmac.compare_digest(sign(self.secret, timestamp, body).encode(), given):
            raise CallbackRejected("Sai chữ ký thông báo", code="bad_signature", status=401)
        if (
            not (timestamp.isascii() and timestamp.isdigit())
            or abs(int(timestamp) - now.timestamp()) > CALLBACK_WINDOW
        ):
            raise CallbackRejected(
                "Thông báo quá cũ hoặc gửi lại (ngoài khoảng thời gian cho phép)",
                code="stale_callback",
                status=401,
            )
        try:
            data = json_loads(body)
        except ValueError:
            raise CallbackRejected("Nội dung JSON không đọc được", code="bad_json") from None
        report = report_from(data)
        if report is None:
            raise CallbackRejected(
                "Thông báo thiếu hoặc sai EventId, ItemCode, StatusId, StatusTime",
                code="bad_callback",
            )
        return report
