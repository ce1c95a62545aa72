"""Prepayment (``Procedure.prepayment``): the fees of an online submission are owed from the
submission, in its transaction; the citizen may pay while the dossier waits for the desk; the
acceptance keeps the request; a refusal or a withdrawal cancels an unpaid one."""

from __future__ import annotations

import io
import urllib.parse
from typing import Any

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from motcua.catalog.io import parse_file, write_csv
from motcua.catalog.models import FeeItem, OnlineService, Procedure
from motcua.catalog.selectors import catalog_specs
from motcua.catalog.services import catalog_import_specs
from motcua.core.errors import IllegalTransition, NotFound
from motcua.dossiers import services as dsvc
from motcua.dossiers.models import Dossier, Outbox, Status
from motcua.payments import services as svc
from motcua.payments.models import PaymentRequest, PaymentStatus, Receipt
from motcua.paysandbox.models import SandboxStatus, SandboxTransaction
from tests.dossiers.conftest import World, at
from tests.factories import CitizenFactory, procedure_spec
from tests.payments.conftest import gateway_answer

SUBMIT = "2022-06-01 08:00"


def _prepaid(w: World) -> Procedure:
    Procedure.objects.filter(pk=w.simple.pk).update(prepayment=True)
    w.simple.refresh_from_db()
    return w.simple


def _submit(w: World, citizen: Any, procedure: Procedure | None = None, when: str = SUBMIT):
    i = w.intake(procedure)
    return dsvc.dossier_submit_online(
        applicant=i.applicant,
        procedure=procedure or w.simple,
        desk=w.center,
        account=citizen,
        now=at(when),
    )


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _panel(dossier: Dossier, user: Any) -> str:
    req = RequestFactory().get("/")
    req.user = user
    return render_to_string(
        "payments/_citizen_panel.html", {"dossier": dossier, "user": user}, request=req
    )


# ---- the request at submission -----------------------------------------------------------------


def test_submission_creates_the_request_in_its_transaction(world: World) -> None:
    w = world
    _prepaid(w)
    citizen = CitizenFactory().user
    d = _submit(w, citizen)
    p = PaymentRequest.objects.get(dossier=d)
    assert (p.amount_vnd, p.status, p.agency, p.created_at) == (
        1_000_000,
        PaymentStatus.PENDING,
        w.center,
        at(SUBMIT),
    )
    assert p.items == [{"name": "Phí thẩm định", "amount_vnd": 1_000_000}]
    assert p.is_prepayment
    row = Outbox.objects.get(dossier=d, topic="payment.requested")
    assert row.payload["prepayment"] is True and row.payload["status"] == Status.SUBMITTED
    assert row.payload["amount_vnd"] == 1_000_000


def test_a_failed_submission_leaves_no_request(world: World) -> None:
    w = world
    _prepaid(w)
    citizen = CitizenFactory().user
    with pytest.raises(RuntimeError), transaction.atomic():
        _submit(w, citizen)
        raise RuntimeError("rollback")
    assert not PaymentRequest.objects.exists()
    assert not Outbox.objects.filter(topic="payment.requested").exists()


def test_acceptance_keeps_the_request_and_does_not_duplicate(world: World) -> None:
    w = world
    _prepaid(w)
    d = _submit(w, CitizenFactory().user)
    first = PaymentRequest.objects.get(dossier=d)
    FeeItem.objects.filter(procedure=w.simple).update(amount_vnd=7)  # the fee changes meanwhile
    d = dsvc.dossier_accept_online(actor=w.users["counter"], dossier=d, now=at("2022-06-01 10:00"))
    assert d.status == Status.IN_PROGRESS
    p = PaymentRequest.objects.get(dossier=d)
    assert (p.pk, p.amount_vnd, p.created_at) == (first.pk, 1_000_000, at(SUBMIT))
    assert p.is_prepayment  # made before the receipt
    assert Outbox.objects.filter(dossier=d, topic="payment.requested").count() == 1
    # the hook itself is idempotent when called again
    assert (
        svc.payment_request_for_received(dossier=d, actor=None, at=at("2022-06-02 10:00")) is None
    )
    assert (
        svc.payment_request_for_submitted(dossier=d, actor=None, at=at("2022-06-02 10:00")) is None
    )
    assert PaymentRequest.objects.filter(dossier=d).count() == 1


