"""The VNPost-style adapter against the fake operator: token, unreadable answers, cancel, and
a delivery that cannot be counted as a return (the result was handed over at the counter)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command

from motcua.dossiers.models import Dossier, EventType
from motcua.dossiers.services import result_return
from motcua.postal.models import Shipment, ShipmentStatus
from motcua.postal.operators import OperatorRefused, OperatorUnavailable, VNPostOperator
from motcua.postal.services import shipment_handover
from tests.postal.conftest import Posting


def test_wrong_token_and_unreadable_answers_store_nothing(posting: Posting, settings: Any) -> None:
    p = posting
    settings.MOTCUA_POSTAL_TOKEN = "sai-token"
    with pytest.raises(OperatorRefused) as refused:
        shipment_handover(actor=p.world.users["counter"], dossier=p.dossier)
    assert "HTTP 401" in refused.value.message
    settings.MOTCUA_POSTAL_TOKEN = p.fake.token
    p.fake.mode = "garbage"
    with pytest.raises(OperatorUnavailable) as garbage:
        shipment_handover(actor=p.world.users["counter"], dossier=p.dossier)
    assert garbage.value.code == "postal_bad_answer"
    settings.MOTCUA_POSTAL_URL = ""
    with pytest.raises(OperatorUnavailable) as unset:
        shipment_handover(actor=p.world.users["counter"], dossier=p.dossier)
    assert unset.value.code == "postal_not_configured"
    assert Shipment.objects.count() == 0


def test_cancel_before_pickup_only(posting: Posting) -> None:
    p = posting
    s = shipment_handover(actor=p.world.users["counter"], dossier=p.dossier)
    op = VNPostOperator()
    op.cancel(s.item_code)
    assert p.fake.orders[s.item_code].status == "90"
    assert [r.status for r in op.track(s.item_code)][-1] == ShipmentStatus.CANCELLED
    second = shipment_handover(actor=p.world.users["counter"], dossier=p.dossier)
    assert second.pk == s.pk  # our side has not heard of the cancellation yet: same shipment
    p.fake.advance(s.item_code, 20, send=False)
    with pytest.raises(OperatorRefused):
        op.cancel(s.item_code)
    with pytest.raises(OperatorRefused):
        op.track("EB000000000VN")


def test_delivery_after_a_counter_return_is_recorded_not_counted_twice(posting: Posting) -> None:
    p = posting
    s = shipment_handover(actor=p.world.users["counter"], dossier=p.dossier)
    counter_at = s.created_at + dt.timedelta(seconds=1)
    result_return(actor=p.world.users["counter"], dossier=p.dossier, now=counter_at)
    r = p.callback(p.fake.advance(s.item_code, 50, at=s.created_at + dt.timedelta(seconds=2)))
    assert r.status_code == 200
    s.refresh_from_db()
    assert s.status == ShipmentStatus.DELIVERED and "Kết quả đã được trả" in s.note
    d = Dossier.objects.get(pk=p.dossier.pk)
    assert d.returned_at == counter_at  # the first return stands
    assert d.events.filter(type=EventType.RESULT_RETURNED).count() == 1
    assert d.events.filter(data__postal="delivered").exists()


def test_fake_operator_command_needs_a_secret(settings: Any) -> None:
    settings.MOTCUA_POSTAL_SECRET = ""
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("postal_fake_operator", "--port", "0", stderr=err)
    assert exit_.value.code == 2 and "MOTCUA_POSTAL_SECRET" in err.getvalue()
