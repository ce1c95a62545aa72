"""The gateway's notifications (IPN and browser return): only a genuine, well-formed, exact
notification about a pending attempt changes anything; everything is logged; replays are
answered "already confirmed" and change nothing."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest
from django.test import Client

from motcua.dossiers.models import Dossier, Outbox
from motcua.payments import services as svc
from motcua.payments.models import (
    GatewayNotification,
    PaymentAttempt,
    PaymentStatus,
    Receipt,
    Verdict,
)
from tests.payments.conftest import TMN, Paying, gateway_answer, sign

IPN = "/thanh-toan/vnpay/ipn/"
RETURN = "/thanh-toan/vnpay/ket-qua/"


def _attempt(p: Paying) -> PaymentAttempt:
    return svc.payment_start_online(user=p.citizen, payment=p.payment)


def _ipn(params: dict[str, str] | str) -> dict[str, Any]:
    query = params if isinstance(params, str) else urllib.parse.urlencode(params)
    resp = Client().get(f"{IPN}?{query}")
    assert resp.status_code == 200
    return resp.json()


def _state(p: Paying) -> tuple:
    p.payment.refresh_from_db()
    d = Dossier.objects.get(pk=p.dossier.pk)
    return (
        p.payment.status,
        d.online_payment_vnd,
        Receipt.objects.count(),
        Outbox.objects.filter(topic="payment.confirmed").count(),
    )


def test_genuine_ipn_confirms_once(paying: Paying) -> None:
    a = _attempt(paying)
    assert _ipn(gateway_answer(a.txn_ref, 1_000_000)) == {
        "RspCode": "00",
        "Message": "Confirm Success",
    }
    assert _state(paying) == (PaymentStatus.PAID, 1_000_000, 1, 1)
    p = paying.payment
    assert (p.channel, p.gateway_txn_ref, p.gateway_txn_no) == ("online", a.txn_ref, "14000001")
    receipt = Receipt.objects.get()
    assert (receipt.number, receipt.amount_vnd, receipt.payer_name) == (
        1,
        1_000_000,
        "Nguyễn Văn An",
    )
    row = Outbox.objects.get(topic="payment.confirmed")
    assert row.payload["receipt"] == receipt.label and row.payload["channel"] == "online"
    # replayed: answered "already confirmed", nothing changes
    assert _ipn(gateway_answer(a.txn_ref, 1_000_000))["RspCode"] == "02"
    assert _state(paying) == (PaymentStatus.PAID, 1_000_000, 1, 1)
    verdicts = list(GatewayNotification.objects.order_by("id").values_list("verdict", flat=True))
    assert verdicts == [Verdict.CONFIRMED, Verdict.DUPLICATE]


@pytest.mark.parametrize(
    ("make", "rsp", "verdict"),
    [
        (
            lambda ref: sign(gateway_answer(ref, 1_000_000), secret="khoa-gia"),
            "97",
            "bad_signature",
        ),
        (lambda ref: {**gateway_answer(ref, 1_000_000), "vnp_Amount": "1"}, "97", "bad_signature"),
        (lambda ref: gateway_answer(ref, 999_999), "04", "wrong_amount"),
        (lambda ref: gateway_answer(ref, 10_000), "04", "wrong_amount"),
        (lambda ref: gateway_answer(ref, 1_000_000, vnp_Amount="1e8"), "04", "wrong_amount"),
        (lambda ref: gateway_answer("MC999999T1", 1_000_000), "01", "unknown_order"),
        (
            lambda ref: gateway_answer(ref, 1_000_000, vnp_TmnCode="KHAC0001"),
            "99",
            "wrong_merchant",
        ),
        (lambda ref: {"vnp_TxnRef": ref}, "97", "bad_signature"),
    ],
    ids=[
        "forged",
        "tampered",
        "amount-1",
        "amount-less",
        "amount-text",
        "unknown",
        "merchant",
        "bare",
    ],
)
def test_untrusted_ipn_changes_nothing(paying: Paying, make: Any, rsp: str, verdict: str) -> None:
    a = _attempt(paying)
    assert _ipn(make(a.txn_ref))["RspCode"] == rsp
    assert _state(paying) == (PaymentStatus.PENDING, 0, 0, 0)
    a.refresh_from_db()
    assert a.status == PaymentStatus.PENDING
    log = GatewayNotification.objects.get()
    assert (log.kind, log.verdict, log.rsp_code) == ("ipn", verdict, rsp)
    # the genuine one still works afterwards
    assert _ipn(gateway_answer(a.txn_ref, 1_000_000))["RspCode"] == "00"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "vnp_TxnRef=a&vnp_TxnRef=b",
        "vnp_Amount=" + "9" * 600,
        "vnp_TxnRef=%00",
        "vnp_SecureHash=%FF%FE",
        "&".join(f"vnp_{i}=1" for i in range(60)),
    ],
)
def test_garbage_ipn_is_answered_and_logged(paying: Paying, query: str) -> None:
    _attempt(paying)
    assert _ipn(query)["RspCode"] in ("97", "99")
    assert _state(paying) == (PaymentStatus.PENDING, 0, 0, 0)
    assert GatewayNotification.objects.count() == 1


def test_ipn_by_post_and_other_methods(paying: Paying) -> None:
    a = _attempt(paying)
    resp = Client(enforce_csrf_checks=True).post(IPN, gateway_answer(a.txn_ref, 1_000_000))
    assert resp.json()["RspCode"] == "00"  # no CSRF cookie: authenticated by the signature
    assert Client().put(IPN).status_code == 405


def test_cancelled_then_retried(paying: Paying) -> None:
    a = _attempt(paying)
    assert _ipn(gateway_answer(a.txn_ref, 1_000_000, code="24"))["RspCode"] == "00"
    a.refresh_from_db()
    paying.payment.refresh_from_db()
    assert a.status == PaymentStatus.CANCELLED and paying.payment.status == PaymentStatus.FAILED
    b = _attempt(paying)
    assert b.txn_ref != a.txn_ref
    paying.payment.refresh_from_db()
    assert paying.payment.status == PaymentStatus.PENDING
    # the late success of the old, settled attempt changes nothing
    assert _ipn(gateway_answer(a.txn_ref, 1_000_000))["RspCode"] == "02"
    assert _ipn(gateway_answer(b.txn_ref, 1_000_000))["RspCode"] == "00"
    assert _state(paying) == (PaymentStatus.PAID, 1_000_000, 1, 1)


def test_second_successful_attempt_is_flagged_for_refund(paying: Paying) -> None:
    a, b = _attempt(paying), _attempt(paying)
    assert _ipn(gateway_answer(a.txn_ref, 1_000_000))["RspCode"] == "00"
    assert _ipn(gateway_answer(b.txn_ref, 1_000_000))["RspCode"] == "00"
    assert _state(paying) == (PaymentStatus.PAID, 1_000_000, 1, 1)
    assert GatewayNotification.objects.filter(verdict=Verdict.DOUBLE_PAYMENT).count() == 1


def test_return_url_verified_like_the_ipn(paying: Paying) -> None:
    a = _attempt(paying)
    genuine = gateway_answer(a.txn_ref, 1_000_000)
    tampered = {**genuine, "vnp_ResponseCode": "00", "vnp_Amount": "100"}
    resp = paying.client.get(f"{RETURN}?{urllib.parse.urlencode(tampered)}")
    assert resp.status_code == 400 and "không hợp lệ" in resp.content.decode()
    assert _state(paying) == (PaymentStatus.PENDING, 0, 0, 0)
    resp = paying.client.get(f"{RETURN}?{urllib.parse.urlencode(genuine)}")
    assert resp.status_code == 200 and "Thanh toán thành công" in resp.content.decode()
    assert _state(paying) == (PaymentStatus.PAID, 1_000_000, 1, 1)
    # someone else opening the same return URL sees no dossier details and changes nothing
    resp = Client().get(f"{RETURN}?{urllib.parse.urlencode(genuine)}")
    assert paying.dossier.code not in resp.content.decode()
    assert _state(paying) == (PaymentStatus.PAID, 1_000_000, 1, 1)
    assert list(GatewayNotification.objects.values_list("kind", "verdict").order_by("id")) == [
        ("return", "bad_signature"),
        ("return", "confirmed"),
        ("return", "duplicate"),
    ]


def test_the_log_is_append_only(paying: Paying) -> None:
    a = _attempt(paying)
    _ipn(gateway_answer(a.txn_ref, 1_000_000))
    row = GatewayNotification.objects.get()
    row.reason = "sửa"
    with pytest.raises(ValueError, match="append-only"):
        row.save()
    with pytest.raises(ValueError, match="append-only"):
        row.delete()


def _request_shaped(ref: str) -> dict[str, str]:
    """The payment request the citizen's browser is sent to the gateway with: signed by the same
    secret and the same rule as the gateway's answers, so its signature verifies."""
    return sign(
        {
            "vnp_Version": "2.1.0",
            "vnp_Command": "pay",
            "vnp_TmnCode": TMN,
            "vnp_Amount": "100000000",
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": ref,
            "vnp_OrderInfo": "Thanh toan",
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": "http://testserver/thanh-toan/vnpay/ket-qua/",
            "vnp_IpAddr": "127.0.0.1",
            "vnp_CreateDate": "20260101090000",
        }
    )


