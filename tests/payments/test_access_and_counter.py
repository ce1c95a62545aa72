"""Who sees and does what: the citizen who filed the dossier (and nobody else) pays online and
downloads the receipt; the collecting desk's counter officers (and nobody else) take cash or a
transfer; staff of an agency not involved in the dossier see nothing."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from motcua.dossiers.models import Dossier, Outbox
from motcua.payments import services as svc
from motcua.payments.models import PaymentStatus, Receipt
from tests.factories import CitizenFactory
from tests.payments.conftest import Paying, gateway_answer


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def _unchanged(p: Paying) -> None:
    p.payment.refresh_from_db()
    assert p.payment.status == PaymentStatus.PENDING
    assert not p.payment.attempts.exists()
    assert not Receipt.objects.exists()


# ---- citizens ----------------------------------------------------------------------------------


def test_another_citizen_cannot_start_or_download(paying: Paying) -> None:
    other = _client(CitizenFactory().user)
    resp = other.post(f"/thanh-toan/ho-so/{paying.dossier.pk}/truc-tuyen/")
    assert resp.status_code == 404
    _unchanged(paying)
    svc.gateway_notification_process(
        kind="ipn",
        params=gateway_answer(
            svc.payment_start_online(user=paying.citizen, payment=paying.payment).txn_ref,
            1_000_000,
        ),
    )
    assert other.get(f"/thanh-toan/ho-so/{paying.dossier.pk}/bien-lai/").status_code == 404
    assert paying.client.get(f"/thanh-toan/ho-so/{paying.dossier.pk}/bien-lai/").status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "staff", "outsider"])
def test_non_citizens_cannot_start(paying: Paying, who: str) -> None:
    client = Client()
    if who == "staff":
        client.force_login(paying.world.users["counter"])
    elif who == "outsider":
        client.force_login(paying.world.users["outsider"])
    resp = client.post(f"/thanh-toan/ho-so/{paying.dossier.pk}/truc-tuyen/")
    assert resp.status_code in (302, 403)
    if who == "anonymous":
        assert resp["Location"].startswith("/cong-dan/dang-nhap/")
    _unchanged(paying)


def test_start_needs_post_and_csrf(paying: Paying) -> None:
    url = f"/thanh-toan/ho-so/{paying.dossier.pk}/truc-tuyen/"
    assert paying.client.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(paying.citizen)
    assert strict.post(url).status_code == 403
    _unchanged(paying)


@pytest.mark.parametrize("pk", ["0", "99999999", "-1", "1e3", "%00"])
def test_start_with_odd_ids(paying: Paying, pk: str) -> None:
    resp = paying.client.post(f"/thanh-toan/ho-so/{pk}/truc-tuyen/")
    assert resp.status_code == 404
    _unchanged(paying)


def test_paid_dossier_cannot_be_paid_again(paying: Paying) -> None:
    a = svc.payment_start_online(user=paying.citizen, payment=paying.payment)
    svc.gateway_notification_process(kind="ipn", params=gateway_answer(a.txn_ref, 1_000_000))
    resp = paying.client.post(f"/thanh-toan/ho-so/{paying.dossier.pk}/truc-tuyen/")
    assert resp.status_code == 302 and "vnp_" not in resp["Location"]
    assert paying.payment.attempts.count() == 1


def test_citizen_panel(paying: Paying) -> None:
    req = RequestFactory().get("/")
    req.user = paying.citizen

    def panel(user: object) -> str:
        req.user = user
        return render_to_string(
            "payments/_citizen_panel.html", {"dossier": paying.dossier, "user": user}, request=req
        )

    html = panel(paying.citizen)
    assert "1.000.000 đồng" in html and "Thanh toán trực tuyến" in html
    assert "Phí thẩm định" in html and "Chờ thanh toán" in html
    assert panel(CitizenFactory().user).strip() == ""  # another citizen: nothing
    assert panel(paying.world.users["counter"]).strip() == ""
    a = svc.payment_start_online(user=paying.citizen, payment=paying.payment)
    svc.gateway_notification_process(kind="ipn", params=gateway_answer(a.txn_ref, 1_000_000))
    html = panel(paying.citizen)
    assert "Đã thanh toán" in html and "Tải biên lai điện tử" in html
    assert "Thanh toán trực tuyến</button>" not in html


# ---- staff -------------------------------------------------------------------------------------


def test_counter_takes_cash(paying: Paying) -> None:
    c = _client(paying.world.users["counter"])
    page = c.get(f"/can-bo/ho-so/{paying.dossier.code}/")
    assert page.status_code == 200 and "Thu tại quầy" in page.content.decode()
    resp = c.post(f"/thanh-toan/can-bo/ho-so/{paying.dossier.pk}/thu-phi/", {"channel": "cash"})
    assert resp.status_code == 302
    paying.payment.refresh_from_db()
    p = paying.payment
    assert (p.status, p.channel, p.recorded_by) == ("paid", "cash", paying.world.users["counter"])
    # counter money is not an online payment for the reports
    assert Dossier.objects.get(pk=paying.dossier.pk).online_payment_vnd == 0
    assert Outbox.objects.filter(topic="payment.confirmed", payload__channel="cash").count() == 1
    pdf = c.get(f"/thanh-toan/can-bo/ho-so/{paying.dossier.pk}/bien-lai/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # twice: refused with a message, nothing changes
    resp = c.post(f"/thanh-toan/can-bo/ho-so/{paying.dossier.pk}/thu-phi/", {"channel": "cash"})
    assert resp.status_code == 302 and Receipt.objects.count() == 1


def test_receipt_numbers_run_per_agency_and_year(paying: Paying) -> None:
    from motcua.dossiers.services import dossier_receive

    w = paying.world
    other = dossier_receive(actor=w.users["counter"], desk=w.center, intake=w.intake())
    c = _client(w.users["counter"])
    for d in (paying.dossier, other):
        c.post(f"/thanh-toan/can-bo/ho-so/{d.pk}/thu-phi/", {"channel": "cash"})
    assert sorted(Receipt.objects.values_list("number", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"channel": "transfer"}, "Chưa nhập số chứng từ chuyển khoản"),
        ({"channel": "online"}, "lựa chọn không hợp lệ"),
        ({"channel": "bitcoin"}, "lựa chọn không hợp lệ"),
        ({}, "Chọn hình thức thanh toán"),
        ({"channel": "transfer", "reference": "x" * 101}, "tối đa 100 ký tự"),
        ({"channel": "transfer", "reference": "CT\x01"}, "ký tự không hợp lệ"),
    ],
)
def test_counter_form_refuses_bad_input(paying: Paying, data: dict, message: str) -> None:
    c = _client(paying.world.users["counter"])
    resp = c.post(f"/thanh-toan/can-bo/ho-so/{paying.dossier.pk}/thu-phi/", data)
    assert resp.status_code == 400 and message in resp.content.decode()
    _unchanged(paying)


def test_transfer_with_reference(paying: Paying) -> None:
    c = _client(paying.world.users["counter"])
    c.post(
        f"/thanh-toan/can-bo/ho-so/{paying.dossier.pk}/thu-phi/",
        {"channel": "transfer", "reference": "UNC 0123"},
    )
    paying.payment.refresh_from_db()
    assert (paying.payment.channel, paying.payment.transfer_ref) == ("transfer", "UNC 0123")
    assert Receipt.objects.get().reference == "UNC 0123"


@pytest.mark.parametrize(
    ("who", "status"), [("health", 404), ("specialist", 403), ("outsider", 404)]
)
def test_other_staff_cannot_record_or_see(paying: Paying, who: str, status: int) -> None:
    """Sở Y tế has nothing to do with the dossier: it sees nothing. Sở Tư pháp processes it but
    is not the collecting desk: it sees the fees, cannot take them."""
    c = _client(paying.world.users[who])
    pk = paying.dossier.pk
    resp = c.post(f"/thanh-toan/can-bo/ho-so/{pk}/thu-phi/", {"channel": "cash"})
    assert resp.status_code == status
    resp = c.post(f"/thanh-toan/can-bo/ho-so/{pk}/huy/", {"reason": "miễn"})
    assert resp.status_code == status
    _unchanged(paying)
    page = c.get(f"/can-bo/ho-so/{paying.dossier.code}/")
    if who == "specialist":
        assert "Phí, lệ phí" in page.content.decode()
        assert "Thu tại quầy" not in page.content.decode()
    else:
        assert page.status_code == 404
    # nor the receipt, once there is one
    _client(paying.world.users["counter"]).post(
        f"/thanh-toan/can-bo/ho-so/{pk}/thu-phi/", {"channel": "cash"}
    )
    resp = c.get(f"/thanh-toan/can-bo/ho-so/{pk}/bien-lai/")
    assert resp.status_code == (200 if who == "specialist" else 404)


def test_cancel(paying: Paying) -> None:
    c = _client(paying.world.users["counter"])
    url = f"/thanh-toan/can-bo/ho-so/{paying.dossier.pk}/huy/"
    assert c.post(url, {"reason": ""}).status_code == 400
    assert c.post(url, {"reason": "Miễn lệ phí theo Nghị quyết HĐND"}).status_code == 302
    paying.payment.refresh_from_db()
    assert paying.payment.status == PaymentStatus.CANCELLED
    resp = paying.client.post(f"/thanh-toan/ho-so/{paying.dossier.pk}/truc-tuyen/")
    assert resp.status_code == 302 and "vnp_" not in resp["Location"]
