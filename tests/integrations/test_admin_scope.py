"""What the national portal link exchanged about a dossier is that dossier's: another province's
administrator may not list or open this province's deliveries and inbound dossiers in the
administration; the SMS log (citizens' numbers and messages of every province, no agency) only
whoever keeps the installation."""

from __future__ import annotations

import pytest
from django.utils import timezone

from motcua.dossiers.models import Dossier, Outbox
from motcua.dossiers.services import dossier_receive
from motcua.integrations.models import PortalDelivery, PortalInbound, SmsMessage
from tests.admin_scope_tools import assert_out_of_reach, assert_within_reach, login
from tests.dossiers.conftest import World, other_province_admin, province_admin

pytestmark = pytest.mark.django_db


def _rows(world: World) -> tuple[Dossier, PortalDelivery, PortalInbound, SmsMessage]:
    now = timezone.now()
    d = dossier_receive(
        actor=world.users["counter"], desk=world.center, intake=world.intake(), now=now
    )
    outbox = Outbox.objects.create(topic="dossier.received", dossier=d, created_at=now)
    delivery = PortalDelivery.objects.create(outbox=outbox, dossier=d)
    inbound = PortalInbound.objects.create(
        national_id="G22.99-220601-0001", dossier=d, body_sha256="0" * 64
    )
    sms = SmsMessage.objects.create(
        ref="SMS-H10-0001", to="0912345678", text="Hồ sơ đã tiếp nhận", sent_at=now
    )
    return d, delivery, inbound, sms


def test_another_province_admin_cannot_reach_this_province_exchanges(world: World) -> None:
    d, delivery, inbound, sms = _rows(world)
    outsider, _ = other_province_admin("integrations")
    c = login(outsider)
    assert_out_of_reach(c, delivery, d.code)
    assert_out_of_reach(c, inbound, "G22.99-220601-0001")
    assert_out_of_reach(c, sms, "0912345678")


def test_own_province_admin_reads_the_exchanges(world: World) -> None:
    d, delivery, inbound, sms = _rows(world)
    c = login(province_admin("qt_tinh_lt", world.center, "integrations"))
    assert_within_reach(c, delivery, d.code)
    assert_within_reach(c, inbound, "G22.99-220601-0001")
    assert_within_reach(c, sms, "0912345678")
