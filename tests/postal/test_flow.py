"""The postal return end to end against the fake operator over HTTP: hand-over from the dossier
page, the operator's signed callbacks, the return counted at the delivery time; returned to
the sender; the operator down at the hand-over; a double click."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client

from motcua.dossiers.models import Dossier, EventType, Status
from motcua.postal.models import PostalRequest, Shipment, ShipmentStatus
from motcua.reports.indices import REMOTE_RETURN
from tests.postal.conftest import Posting


def test_handover_picked_up_delivered_returns_the_dossier_at_delivery_time(
    posting: Posting,
) -> None:
    p = posting
    assert p.dossier.status == Status.RESOLVED
    assert p.dossier.return_method == "Qua dịch vụ bưu chính công ích"
    page = p.desk.get(f"/can-bo/ho-so/{p.dossier.code}/")
    assert 'id="postal-handover"' in page.content.decode()

    response = p.hand_over(weight=350)
    assert response.status_code == 302
    shipment = Shipment.objects.get(dossier=p.dossier)
    assert shipment.status == ShipmentStatus.CREATED
    assert shipment.fee_vnd == 22_000 + 3 * 2_500  # 100 g, then 3 started 100 g above
    assert shipment.cod_vnd == shipment.fee_vnd  # collected from the receiver (COD)
    order = p.fake.orders[shipment.item_code]
    assert order.body["OrderCode"] == shipment.idempotency_key == f"{p.dossier.code}-BC1"
    assert order.body["ReceiverFullname"] == "Nguyễn Văn An"
    assert order.body["ReceiverWardCode"] == p.world.commune.code
    assert "12 Trần Hưng Đạo, Phường Tân Phú" in order.body["ReceiverAddress"]
    assert order.body["IsReceiverPayFreight"] is True
    assert order.body["SenderFullname"] == p.world.center.name
    handed = p.dossier.events.get(type=EventType.POSTAL, data__postal="handed_over")
    assert shipment.item_code in handed.note and handed.actor == p.world.users["counter"]

    picked_at = shipment.created_at + dt.timedelta(seconds=1)
    r = p.callback(p.fake.advance(shipment.item_code, 20, at=picked_at, send=False))
    assert r.status_code == 200 and json.loads(r.content)["status"] == "picked_up"
    r = p.callback(p.fake.advance(shipment.item_code, 30, send=False))
    assert r.status_code == 200
    delivered_at = shipment.created_at + dt.timedelta(seconds=3)
    r = p.callback(p.fake.advance(shipment.item_code, 50, at=delivered_at, send=False))
    assert r.status_code == 200 and json.loads(r.content)["applied"] is True

    d = Dossier.objects.get(pk=p.dossier.pk)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert shipment.delivered_at == delivered_at
    assert d.returned_at == delivered_at  # the return instant is the delivery, not the callback
    assert "bưu chính" in d.return_method and shipment.item_code in d.return_method
    assert any(word in d.return_method.lower() for word in REMOTE_RETURN)
    returned = d.events.get(type=EventType.RESULT_RETURNED)
    assert returned.at == delivered_at and returned.actor == p.world.users["counter"]
    assert d.steps.get(role="tra_ket_qua").finished_at == delivered_at
    kinds = list(
        d.events.filter(type=EventType.POSTAL).order_by("at").values_list("data__postal", flat=True)
    )
    assert kinds == ["requested", "handed_over", "picked_up"]

    # the citizen sees the number and the status on their dossier page
    citizen = Client()
    citizen.force_login(p.citizen)
    html = citizen.get(f"/dich-vu-cong/ho-so/{d.pk}/").content.decode()
    assert shipment.item_code in html and "Đã phát thành công cho người nhận" in html
    assert "29.500 đồng" in html
    # the desk no longer offers a hand-over
    assert 'id="postal-handover"' not in p.desk.get(f"/can-bo/ho-so/{d.code}/").content.decode()


def test_double_click_makes_one_shipment_and_one_order(posting: Posting) -> None:
    p = posting
    first = p.hand_over()
    second = p.hand_over()
    assert first.status_code == second.status_code == 302
    assert Shipment.objects.filter(dossier=p.dossier).count() == 1
    assert len(p.fake.orders) == 1
    assert p.dossier.events.filter(data__postal="handed_over").count() == 1


def test_operator_down_changes_nothing_and_a_retry_later_works(posting: Posting) -> None:
    p = posting
    p.dossier.refresh_from_db()
    before = (p.dossier.version, p.dossier.events.count())
    p.fake.down()
    response = p.hand_over()
    assert response.status_code == 302
    shown = p.desk.get(response["Location"]).content.decode()
    assert "Chưa giao được cho bưu chính" in shown and "thử lại sau" in shown
    assert Shipment.objects.count() == 0
    d = Dossier.objects.get(pk=p.dossier.pk)
    assert (d.version, d.events.count()) == before
    p.fake.up()
    p.fake.mode = "error"  # answering, but failing (HTTP 500)
    p.hand_over()
    assert Shipment.objects.count() == 0 and len(p.fake.orders) == 0
    p.fake.mode = "ok"
    p.hand_over()
    shipment = Shipment.objects.get()
    assert shipment.idempotency_key.endswith("-BC1")  # the same order code as the failed tries
    assert len(p.fake.orders) == 1


def test_operator_refusal_is_shown_and_nothing_changes(posting: Posting) -> None:
    p = posting
    p.fake.mode = "refuse"
    response = p.hand_over()
    html = p.desk.get(response["Location"]).content.decode()
    assert "Bưu chính từ chối yêu cầu" in html and "ngoài vùng phục vụ" in html
    assert Shipment.objects.count() == 0


def test_returned_to_sender_puts_the_dossier_back_at_the_desk(posting: Posting) -> None:
    p = posting
    p.hand_over()
    shipment = Shipment.objects.get()
    for code in (20, 40, 60, 70):
        assert p.callback(p.fake.advance(shipment.item_code, code, send=False)).status_code == 200
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.RETURNED
    d = Dossier.objects.get(pk=p.dossier.pk)
    assert d.returned_at is None and d.status == Status.RESOLVED
    back = d.events.get(data__postal="returned")
    assert "chuyển hoàn" in back.note.lower() and "trả tại quầy" in back.note
    page = p.desk.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'id="postal-sent-back"' in page and "Gửi lại qua bưu chính" in page
    # sent again: a second order with its own code
    p.hand_over()
    second = Shipment.objects.exclude(pk=shipment.pk).get()
    assert second.idempotency_key.endswith("-BC2") and second.status == ShipmentStatus.CREATED
    assert len(p.fake.orders) == 2


def test_choice_is_shown_to_the_desk(posting: Posting) -> None:
    html = posting.desk.get(f"/can-bo/ho-so/{posting.dossier.code}/").content.decode()
    req = PostalRequest.objects.get(dossier=posting.dossier)
    assert req.address in html and "Nhận kết quả qua bưu chính" in html