def test_non_prepayment_procedure_creates_nothing_at_submission(world: World) -> None:
    w = world
    d = _submit(w, CitizenFactory().user)
    assert not PaymentRequest.objects.filter(dossier=d).exists()
    assert not Outbox.objects.filter(topic="payment.requested").exists()
    d = dsvc.dossier_accept_online(actor=w.users["counter"], dossier=d, now=at("2022-06-01 10:00"))
    p = PaymentRequest.objects.get(dossier=d)
    assert p.created_at == at("2022-06-01 10:00") and not p.is_prepayment


def test_hostile_flag_without_fees_creates_nothing(world: World) -> None:
    w = world
    _prepaid(w)
    FeeItem.objects.filter(procedure=w.simple).update(amount_vnd=0)
    d = _submit(w, CitizenFactory().user)
    assert not PaymentRequest.objects.filter(dossier=d).exists()
    FeeItem.objects.filter(procedure=w.simple).delete()
    d2 = _submit(w, CitizenFactory().user)
    assert not PaymentRequest.objects.filter(dossier=d2).exists()
    assert not Outbox.objects.filter(topic="payment.requested").exists()
    d2 = dsvc.dossier_accept_online(
        actor=w.users["counter"], dossier=d2, now=at("2022-06-01 10:00")
    )
    assert not PaymentRequest.objects.exists()


def test_counter_dossier_of_a_prepayment_procedure_owes_at_receipt(world: World) -> None:
    """The flag is about online submission: a paper dossier pays from its receipt, as before."""
    w = world
    _prepaid(w)
    d = dsvc.dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    p = PaymentRequest.objects.get(dossier=d)
    assert p.created_at == at("2022-06-01 09:00") and not p.is_prepayment


# ---- paying before acceptance ------------------------------------------------------------------


def test_pay_before_acceptance_through_the_sandbox(world: World, settings: Any) -> None:
    """The citizen presses the button on a dossier still waiting for the desk, pays at the
    sandbox gateway (served in process; its IPN call cannot get through here, so the signed
    browser return records the payment, as for a lost IPN), then the desk accepts."""
    settings.PAYMENT_SANDBOX_IPN_URL = "http://127.0.0.1:8109/thanh-toan/vnpay/ipn/"  # nobody
    w = world
    _prepaid(w)
    citizen = CitizenFactory().user
    d = _submit(w, citizen)
    client = _client(citizen)
    html = _panel(d, citizen)
    assert "Thanh toán trực tuyến</button>" in html and 'id="payment-prepayment"' in html
    page = client.get(reverse("eservices:dossier", args=[d.pk]))  # the citizen's dossier page
    assert page.status_code == 200 and 'id="pay-online"' in page.content.decode()
    resp = client.post(f"/thanh-toan/ho-so/{d.pk}/truc-tuyen/")
    assert resp.status_code == 302
    gateway = urllib.parse.urlsplit(resp["Location"])
    assert gateway.path == "/cong-thanh-toan-thu-nghiem/paymentv2/vpcpay.html"
    query = urllib.parse.parse_qs(gateway.query)
    assert query["vnp_Amount"] == ["100000000"]
    assert query["vnp_OrderInfo"] == [f"Thanh toan phi, le phi ho so nop truc tuyen {d.pk}"]
    bank = Client()
    page = bank.get(f"{gateway.path}?{gateway.query}")
    assert page.status_code == 200 and "1.000.000 đồng" in page.content.decode()
    t = SandboxTransaction.objects.get()
    back = bank.post(f"/cong-thanh-toan-thu-nghiem/giao-dich/{t.token}/", {"decision": "pay"})
    assert back.status_code == 302
    t.refresh_from_db()
    assert t.status == SandboxStatus.SUCCESS
    ret = urllib.parse.urlsplit(back["Location"])
    page = client.get(f"{ret.path}?{ret.query}")
    assert page.status_code == 200 and "Thanh toán thành công" in page.content.decode()
    p = PaymentRequest.objects.get(dossier=d)
    assert p.status == PaymentStatus.PAID and p.channel == "online"
    assert Dossier.objects.get(pk=d.pk).status == Status.SUBMITTED  # still waiting for the desk
    assert Dossier.objects.get(pk=d.pk).online_payment_vnd == 1_000_000
    assert Receipt.objects.get(payment=p).amount_vnd == 1_000_000
    assert client.get(f"/thanh-toan/ho-so/{d.pk}/bien-lai/").status_code == 200
    # the desk sees it is paid, in its online queue and on the dossier page
    counter = _client(w.users["counter"])
    queue = counter.get(reverse("backoffice:online")).content.decode()
    assert 'data-prepayment="paid"' in queue
    page = counter.get(reverse("backoffice:dossier", args=[d.pk])).content.decode()
    assert 'id="payment-prepayment"' in page and "đã thanh toán" in page
    # the acceptance keeps the paid request: nothing to pay twice
    d = dsvc.dossier_accept_online(actor=w.users["counter"], dossier=d, now=at("2022-06-01 10:00"))
    p.refresh_from_db()
    assert p.status == PaymentStatus.PAID and PaymentRequest.objects.count() == 1
    assert Receipt.objects.count() == 1


