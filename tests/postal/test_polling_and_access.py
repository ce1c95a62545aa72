"""The polling path (task, command) and who may hand a result over."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.core.management import call_command
from django.test import Client

from motcua.dossiers.models import Dossier, EventType
from motcua.ops.tasks import postal_poll
from motcua.postal.models import EventSource, Shipment, ShipmentEvent, ShipmentStatus
from motcua.postal.services import shipments_poll
from tests.dossiers.conftest import World
from tests.factories import UserFactory
from tests.postal.conftest import Posting, resolved_with_postal


def test_polling_applies_what_the_callbacks_missed(posting: Posting) -> None:
    p = posting
    p.hand_over()
    s = Shipment.objects.get()
    t0 = s.created_at
    p.fake.advance(s.item_code, 20, at=t0 + dt.timedelta(seconds=1), send=False)
    counts = shipments_poll()
    assert counts["checked"] == 1 and counts["failed"] == 0
    s.refresh_from_db()
    assert s.status == ShipmentStatus.PICKED_UP and s.polled_at is not None
    p.fake.advance(s.item_code, 50, at=t0 + dt.timedelta(seconds=2), send=False)
    out = io.StringIO()
    call_command("postal_poll", stdout=out)
    assert json.loads(out.getvalue())["checked"] == 1
    s.refresh_from_db()
    assert s.status == ShipmentStatus.DELIVERED
    assert ShipmentEvent.objects.filter(source=EventSource.POLL).count() == 3  # 10, 20, 50
    d = Dossier.objects.get(pk=p.dossier.pk)
    assert d.returned_at == t0 + dt.timedelta(seconds=2)
    # a delivered shipment is no longer asked about; polling again changes nothing
    assert postal_poll() == {"checked": 0, "applied": 0, "duplicates": 0, "failed": 0}
    assert d.events.filter(type=EventType.RESULT_RETURNED).count() == 1


def test_polling_survives_the_operator_being_down(posting: Posting) -> None:
    p = posting
    p.hand_over()
    p.fake.down()
    assert shipments_poll()["failed"] == 1
    assert Shipment.objects.get().status == ShipmentStatus.CREATED
    p.fake.up()
    assert shipments_poll()["failed"] == 0


def test_only_the_desk_holding_the_dossier_hands_it_over(posting: Posting) -> None:
    p = posting
    w: World = p.world
    url = f"/buu-chinh/can-bo/ho-so/{p.dossier.pk}/giao-buu-chinh/"
    data = {"postal-version": p.dossier.version, "postal-weight_g": 200}
    for name in ("outsider", "commune_counter", "specialist"):
        c = Client()
        c.force_login(w.users[name])
        r = c.post(url, data)
        assert r.status_code in (403, 404), name
    citizen = Client()
    citizen.force_login(p.citizen)
    assert citizen.post(url, data).status_code in (403, 404)
    anonymous = Client().post(url, data)
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]
    assert Shipment.objects.count() == 0 and len(p.fake.orders) == 0
    # CSRF is enforced on the hand-over
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(w.users["counter"])
    assert strict.post(url, data).status_code == 403
    assert Shipment.objects.count() == 0


def test_handover_refused_before_the_result_and_for_a_bad_weight(
    posting: Posting, world: World
) -> None:
    p = posting
    r = p.hand_over(weight=0)
    assert r.status_code == 400 and "Khối lượng" in r.content.decode()
    # a dossier whose applicant did not ask for the post
    from motcua.dossiers.services import dossier_receive
    from tests.dossiers.conftest import at

    d = dossier_receive(
        actor=world.users["counter"],
        desk=world.center,
        intake=world.intake(),
        now=at("2022-06-01 10:00"),
    )
    url = f"/buu-chinh/can-bo/ho-so/{d.pk}/giao-buu-chinh/"
    r = p.desk.post(url, {"postal-version": d.version, "postal-weight_g": 200})
    assert r.status_code == 302
    assert "không đăng ký nhận kết quả qua bưu chính" in p.desk.get(r["Location"]).content.decode()
    other = resolved_with_postal(world)
    r = p.desk.post(
        f"/buu-chinh/can-bo/ho-so/{other.pk}/giao-buu-chinh/",
        {"postal-version": other.version + 1, "postal-weight_g": 200},
    )
    assert "hoặc bởi cán bộ khác" in p.desk.get(r["Location"]).content.decode()
    assert Shipment.objects.count() == 0


def test_stranger_staff_has_no_membership(world: World) -> None:
    user = UserFactory(username="khach")
    c = Client()
    c.force_login(user)
    assert c.post("/buu-chinh/can-bo/ho-so/1/giao-buu-chinh/", {}).status_code in (403, 404)
