"""A desk's booking slots are the times citizens may come to this province's counters; bookings,
withdrawal requests and a citizen's stored documents name the citizen. Another province's
administrator may not list, open, change, delete or add this province's slot templates and slots
(nor move theirs here), nor read its bookings and withdrawal requests; the citizens' stored
documents (an account's, no agency) only whoever keeps the installation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from motcua.dossiers.services import dossier_receive
from motcua.eservices.models import Booking, Slot, SlotTemplate, StoredDocument, WithdrawalRequest
from tests.admin_scope_tools import assert_out_of_reach, assert_within_reach, login
from tests.dossiers.conftest import World, other_province_admin, province_admin

pytestmark = pytest.mark.django_db

DAY = dt.date(2030, 6, 3)


def _rows(world: World, citizen: Any) -> dict[str, Any]:
    now = timezone.now()
    template = SlotTemplate.objects.create(desk=world.center, weekday=0, start=dt.time(7, 45))
    slot = Slot.objects.create(desk=world.center, date=DAY, start=dt.time(7, 45), capacity=5)
    booking = Booking.objects.create(
        code="DL-H10-0001",
        slot=slot,
        account=citizen.user,
        procedure=world.simple,
        created_at=now,
    )
    d = dossier_receive(
        actor=world.users["counter"], desk=world.center, intake=world.intake(), now=now
    )
    withdrawal = WithdrawalRequest.objects.create(
        dossier=d, account=citizen.user, reason="Không cần nữa", requested_at=now
    )
    stored = StoredDocument.objects.create(
        account=citizen.user,
        title="CCCD của Trần Thị Bình",
        source="upload",
        file="kho/cccd.pdf",
        name="cccd.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        created_at=now,
    )
    return {
        "template": template,
        "slot": slot,
        "booking": booking,
        "dossier": d,
        "withdrawal": withdrawal,
        "stored": stored,
    }


def test_another_province_admin_cannot_reach_this_province_eservices(
    world: World, citizen: Any
) -> None:
    rows = _rows(world, citizen)
    outsider, committee = other_province_admin("eservices")
    c = login(outsider)
    assert_out_of_reach(c, rows["template"], "07:45")
    assert_out_of_reach(c, rows["slot"], "07:45")
    assert_out_of_reach(c, rows["booking"], "DL-H10-0001")
    assert_out_of_reach(c, rows["withdrawal"], rows["dossier"].code)
    assert_out_of_reach(c, rows["stored"], "Trần Thị Bình")
    # a new template or slot at this province's desk, or theirs moved here: refused, the reason
    r = c.post(
        "/admin/eservices/slottemplate/add/",
        {"desk": world.center.pk, "weekday": 1, "start": "08:00", "capacity": 5},
    )
    assert r.status_code == 403
    assert "Bạn chỉ quản trị" in r.content.decode()
    r = c.post(
        "/admin/eservices/slot/add/",
        {"desk": world.center.pk, "date": "2030-06-04", "start": "08:00", "capacity": 5},
    )
    assert r.status_code == 403
    theirs = Slot.objects.create(desk=committee, date=DAY, start=dt.time(9, 0), capacity=5)
    r = c.post(
        f"/admin/eservices/slot/{theirs.pk}/change/",
        {"desk": world.center.pk, "date": "2030-06-03", "start": "09:00", "capacity": 5},
    )
    assert r.status_code == 403
    theirs.refresh_from_db()
    assert theirs.desk_id == committee.pk
    assert SlotTemplate.objects.filter(desk=world.center).count() == 1
    assert Slot.objects.filter(desk=world.center).count() == 1
    rows["slot"].refresh_from_db()
    assert rows["slot"].capacity == 5


def test_own_province_admin_keeps_the_eservices(world: World, citizen: Any) -> None:
    rows = _rows(world, citizen)
    c = login(province_admin("qt_tinh_dvc", world.center, "eservices"))
    assert_within_reach(c, rows["template"], "07:45")
    assert_within_reach(c, rows["slot"], "07:45")
    assert_within_reach(c, rows["booking"], "DL-H10-0001")
    assert_within_reach(c, rows["withdrawal"], rows["dossier"].code)
    assert_within_reach(c, rows["stored"], "Trần Thị Bình")
    r = c.post(
        f"/admin/eservices/slot/{rows['slot'].pk}/change/",
        {"desk": world.center.pk, "date": "2030-06-03", "start": "07:45", "capacity": 8},
    )
    assert r.status_code == 302
    rows["slot"].refresh_from_db()
    assert rows["slot"].capacity == 8