def test_queue_shows_an_unpaid_prepayment(world: World) -> None:
    w = world
    _prepaid(w)
    _submit(w, CitizenFactory().user)
    queue = _client(w.users["counter"]).get(reverse("backoffice:online")).content.decode()
    assert 'data-prepayment="unpaid"' in queue and "1.000.000 đồng" in queue


def test_ipn_confirms_a_prepayment(world: World) -> None:
    w = world
    _prepaid(w)
    citizen = CitizenFactory().user
    d = _submit(w, citizen)
    p = PaymentRequest.objects.get(dossier=d)
    a = svc.payment_start_online(user=citizen, payment=p)
    out = svc.gateway_notification_process(kind="ipn", params=gateway_answer(a.txn_ref, 1_000_000))
    assert out.verdict == "confirmed"
    p.refresh_from_db()
    assert p.status == PaymentStatus.PAID


# ---- hostile -----------------------------------------------------------------------------------


def test_another_citizen_cannot_pay_or_see(world: World) -> None:
    w = world
    _prepaid(w)
    owner = CitizenFactory().user
    d = _submit(w, owner)
    other = CitizenFactory().user
    assert _panel(d, other).strip() == ""
    assert _client(other).post(f"/thanh-toan/ho-so/{d.pk}/truc-tuyen/").status_code == 404
    assert _client(other).get(f"/thanh-toan/ho-so/{d.pk}/bien-lai/").status_code == 404
    p = PaymentRequest.objects.get(dossier=d)
    with pytest.raises(NotFound):
        svc.payment_start_online(user=other, payment=p)
    staff = _client(w.users["counter"])
    assert staff.post(f"/thanh-toan/ho-so/{d.pk}/truc-tuyen/").status_code in (302, 403)
    assert not p.attempts.exists()


def test_a_request_made_at_receipt_is_not_payable_before_it(world: World) -> None:
    """The relaxed guard is for prepayment only: a non-prepayment dossier sent back for
    completion after... cannot exist with a request; a request made at receipt of a dossier
    whose status is forced back to submitted is still refused."""
    w = world
    citizen = CitizenFactory().user
    d = _submit(w, citizen)
    d = dsvc.dossier_accept_online(actor=w.users["counter"], dossier=d, now=at("2022-06-01 10:00"))
    Dossier.objects.filter(pk=d.pk).update(status=Status.SUBMITTED)
    p = PaymentRequest.objects.get(dossier=d)
    with pytest.raises(IllegalTransition):
        svc.payment_start_online(user=citizen, payment=p)


def test_refusal_cancels_an_unpaid_prepayment(world: World) -> None:
    w = world
    _prepaid(w)
    citizen = CitizenFactory().user
    d = _submit(w, citizen)
    dsvc.dossier_refuse(
        actor=w.users["counter"], dossier=d, reasons="Không thuộc thẩm quyền", now=at(SUBMIT)
    )
    p = PaymentRequest.objects.get(dossier=d)
    assert p.status == PaymentStatus.CANCELLED and "Không thuộc thẩm quyền" in p.note
    assert Outbox.objects.filter(dossier=d, topic="payment.cancelled").count() == 1
    with pytest.raises(IllegalTransition):
        svc.payment_start_online(user=citizen, payment=p)


