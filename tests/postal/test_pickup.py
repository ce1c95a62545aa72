"""Collecting the paper dossier at the applicant's home (online filing): the desk orders it,
the applicant is the sender and the desk the receiver; its statuses are recorded on the dossier
without touching the result's return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.test import Client

from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.services import ApplicantData, dossier_submit_online
from motcua.postal.models import FeePayer, Shipment, ShipmentKind, ShipmentStatus
from motcua.postal.services import PostalChoice, postal_choice_record
from tests.dossiers.conftest import World
from tests.factories import CitizenFactory
from tests.postal.conftest import post_raw


def _online_with_pickup(w: World) -> Dossier:
    citizen: Any = CitizenFactory(name="Trần Thị Bình", id_number="079200000001")
    with transaction.atomic():
        d = dossier_submit_online(
            procedure=w.simple,
            applicant=ApplicantData("Trần Thị Bình", "079200000001", phone="0987654321"),
            desk=w.center,
            account=citizen.user,
        )
        postal_choice_record(
            actor=citizen.user,
            dossier=d,
            choice=PostalChoice(
                return_by_post=False,
                pickup=True,
                recipient_name="Trần Thị Bình",
                phone="0987654321",
                street="45 Phú Riềng Đỏ",
                ward=w.commune,
            ),
        )
    return d


def test_desk_orders_the_pickup_and_follows_it(world: World, fake: Any) -> None:
    w = world
    d = _online_with_pickup(w)
    assert d.status == Status.SUBMITTED and d.return_method == ""  # the result: at the desk
    desk = Client()
    desk.force_login(w.users["counter"])
    page = desk.get(f"/can-bo/ho-so/{d.pk}/").content.decode()
    assert 'id="postal-pickup"' in page and 'id="postal-handover"' not in page
    url = f"/buu-chinh/can-bo/ho-so/{d.pk}/giao-buu-chinh/"
    data = {"postal-version": d.version, "postal-weight_g": 500, "postal-kind": "pickup"}
    r = desk.post(url, data)  # the postman needs the desk's phone number
    assert "chưa có số điện thoại" in desk.get(r["Location"]).content.decode()
    assert fake.orders == {}
    type(w.center).objects.filter(pk=w.center.pk).update(phone="02713879999")
    r = desk.post(url, data)
    assert r.status_code == 302
    shown = desk.get(r["Location"]).content.decode()
    assert "Đã đặt thu gom hồ sơ giấy" in shown, shown[:3000]
    assert desk.post(url, data).status_code == 302  # a double click: still one order
    s = Shipment.objects.get()
    assert s.kind == ShipmentKind.PICKUP and s.fee_payer == FeePayer.SENDER and s.cod_vnd == 0
    body = fake.orders[s.item_code].body
    assert body["SenderFullname"] == "Trần Thị Bình" and "45 Phú Riềng Đỏ" in body["SenderAddress"]
    assert body["ReceiverFullname"] == w.center.name and body["IsReceiverPayFreight"] is False
    assert len(fake.orders) == 1
    for code, seconds in ((20, 1), (50, 2)):
        event = fake.advance(s.item_code, code, at=s.created_at + dt.timedelta(seconds=seconds))
        headers, raw = fake.signed(event)
        assert post_raw(desk, raw, headers).status_code == 200
    s.refresh_from_db()
    assert s.status == ShipmentStatus.DELIVERED
    fresh = Dossier.objects.get(pk=d.pk)
    assert fresh.status == Status.SUBMITTED and fresh.returned_at is None
    kinds = set(fresh.events.values_list("data__postal", flat=True))
    assert {"requested", "pickup_ordered", "pickup_picked_up", "pickup_delivered"} <= kinds
    # no second pickup offered while the first is done; the result's hand-over is separate
    page = desk.get(f"/can-bo/ho-so/{d.pk}/").content.decode()
    assert "Hồ sơ giấy thu gom đã được bưu chính chuyển đến" in page


def test_pickup_refused_when_not_requested_or_by_other_staff(world: World, fake: Any) -> None:
    w = world
    d = _online_with_pickup(w)
    url = f"/buu-chinh/can-bo/ho-so/{d.pk}/giao-buu-chinh/"
    data = {"postal-version": d.version, "postal-weight_g": 500, "postal-kind": "pickup"}
    other = Client()
    other.force_login(w.users["commune_counter"])
    assert other.post(url, data).status_code in (403, 404)
    desk = Client()
    desk.force_login(w.users["counter"])
    # the result cannot be sent by post: the applicant did not ask for it
    r = desk.post(url, {**data, "postal-kind": "result"})
    assert "không đăng ký nhận kết quả qua bưu chính" in desk.get(r["Location"]).content.decode()
    r = desk.post(url, {**data, "postal-kind": "bogus"})
    assert r.status_code == 400
    assert Shipment.objects.count() == 0 and fake.orders == {}
