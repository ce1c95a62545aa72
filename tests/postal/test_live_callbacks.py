"""The whole loop over real HTTP: the site runs (live server), the fake operator places the
order and POSTs its signed callbacks to the site's webhook, as the real operator would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.dossiers.models import Dossier
from motcua.postal.models import ShipmentStatus
from motcua.postal.services import shipment_handover
from tests.dossiers.conftest import World
from tests.postal.conftest import CALLBACK, resolved_with_postal


def test_operator_callbacks_over_http_return_the_dossier(
    world: World, fake: Any, live_server: Any, settings: Any
) -> None:
    settings.MOTCUA_POSTAL_CALLBACK_URL = live_server.url + CALLBACK
    d = resolved_with_postal(world)
    shipment = shipment_handover(actor=world.users["counter"], dossier=d)
    order = fake.orders[shipment.item_code]
    assert order.body["CallbackUrl"] == live_server.url + CALLBACK
    t0 = shipment.created_at
    fake.advance(shipment.item_code, 20, at=t0 + dt.timedelta(seconds=1))
    fake.advance(shipment.item_code, 50, at=t0 + dt.timedelta(seconds=2))
    answers = [c["status"] for c in fake.callbacks]
    assert answers == [200, 200]
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert Dossier.objects.get(pk=d.pk).returned_at == t0 + dt.timedelta(seconds=2)
    # a callback the operator sends again (it did not hear us) is answered, not re-applied
    fake.send_callback(fake.orders[shipment.item_code].events[-1])
    assert (
        fake.callbacks[-1]["status"] == 200 and b'"duplicate": true' in fake.callbacks[-1]["answer"]
    )