def test_refusal_leaves_a_paid_prepayment_paid(world: World) -> None:
    w = world
    _prepaid(w)
    citizen = CitizenFactory().user
    d = _submit(w, citizen)
    p = PaymentRequest.objects.get(dossier=d)
    a = svc.payment_start_online(user=citizen, payment=p)
    svc.gateway_notification_process(kind="ipn", params=gateway_answer(a.txn_ref, 1_000_000))
    dsvc.dossier_refuse(actor=w.users["counter"], dossier=d, reasons="Sai thẩm quyền")
    p.refresh_from_db()
    assert p.status == PaymentStatus.PAID  # the refund is made outside the system
    assert not Outbox.objects.filter(topic="payment.cancelled").exists()


def test_withdrawal_before_receipt_cancels_an_unpaid_prepayment(world: World) -> None:
    w = world
    _prepaid(w)
    citizen = CitizenFactory().user
    d = _submit(w, citizen)
    dsvc.dossier_submission_cancel(account=citizen, dossier=d, reason="Nộp nhầm thủ tục")
    p = PaymentRequest.objects.get(dossier=d)
    assert p.status == PaymentStatus.CANCELLED and "Nộp nhầm thủ tục" in p.note


# ---- the catalog column ------------------------------------------------------------------------


@pytest.mark.django_db
def test_catalog_round_trips_the_prepayment_column() -> None:
    specs = [procedure_spec("1.000001"), procedure_spec("1.000002")]
    specs[1].prepayment = True
    assert catalog_import_specs(actor=None, specs=specs, source="t")["created"] == 2
    assert Procedure.objects.get(code="1.000002").prepayment is True
    assert Procedure.objects.get(code="1.000001").prepayment is False
    buf = io.StringIO()
    write_csv(catalog_specs(), buf)
    text = buf.getvalue()
    assert "prepayment" in text.splitlines()[0].split(",")
    parsed = parse_file("catalog.csv", data=text.encode())
    assert [p.spec.prepayment for p in parsed] == [False, True]
    again = catalog_import_specs(actor=None, specs=[p.spec for p in parsed], source="t")
    assert again["unchanged"] == 2


@pytest.mark.django_db
def test_catalog_column_refuses_bad_values() -> None:
    from motcua.core.errors import ImportFailed
    from tests.catalog.test_io import csv_bytes, good_row

    with pytest.raises(ImportFailed) as exc:
        parse_file("c.csv", data=csv_bytes([good_row(prepayment="có lẽ")]))
    assert "prepayment" in str(exc.value.details)
    rows = parse_file("c.csv", data=csv_bytes([good_row(prepayment="")]))
    assert rows[0].spec.prepayment is False
    cols = tuple(c for c in good_row() if c != "prepayment")
    rows = parse_file("c.csv", data=csv_bytes([good_row()], columns=cols))
    assert rows[0].spec.prepayment is False


def test_public_procedure_page_says_so(world: World) -> None:
    w = world
    Procedure.objects.filter(pk=w.simple.pk).update(online_service=OnlineService.FULL)
    url = reverse("portal:procedure", args=[w.simple.code])
    page = Client().get(url)
    assert page.status_code == 200
    assert "Nộp phí, lệ phí khi nộp hồ sơ trực tuyến" not in page.content.decode()
    _prepaid(w)
    page = Client().get(url)
    assert 'id="prepayment"' in page.content.decode()
    assert "Nộp phí, lệ phí khi nộp hồ sơ trực tuyến" in page.content.decode()


def test_demo_catalog_marks_a_few_online_land_procedures() -> None:
    from motcua.demo.catalog_gen import PREPAID_LAND, demo_catalog

    marked = [s for s in demo_catalog() if s.prepayment]
    assert len(marked) == PREPAID_LAND == 3
    for s in marked:
        assert s.fees and s.online_service == "toan_trinh" and s.field_name.startswith("Đất đai")
