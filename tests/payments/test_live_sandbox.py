"""The whole round trip over real HTTP: the citizen is redirected to the sandbox gateway
(served by ``live_server``), pays or cancels there, the sandbox calls this system's IPN URL
server-to-server and sends the browser back; then the day is reconciled against the sandbox's
own records through its signed query API."""

from __future__ import annotations

import io
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from motcua.dossiers.models import Dossier
from motcua.payments import gateway as gw
from motcua.payments.models import GatewayNotification, PaymentStatus, Receipt
from motcua.paysandbox.models import SandboxStatus, SandboxTransaction
from tests.payments.conftest import Paying

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(live_server: Any, settings: Any) -> str:
    base = live_server.url
    settings.PAYMENT_GATEWAY_URL = f"{base}/cong-thanh-toan-thu-nghiem/paymentv2/vpcpay.html"
    settings.PAYMENT_GATEWAY_API_URL = (
        f"{base}/cong-thanh-toan-thu-nghiem/merchant_webapi/api/transaction"
    )
    settings.PAYMENT_SANDBOX_IPN_URL = f"{base}/thanh-toan/vnpay/ipn/"
    return base


def _local(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _to_gateway(p: Paying, live: str) -> str:
    """Press "Thanh toán trực tuyến": the redirect to the gateway's page (path and query)."""
    resp = p.client.post(f"/thanh-toan/ho-so/{p.dossier.pk}/truc-tuyen/")
    assert resp.status_code == 302 and resp["Location"].startswith(live)
    return _local(resp["Location"])


def _decide(p: Paying, gateway_page: str, decision: str) -> str:
    bank = Client()  # the gateway's own site: another origin, no citizen session
    page = bank.get(gateway_page)
    assert page.status_code == 200 and "1.000.000 đồng" in page.content.decode()
    t = SandboxTransaction.objects.get()
    resp = bank.post(f"/cong-thanh-toan-thu-nghiem/giao-dich/{t.token}/", {"decision": decision})
    assert resp.status_code == 302
    return resp["Location"]


def _reconcile(day: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("payments_reconcile", "--date", day, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_pay_through_the_sandbox_then_reconcile(paying: Paying, live: str) -> None:
    back = _decide(paying, _to_gateway(paying, live), "pay")
    # the IPN has already arrived, server to server, over HTTP
    t = SandboxTransaction.objects.get()
    assert t.status == SandboxStatus.SUCCESS and '"RspCode": "00"' in t.ipn_answer
    ipn = GatewayNotification.objects.get(kind="ipn")
    assert ipn.verdict == "confirmed" and ipn.remote_addr == "127.0.0.1"
    paying.payment.refresh_from_db()
    assert paying.payment.status == PaymentStatus.PAID
    assert Dossier.objects.get(pk=paying.dossier.pk).online_payment_vnd == 1_000_000
    # the browser comes back: a verified duplicate, the page says it is paid
    assert back.startswith("http://testserver/thanh-toan/vnpay/ket-qua/?")
    page = paying.client.get(_local(back))
    assert page.status_code == 200 and "Thanh toán thành công" in page.content.decode()
    assert GatewayNotification.objects.get(kind="return").verdict == "duplicate"
    # the citizen's e-receipt
    pdf = paying.client.get(f"/thanh-toan/ho-so/{paying.dossier.pk}/bien-lai/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(pg.extract_text() for pg in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text and "1.000.000 đồng" in text
    assert "Một triệu đồng" in text and f"Số: {Receipt.objects.get().number:07d}" in text
    # reconciliation with the sandbox's records: everything matches
    day = timezone.localdate().isoformat()
    code, out = _reconcile(day)
    assert code == 0, out
    assert "đã thu 1 khoản, 1.000.000 đồng" in out and "Khớp" in out
    # the gateway's record and ours disagree: the command lists it and exits 1
    SandboxTransaction.objects.filter(pk=t.pk).update(amount=200_000_000)
    code, out = _reconcile(day)
    assert code == 1 and "Số tiền khác nhau" in out and t.txn_ref in out


def test_cancel_at_the_sandbox(paying: Paying, live: str) -> None:
    back = _decide(paying, _to_gateway(paying, live), "cancel")
    paying.payment.refresh_from_db()
    assert paying.payment.status == PaymentStatus.FAILED
    page = paying.client.get(_local(back))
    assert "Bạn đã hủy giao dịch" in page.content.decode()
    # a second attempt gets its own order reference at the gateway
    gateway_page = _to_gateway(paying, live)
    assert "vnp_TxnRef=MC" in gateway_page and "T2" in gateway_page


def test_a_success_the_system_missed_is_caught(paying: Paying, live: str, settings: Any) -> None:
    """The IPN cannot reach the system and the browser never comes back: reconciliation
    finds the gateway's success that the system has not recorded."""
    settings.PAYMENT_SANDBOX_IPN_URL = f"{live}/khong-co/"
    _decide(paying, _to_gateway(paying, live), "pay")
    paying.payment.refresh_from_db()
    assert paying.payment.status == PaymentStatus.PENDING
    assert "404" in SandboxTransaction.objects.get().ipn_answer
    code, out = _reconcile(timezone.localdate().isoformat())
    assert code == 1 and "Cổng báo thành công, hệ thống chưa ghi nhận" in out


class _Impostor(BaseHTTPRequestHandler):
    """A "gateway" that answers with a signature made with another secret."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps(
            gw.sign_json(
                {"vnp_ResponseCode": "00", "vnp_Transactions": []},
                gw.LIST_RESPONSE_FIELDS,
                key="khoa-khac",
            )
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("server", ["impostor", "nobody"])
def test_reconcile_refuses_an_untrusted_gateway(db: None, settings: Any, server: str) -> None:
    httpd = HTTPServer(("127.0.0.1", 0), _Impostor)
    port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    if server == "impostor":
        thread.start()
    else:
        httpd.server_close()
    settings.PAYMENT_GATEWAY_API_URL = f"http://127.0.0.1:{port}/api"
    err = io.StringIO()
    try:
        with pytest.raises(SystemExit) as exc:
            call_command("payments_reconcile", "--date", "2026-01-01", stderr=err)
    finally:
        if server == "impostor":
            httpd.shutdown()
            httpd.server_close()
    assert exc.value.code == 2
    expected = "gateway_bad_signature" if server == "impostor" else "gateway_unreachable"
    assert f"lỗi [{expected}]" in err.getvalue()


def test_reconcile_bad_date(db: None) -> None:
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("payments_reconcile", "--date", "2026-13-01", stderr=err)
    assert exc.value.code == 2 and "lỗi [bad_date]" in err.getvalue()


def test_sandbox_refuses_forged_requests(paying: Paying, live: str) -> None:
    page = _to_gateway(paying, live)
    bank = Client()
    forged = page.replace("vnp_Amount=100000000", "vnp_Amount=100")
    resp = bank.get(forged)
    assert resp.status_code == 400 and "Sai chữ ký" in resp.content.decode()
    assert not SandboxTransaction.objects.exists()
    assert bank.get(page).status_code == 200
    assert bank.get(page).status_code == 200  # the same pending order shows again
    assert SandboxTransaction.objects.count() == 1
