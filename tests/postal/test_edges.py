"""Refusals of the services and of the fake operator's own API (what a real operator refuses)."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.db import transaction

from motcua.core.errors import IllegalTransition, ValidationFailed
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive, result_return
from motcua.postal.models import PostalRequest, Shipment, ShipmentEvent
from motcua.postal.services import (
    PostalChoice,
    postal_choice_record,
    shipment_handover,
    shipments_poll,
)
from tests.dossiers.conftest import World, at
from tests.postal.conftest import TOKEN, Posting


def _call(url: str, method: str = "GET", body: Any = None, token: str = TOKEN) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode() if body else None
    request = urllib.request.Request(  # noqa: S310 - the test's own server
        url, data=data, method=method, headers={"Token": token, "Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as r:  # noqa: S310
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_choice_needs_address_and_phone(world: World) -> None:
    w = world
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    for bad, code in (
        (PostalChoice(True, False, "An", "0912345678", "", w.commune), "postal_address_required"),
        (
            PostalChoice(True, False, "An", "", "12 Trần Hưng Đạo", w.commune),
            "postal_phone_required",
        ),
    ):
        with pytest.raises(ValidationFailed) as exc, transaction.atomic():
            postal_choice_record(actor=None, dossier=d, choice=bad)
        assert exc.value.code == code
    with transaction.atomic():
        assert postal_choice_record(actor=None, dossier=d, choice=PostalChoice(False)) is None
    assert PostalRequest.objects.count() == 0


def test_handover_refusals(posting: Posting, world: World) -> None:
    p = posting
    officer = world.users["counter"]
    for kwargs, code in (({"kind": "x"}, "bad_kind"), ({"weight_g": 40_000}, "bad_weight")):
        with pytest.raises(ValidationFailed) as exc:
            shipment_handover(actor=officer, dossier=p.dossier, **kwargs)
        assert exc.value.code == code
    with pytest.raises(IllegalTransition) as pickup:
        shipment_handover(actor=officer, dossier=p.dossier, kind="pickup")
    assert pickup.value.code == "pickup_not_requested"
    result_return(actor=officer, dossier=p.dossier)
    with pytest.raises(IllegalTransition) as done:
        shipment_handover(actor=officer, dossier=p.dossier)
    assert done.value.code == "already_returned"
    open_one = dossier_receive(
        actor=officer, desk=world.center, intake=world.intake(), now=at("2022-06-03 09:00")
    )
    with transaction.atomic():
        postal_choice_record(
            actor=officer,
            dossier=open_one,
            choice=PostalChoice(True, False, "An", "0912345678", "12 Trần Hưng Đạo", world.commune),
        )
    with pytest.raises(IllegalTransition) as early:
        shipment_handover(actor=officer, dossier=open_one)
    assert early.value.code == "no_result_yet"
    assert Shipment.objects.count() == 0 and p.fake.orders == {}


def test_polling_skips_an_impossible_status(posting: Posting) -> None:
    p = posting
    s = shipment_handover(actor=p.world.users["counter"], dossier=p.dossier)
    p.fake.advance(s.item_code, 20, at=s.created_at + dt.timedelta(days=3), send=False)
    counts = shipments_poll()
    assert counts["checked"] == 1
    assert not ShipmentEvent.objects.filter(status="picked_up").exists()
    assert Dossier.objects.get(pk=p.dossier.pk).returned_at is None


def test_fake_operator_refuses_bad_orders_and_has_a_control_door(posting: Posting) -> None:
    p = posting
    url = p.fake.url
    assert _call(url + "/api/v1/orders", "POST", b"{not json")[0] == 400
    assert _call(url + "/api/v1/orders", "POST", {"X": 1})[1]["Code"] == "E01"
    assert _call(url + "/api/v1/orders", "POST", {"OrderCode": "A"})[1]["Code"] == "E02"
    order = {"OrderCode": "A", "ReceiverFullname": "An", "ReceiverAddress": "x", "ReceiverTel": "1"}
    assert (
        _call(url + "/api/v1/orders", "POST", {**order, "WeightEvaluation": 0})[1]["Code"] == "E03"
    )
    status, made = _call(url + "/api/v1/orders", "POST", {**order, "WeightEvaluation": 100})
    assert status == 201 and made["TotalFreight"] == 22_000
    assert _call(url + "/api/v1/orders", "POST", {**order, "WeightEvaluation": 100})[0] == 200
    assert _call(url + "/api/v1/orders/EB1VN/cancel", "POST", {})[0] == 404
    assert _call(url + "/khong-co")[0] == 404
    assert _call(url + "/khong-co", "POST", {})[0] == 404
    bad = {"ItemCode": "EB1VN", "StatusId": 20}
    assert _call(url + "/_fake/advance", "POST", bad, token="")[0] == 400
    status, event = _call(
        url + "/_fake/advance", "POST", {"ItemCode": made["ItemCode"], "StatusId": 20}, token=""
    )
    assert status == 200 and event["StatusId"] == 20
    assert p.fake.orders[made["ItemCode"]].status == "20"
    with pytest.raises(ValueError):
        p.fake.advance(made["ItemCode"], 99)
