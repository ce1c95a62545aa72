"""Daily reconciliation: totals per collecting agency, scoped to the officer's agencies, and
the comparison with the gateway's list (given here as data; over HTTP in test_live_sandbox)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from motcua.payments import services as svc
from motcua.payments.reconcile import reconcile
from motcua.paysandbox import services as sandbox
from motcua.paysandbox.models import SandboxTransaction
from motcua.units.models import Role
from tests.dossiers.conftest import member
from tests.factories import UserFactory
from tests.payments.conftest import Paying, gateway_answer

PAGE = "/thanh-toan/can-bo/doi-soat/"


def _pay_online(p: Paying) -> str:
    a = svc.payment_start_online(user=p.citizen, payment=p.payment)
    svc.gateway_notification_process(kind="ipn", params=gateway_answer(a.txn_ref, 1_000_000))
    return a.txn_ref


def _row(ref: str, amount_vnd: int = 1_000_000, status: str = "00") -> dict:
    return {"vnp_TxnRef": ref, "vnp_Amount": str(amount_vnd * 100), "vnp_TransactionStatus": status}


def test_matching_day(paying: Paying) -> None:
    ref = _pay_online(paying)
    r = reconcile(day=timezone.localdate(), agency_ids=None, gateway_rows=[_row(ref)])
    assert [(x.agency, x.paid, x.paid_vnd, x.online) for x in r.rows] == [
        (paying.world.center, 1, 1_000_000, 1)
    ]
    assert r.mismatches == [] and r.gateway_vnd == r.ours_online_vnd == 1_000_000


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([], "cổng không có giao dịch này"),
        ([_row("X", status="02")], "cổng không có giao dịch này"),
        ("wrong-amount", "Số tiền khác nhau"),
        ("failed", "cổng báo không thành công"),
        ("stranger", "hệ thống không có giao dịch này"),
    ],
)
def test_mismatches(paying: Paying, rows: object, problem: str) -> None:
    ref = _pay_online(paying)
    given = {
        "wrong-amount": [_row(ref, 900_000)],
        "failed": [_row(ref, status="02")],
        "stranger": [_row(ref), _row("MC77T1", 5_000)],
    }.get(rows if isinstance(rows, str) else "", rows)
    r = reconcile(day=timezone.localdate(), agency_ids=None, gateway_rows=given)  # type: ignore[arg-type]
    assert any(problem in m.problem for m in r.mismatches), r.mismatches


def test_pending_and_failed_are_counted(paying: Paying) -> None:
    a = svc.payment_start_online(user=paying.citizen, payment=paying.payment)
    svc.gateway_notification_process(
        kind="ipn", params=gateway_answer(a.txn_ref, 1_000_000, code="24")
    )
    svc.payment_start_online(user=paying.citizen, payment=paying.payment)
    r = reconcile(day=timezone.localdate(), agency_ids=None, gateway_rows=None)
    (row,) = r.rows
    assert (row.paid, row.pending, row.pending_vnd, row.failed) == (0, 1, 1_000_000, 1)


def test_page_is_scoped_to_the_officers_agencies(paying: Paying) -> None:
    _pay_online(paying)
    day = timezone.localdate().isoformat()
    counter = Client()
    counter.force_login(paying.world.users["counter"])
    html = counter.get(PAGE, {"ngay": day}).content.decode()
    assert "Trung tâm Phục vụ HCC tỉnh" in html and "1.000.000 đồng" in html
    other = member(UserFactory(username="motcua_xa2"), paying.world.commune_desk, Role.COUNTER)
    c = Client()
    c.force_login(other)
    html = c.get(PAGE, {"ngay": day}).content.decode()
    assert "Trung tâm Phục vụ HCC tỉnh" not in html and "Không có khoản thu nào" in html
    nobody = Client()
    nobody.force_login(paying.world.users["outsider"])
    assert nobody.get(PAGE).status_code == 403
    assert Client().get(PAGE).status_code == 302  # login first


@pytest.mark.parametrize("day", ["2026-02-30", "hôm qua", "1900-01-01", "9" * 500, "\x00"])
def test_page_refuses_bad_dates(paying: Paying, day: str) -> None:
    c = Client()
    c.force_login(paying.world.users["counter"])
    resp = c.get(PAGE, {"ngay": day})
    assert resp.status_code == 400 and "Ngày đối soát" in resp.content.decode()


def test_page_reports_an_unreachable_gateway(paying: Paying, settings: object) -> None:
    settings.PAYMENT_GATEWAY_API_URL = "http://127.0.0.1:9/api"  # type: ignore[attr-defined]
    c = Client()
    c.force_login(paying.world.users["counter"])
    resp = c.get(PAGE, {"ngay": timezone.localdate().isoformat(), "cong": "1"})
    assert (
        resp.status_code == 200 and "Không truy vấn được cổng thanh toán" in resp.content.decode()
    )


# ---- the sandbox's query API, hostile ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "03"),
        (b"[]", "03"),
        (json.dumps({"vnp_Command": "list"}).encode(), "97"),
        (b"{" * 200_000, "03"),
    ],
)
def test_sandbox_api_refuses(db: None, body: bytes, code: str) -> None:
    resp = Client().post(
        "/cong-thanh-toan-thu-nghiem/merchant_webapi/api/transaction",
        body,
        content_type="application/json",
    )
    assert resp.status_code == 200 and resp.json()["vnp_ResponseCode"] == code


def test_sandbox_off_in_production_like_settings(db: None, settings: object) -> None:
    settings.PAYMENT_SANDBOX_ENABLED = False  # type: ignore[attr-defined]
    assert Client().get("/cong-thanh-toan-thu-nghiem/paymentv2/vpcpay.html").status_code == 404


def test_sandbox_lists_only_its_merchants_day(db: None) -> None:
    from motcua.payments import gateway as gw

    t = SandboxTransaction.objects.create(
        token="t" * 43,
        tmn_code=gw.tmn_code(),
        txn_ref="MC1T1",
        amount=100,
        order_info="x",
        return_url="http://x/",
        ip="1",
        created_at=timezone.now(),
    )
    req = gw.sign_json(
        {
            "vnp_RequestId": "1",
            "vnp_Version": gw.VERSION,
            "vnp_Command": "list",
            "vnp_TmnCode": gw.tmn_code(),
            "vnp_TransactionDate": timezone.localdate().strftime("%Y%m%d"),
            "vnp_CreateDate": "20260101000000",
            "vnp_IpAddr": "127.0.0.1",
        },
        gw.LIST_REQUEST_FIELDS,
    )
    answer = sandbox.api_answer(req)
    assert gw.verify_json(answer, gw.LIST_RESPONSE_FIELDS)
    assert [r["vnp_TxnRef"] for r in answer["vnp_Transactions"]] == [t.txn_ref]
    assert sandbox.api_answer({**req, "vnp_TmnCode": "KHAC"})["vnp_ResponseCode"] == "97"
