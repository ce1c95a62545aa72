"""The operator's status callbacks: signature, replay window, malformed bodies, unknown
shipments, impossible times (each a 4xx problem detail, nothing changed); duplicates and
statuses arriving out of order (idempotent, never moving a shipment back)."""

from __future__ import annotations

import datetime as dt
import json
import time

from django.test import Client

from motcua.dossiers.models import Dossier, EventType
from motcua.postal.models import Shipment, ShipmentEvent, ShipmentStatus
from motcua.postal.operators import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from tests.postal.conftest import CALLBACK, SECRET, Posting, post_raw, problem


def _handed(p: Posting) -> Shipment:
    assert p.hand_over().status_code == 302
    return Shipment.objects.get()


def _state(p: Posting) -> tuple[object, ...]:
    d = Dossier.objects.get(pk=p.dossier.pk)
    s = Shipment.objects.get()
    return (d.version, d.events.count(), d.returned_at, s.status, ShipmentEvent.objects.count())


def test_bad_signature_stale_and_malformed_callbacks_change_nothing(posting: Posting) -> None:
    p = posting
    s = _handed(p)
    event = p.fake.advance(s.item_code, 50, send=False)
    before = _state(p)

    headers, body = p.fake.signed(event)
    tampered = body.replace(b'"StatusId": 50', b'"StatusId": 70')
    assert tampered != body
    r = post_raw(p.desk, tampered, headers)
    assert r.status_code == 401 and problem(r)["code"] == "bad_signature"

    r = post_raw(p.desk, body, {**headers, SIGNATURE_HEADER: "sha256=" + "0" * 64})
    assert r.status_code == 401 and problem(r)["code"] == "bad_signature"
    r = post_raw(p.desk, body, {"Content-Type": "application/json"})  # no signature at all
    assert r.status_code == 401
    # a header byte outside ASCII (WSGI reads headers as Latin-1): compare_digest refused to
    # compare such a text (TypeError, a 500)
    for odd in ("sha256=é", "\xff" * 71):
        r = post_raw(p.desk, body, {**headers, SIGNATURE_HEADER: odd})
        assert r.status_code == 401 and problem(r)["code"] == "bad_signature", odd

    old = int(time.time()) - 3600  # a captured callback replayed an hour later
    r = p.callback(event, timestamp=old)
    assert r.status_code == 401 and problem(r)["code"] == "stale_callback"

    stamp = str(int(time.time()))
    for raw, code in (
        (b"{not json", "bad_json"),
        (b"[" * 15_000 + b"]" * 15_000, "bad_json"),  # deeper than the parser recurses
        (json.dumps({**event, "StatusId": 99}).encode(), "bad_callback"),
        (json.dumps({k: v for k, v in event.items() if k != "EventId"}).encode(), "bad_callback"),
        (json.dumps({**event, "StatusTime": "2026-13-01"}).encode(), "bad_callback"),
    ):
        signed = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: sign(SECRET, stamp, raw),
        }
        r = post_raw(p.desk, raw, signed)
        assert r.status_code == 400 and problem(r)["code"] == code, raw

    unknown = {**event, "ItemCode": "EB000000000VN"}
    r = p.callback(unknown)
    assert r.status_code == 404 and problem(r)["code"] == "unknown_shipment"

    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    r = p.callback({**event, "EventId": "x-future", "StatusTime": future})
    assert r.status_code == 422 and problem(r)["code"] == "bad_status_time"
    past = (s.created_at - dt.timedelta(days=2)).isoformat()
    r = p.callback({**event, "EventId": "x-past", "StatusTime": past})
    assert r.status_code == 422

    r = Client().get(CALLBACK)
    assert r.status_code == 405
    r = Client().post(CALLBACK, data="a=1", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 415 and problem(r)["code"] == "unsupported_media_type"
    assert _state(p) == before


def test_callbacks_refused_when_no_secret_is_configured(posting: Posting, settings: object) -> None:
    p = posting
    s = _handed(p)
    event = p.fake.advance(s.item_code, 20, send=False)
    settings.MOTCUA_POSTAL_SECRET = ""  # type: ignore[attr-defined]
    r = p.callback(event)
    assert r.status_code == 503 and problem(r)["code"] == "postal_not_configured"
    assert Shipment.objects.get().status == ShipmentStatus.CREATED


def test_duplicate_callbacks_are_answered_and_applied_once(posting: Posting) -> None:
    p = posting
    s = _handed(p)
    delivered = p.fake.advance(
        s.item_code, 50, at=s.created_at + dt.timedelta(seconds=2), send=False
    )
    first = p.callback(delivered)
    again = p.callback(delivered)  # the operator did not hear our answer and sends it again
    assert first.status_code == again.status_code == 200
    assert json.loads(again.content)["duplicate"] is True
    d = Dossier.objects.get(pk=p.dossier.pk)
    assert d.events.filter(type=EventType.RESULT_RETURNED).count() == 1
    assert ShipmentEvent.objects.filter(event_id=delivered["EventId"]).count() == 1


def test_statuses_out_of_order_never_move_a_shipment_back(posting: Posting) -> None:
    p = posting
    s = _handed(p)
    t0 = s.created_at
    picked = p.fake.advance(s.item_code, 20, at=t0 + dt.timedelta(seconds=1), send=False)
    transit = p.fake.advance(s.item_code, 30, at=t0 + dt.timedelta(seconds=2), send=False)
    delivered = p.fake.advance(s.item_code, 50, at=t0 + dt.timedelta(seconds=3), send=False)
    # delivered arrives first, then the older ones
    for event in (delivered, transit, picked):
        assert p.callback(event).status_code == 200
    s.refresh_from_db()
    assert s.status == ShipmentStatus.DELIVERED
    assert s.delivered_at == t0 + dt.timedelta(seconds=3)
    rows = {e.event_id: e.applied for e in ShipmentEvent.objects.all()}
    assert rows == {delivered["EventId"]: True, transit["EventId"]: False, picked["EventId"]: False}
    d = Dossier.objects.get(pk=p.dossier.pk)
    assert d.returned_at == t0 + dt.timedelta(seconds=3)
    # a late "returned to sender" cannot undo a delivery
    late = p.fake.advance(s.item_code, 70, at=t0 + dt.timedelta(seconds=4), send=False)
    assert p.callback(late).status_code == 200
    s.refresh_from_db()
    assert s.status == ShipmentStatus.DELIVERED
    assert not d.events.filter(data__postal="returned").exists()


def test_picked_up_after_in_transit_is_recorded_not_applied(posting: Posting) -> None:
    p = posting
    s = _handed(p)
    t0 = s.created_at
    transit = p.fake.advance(s.item_code, 30, at=t0 + dt.timedelta(seconds=2), send=False)
    picked = p.fake.advance(s.item_code, 20, at=t0 + dt.timedelta(seconds=1), send=False)
    assert p.callback(transit).status_code == 200
    r = p.callback(picked)
    assert r.status_code == 200 and json.loads(r.content)["applied"] is False
    s.refresh_from_db()
    assert s.status == ShipmentStatus.IN_TRANSIT