@pytest.mark.parametrize(
    "make",
    [
        _request_shaped,
        lambda ref: sign(
            {k: v for k, v in gateway_answer(ref, 1_000_000).items() if k != "vnp_ResponseCode"}
        ),
        lambda ref: sign({**gateway_answer(ref, 1_000_000), "vnp_ResponseCode": ""}),
        lambda ref: sign({**gateway_answer(ref, 1_000_000), "vnp_ResponseCode": "x9"}),
        lambda ref: sign({**gateway_answer(ref, 1_000_000), "vnp_Command": "pay"}),
    ],
    ids=["the-payment-request", "no-response-code", "empty-code", "bad-code", "with-command"],
)
def test_a_signed_message_that_is_no_answer_changes_nothing(paying: Paying, make: Any) -> None:
    """The probe's replay: the payment link the citizen is sent to, replayed by anyone as an
    IPN, verified (same secret, same rule) and had no response code: it was taken for a failure,
    the attempt closed, and the citizen's real payment afterwards was answered "already
    confirmed" and never recorded. A message without a two-digit vnp_ResponseCode, or carrying a
    request's fields, is malformed (99): logged, nothing changed."""
    a = _attempt(paying)
    assert _ipn(make(a.txn_ref))["RspCode"] == "99"
    assert _state(paying) == (PaymentStatus.PENDING, 0, 0, 0)
    a.refresh_from_db()
    assert a.status == PaymentStatus.PENDING
    log = GatewayNotification.objects.get()
    assert (log.verdict, log.rsp_code) == (Verdict.BAD_REQUEST, "99")
    # the citizen's real payment afterwards is recorded
    assert _ipn(gateway_answer(a.txn_ref, 1_000_000))["RspCode"] == "00"
    assert _state(paying) == (PaymentStatus.PAID, 1_000_000, 1, 1)
