"""The sandbox gateway refuses what a real gateway refuses; the merchant's query client refuses
answers it cannot trust; edges of the services."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.test import Client, RequestFactory
from django.utils import timezone

from motcua.core.errors import DomainError, IllegalTransition, ValidationFailed
from motcua.dossiers.models import Dossier, Status
from motcua.payments import gateway as gw
from motcua.payments import services as svc
from motcua.payments.models import GatewayNotification, PaymentRequest
from motcua.paysandbox import services as sandbox
from motcua.paysandbox.models import SandboxStatus, SandboxTransaction
from tests.payments.conftest import Paying, sign

PAY = "/cong-thanh-toan-thu-nghiem/paymentv2/vpcpay.html"


def _request(**over: str) -> dict[str, str]:
    now = timezone.now()
    params = {
        "vnp_Version": "2.1.0",
        "vnp_Command": "pay",
        "vnp_TmnCode": "MOTCUA01",
        "vnp_Amount": "100000000",
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": "MC1T1",
        "vnp_OrderInfo": "Thanh toan",
        "vnp_ReturnUrl": "http://testserver/thanh-toan/vnpay/ket-qua/",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_CreateDate": gw.stamp(now),
        "vnp_ExpireDate": gw.stamp(now + dt.timedelta(minutes=15)),
    }
    params.update(over)
    return sign(params)


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"vnp_TmnCode": "KHAC0001"}, "mã lỗi 02"),
        ({"vnp_Command": "refund"}, "mã lỗi 03"),
        ({"vnp_CurrCode": "USD"}, "mã lỗi 03"),
        ({"vnp_Amount": "0"}, "mã lỗi 04"),
        ({"vnp_Amount": "-5"}, "mã lỗi 04"),
        ({"vnp_Amount": "1" * 16}, "mã lỗi 04"),
        ({"vnp_TxnRef": ""}, "mã lỗi 03"),
        ({"vnp_TxnRef": "x" * 41}, "mã lỗi 03"),
        ({"vnp_ReturnUrl": "javascript:alert(1)"}, "mã lỗi 03"),
        ({"vnp_ReturnUrl": "/tuong-doi/"}, "mã lỗi 03"),
        ({"vnp_ExpireDate": "20200101000000"}, "mã lỗi 11"),
    ],
)
def test_sandbox_refuses_bad_requests(db: None, over: dict, message: str) -> None:
    resp = Client().get(PAY, _request(**over))
    assert resp.status_code == 400 and message in resp.content.decode()
    assert not SandboxTransaction.objects.exists()


def test_sandbox_api_takes_a_body_nested_too_deep_as_no_body(db: None) -> None:
    """Found by a probe: the merchant API's body, nested 15,000 deep, escaped ``except
    ValueError`` as a RecursionError (a 500, without a login)."""
    resp = Client().post(
        "/cong-thanh-toan-thu-nghiem/merchant_webapi/api/transaction",
        "[" * 15_000 + "]" * 15_000,
        content_type="application/json",
    )
    assert resp.status_code == 200
    bad = Client().post(
        "/cong-thanh-toan-thu-nghiem/merchant_webapi/api/transaction",
        "not json",
        content_type="application/json",
    )
    varying = {"vnp_ResponseId", "vnp_SecureHash"}  # a new id and its signature each answer
    assert {k: v for k, v in resp.json().items() if k not in varying} == {
        k: v for k, v in bad.json().items() if k not in varying
    }
    assert resp.json()["vnp_ResponseCode"] != "00"


def test_sandbox_api_takes_a_lone_surrogate_as_a_bad_checksum(db: None) -> None:
    """JSON may carry a lone surrogate (\\ud800); signed over, its UTF-8 encoding raised (a 500,
    without a login). Now a checksum that cannot match: answer 97, signed."""
    body = {f: "x" for f in gw.LIST_REQUEST_FIELDS}
    body.update({"vnp_RequestId": "\ud800", "vnp_SecureHash": "ab" * 64})
    resp = Client().post(
        "/cong-thanh-toan-thu-nghiem/merchant_webapi/api/transaction",
        json.dumps(body),
        content_type="application/json",
    )
    assert resp.status_code == 200
    assert resp.json()["vnp_ResponseCode"] == "97"
    assert not gw.verify_json(body, gw.LIST_REQUEST_FIELDS)


@pytest.mark.parametrize("day", ["2026-11-30", "9999-12-31", "0001-01-01", "2026-02-30", "x"])
def test_sandbox_api_answers_any_signed_date(db: None, day: str) -> None:
    """The last day a date can hold has no next midnight, the first none in UTC: a signed list
    request for 9999-12-31 or 0001-01-01 was an OverflowError (a 500); now 'Invalid date'."""
    body = gw.sign_json(
        {
            "vnp_RequestId": "r1",
            "vnp_Version": gw.VERSION,
            "vnp_Command": "list",
            "vnp_TmnCode": gw.tmn_code(),
            "vnp_TransactionDate": day,
            "vnp_CreateDate": gw.stamp(timezone.now()),
            "vnp_IpAddr": "127.0.0.1",
        },
        gw.LIST_REQUEST_FIELDS,
    )
    resp = Client().post(
        "/cong-thanh-toan-thu-nghiem/merchant_webapi/api/transaction",
        json.dumps(body),
        content_type="application/json",
    )
    assert resp.status_code == 200
    answer = resp.json()
    assert answer["vnp_ResponseCode"] == ("00" if day == "2026-11-30" else "03")
    assert gw.verify_json(answer, gw.LIST_RESPONSE_FIELDS)


def test_sandbox_decisions(db: None, settings: Any) -> None:
    settings.PAYMENT_SANDBOX_IPN_URL = "ftp://khong-duoc/"
    bank = Client()
    assert bank.get(PAY, _request()).status_code == 200
    t = SandboxTransaction.objects.get()
    url = f"/cong-thanh-toan-thu-nghiem/giao-dich/{t.token}/"
    assert bank.post(url, {"decision": "rut-tien"}).status_code == 400
    assert bank.post("/cong-thanh-toan-thu-nghiem/giao-dich/khong-co/", {}).status_code == 404
    assert bank.get(url).status_code == 405
    resp = bank.post(url, {"decision": "pay"})
    assert resp.status_code == 302
    t.refresh_from_db()
    assert t.status == SandboxStatus.SUCCESS and t.ipn_answer == "địa chỉ IPN không hợp lệ"
    # decided once only; the same order reference cannot be paid again
    assert bank.post(url, {"decision": "cancel"}).status_code == 400
    assert "mã lỗi 94" in bank.get(PAY, _request()).content.decode()
    with pytest.raises(ValidationFailed):
        sandbox.txn_decide(token="khong-co", pay=True)


class _Gateway(BaseHTTPRequestHandler):
    answer: dict = {}

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps(self.answer).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_gateway(settings: Any) -> Iterator[type[_Gateway]]:
    handler = type("Handler", (_Gateway,), {"answer": {}})
    httpd = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    settings.PAYMENT_GATEWAY_API_URL = f"http://127.0.0.1:{httpd.server_address[1]}/api"
    yield handler
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ({"vnp_ResponseCode": "01", "vnp_Message": "Loi"}, "gateway_refused"),
        ({"vnp_ResponseCode": "00", "vnp_Transactions": "khong"}, "gateway_bad_answer"),
    ],
)
def test_query_client_refuses(fake_gateway: Any, answer: dict, code: str) -> None:
    fake_gateway.answer = gw.sign_json(answer, gw.LIST_RESPONSE_FIELDS)
    with pytest.raises(gw.GatewayError) as exc:
        gw.list_transactions(dt.date(2026, 1, 1), now=timezone.now())
    assert exc.value.code == code


def test_query_client_keeps_rows_only(fake_gateway: Any, settings: Any) -> None:
    fake_gateway.answer = gw.sign_json(
        {"vnp_ResponseCode": "00", "vnp_Transactions": [{"vnp_TxnRef": "A"}, "x", 3]},
        gw.LIST_RESPONSE_FIELDS,
    )
    assert gw.list_transactions(dt.date(2026, 1, 1), now=timezone.now()) == [{"vnp_TxnRef": "A"}]
    settings.PAYMENT_GATEWAY_API_URL = "file:///etc/passwd"
    with pytest.raises(gw.GatewayError, match="không hợp lệ"):
        gw.list_transactions(dt.date(2026, 1, 1), now=timezone.now())


def test_secret_generated_once_into_the_var_dir(settings: Any, tmp_path: Path) -> None:
    settings.PAYMENT_GATEWAY_SECRET = ""
    settings.VAR_DIR = tmp_path
    first = gw.secret()
    assert len(first) == 64 and gw.secret() == first
    path = tmp_path / "payment-gateway-secret"
    assert path.read_text() == first and path.stat().st_mode & 0o777 == 0o600


# ---- services: edges ---------------------------------------------------------------------------


def test_start_refused_for_dossiers_not_payable(paying: Paying) -> None:
    Dossier.objects.filter(pk=paying.dossier.pk).update(status=Status.WITHDRAWN)
    with pytest.raises(IllegalTransition, match="trạng thái"):
        svc.payment_start_online(user=paying.citizen, payment=paying.payment)
    with pytest.raises(ValidationFailed):
        svc.payment_start_online(
            user=paying.citizen,
            payment=paying.payment,
            now=dt.datetime(2026, 1, 1),  # noqa: DTZ001
        )


def test_service_guards(paying: Paying) -> None:
    counter = paying.world.users["counter"]
    with pytest.raises(ValidationFailed):
        svc.payment_record_counter(actor=counter, payment=paying.payment, channel="online")
    with pytest.raises(ValidationFailed):
        svc.payment_record_counter(actor=counter, payment=paying.payment, channel="transfer")
    with pytest.raises(ValidationFailed):
        svc.payment_cancel(actor=counter, payment=paying.payment, reason="  ")
    svc.payment_cancel(actor=counter, payment=paying.payment, reason="Miễn")
    with pytest.raises(IllegalTransition):
        svc.payment_cancel(actor=counter, payment=paying.payment, reason="Miễn")
    with pytest.raises(IllegalTransition):
        svc.payment_start_online(user=paying.citizen, payment=paying.payment)
    with pytest.raises(ValueError, match="kind"):
        svc.gateway_notification_process(kind="kind", params={})
    assert PaymentRequest.objects.get().status == "cancelled"
    assert not GatewayNotification.objects.exists()


def test_admin_is_read_only(paying: Paying) -> None:
    req = RequestFactory().get("/")
    req.user = paying.world.users["counter"]
    for model in (PaymentRequest, GatewayNotification, SandboxTransaction):
        admin = site._registry[model]
        assert not admin.has_add_permission(req)
        assert not admin.has_change_permission(req, None)
    assert not site._registry[PaymentRequest].has_delete_permission(req, None)


def test_errors_are_domain_errors() -> None:
    assert issubclass(gw.GatewayError, DomainError)
    assert issubclass(sandbox.SandboxRefused, DomainError)
