"""The demo's postal returns: chosen through the service, one shipment picked up, idempotent."""

from __future__ import annotations

from django.test import Client

from motcua.dossiers.models import EventType
from motcua.dossiers.services import dossier_receive, step_complete
from motcua.postal.demo import postal_demo_load
from motcua.postal.models import PostalRequest, Shipment, ShipmentStatus
from tests.dossiers.conftest import World, at


def test_demo_postal_returns(world: World) -> None:
    w = world
    open_one = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    done = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 10:00")
    )
    step_complete(actor=w.users["specialist"], dossier=done, now=at("2022-06-02 09:00"))
    step_complete(actor=w.users["leader"], dossier=done, now=at("2022-06-02 10:00"))
    assert postal_demo_load() == {"requests": 2, "shipments": 1}
    assert postal_demo_load() == {"requests": 2, "shipments": 1}  # idempotent
    assert PostalRequest.objects.filter(dossier=open_one).exists()
    s = Shipment.objects.get(dossier=done)
    assert s.status == ShipmentStatus.PICKED_UP and s.events.count() == 2
    assert done.events.filter(type=EventType.POSTAL).count() == 1
    c = Client()
    c.force_login(w.users["counter"])
    html = c.get(f"/can-bo/ho-so/{done.code}/").content.decode()
    assert s.item_code in html and "Bưu chính đã nhận bưu gửi" in html
