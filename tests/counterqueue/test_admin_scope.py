"""The counter desks of an agency call its queue's tickets: the administrator of another province
may not list, open, change, delete or add the desks of this province's agencies in the
administration, nor move a desk of theirs here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from motcua.audit.models import AuditEntry
from motcua.counterqueue.models import Desk, Ticket
from tests.counterqueue.conftest import Q
from tests.dossiers.conftest import other_province_admin, province_admin

pytestmark = pytest.mark.django_db

DAY = dt.date(2022, 6, 1)
AT = dt.datetime(2022, 6, 1, 8, 0, tzinfo=dt.UTC)


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_another_province_admin_cannot_reach_this_province_desks(q: Q) -> None:
    outsider, committee = other_province_admin("counterqueue")
    theirs = Desk.objects.create(agency=committee, number=9, name="Quầy Đồng Nai")
    c = _login(outsider)
    body = c.get("/admin/counterqueue/desk/").content.decode()
    assert "Quầy Đồng Nai" in body and "Quầy chung" not in body
    # nor this province's queue (its tickets, read only)
    ticket = Ticket.objects.create(agency=q.w.center, day=DAY, number=41, taken_at=AT)
    assert c.get("/admin/counterqueue/ticket/").content.decode().count("/change/") == 0
    r = c.get(f"/admin/counterqueue/ticket/{ticket.pk}/change/")
    assert r.status_code in (302, 403, 404)
    url = f"/admin/counterqueue/desk/{q.d1.pk}/change/"
    assert c.get(url).status_code in (302, 403, 404)
    r = c.post(url, {"agency": q.d1.agency_id, "number": 1, "name": "Đổi tên"})  # inactive
    assert r.status_code in (302, 403, 404)
    r = c.post(f"/admin/counterqueue/desk/{q.d1.pk}/delete/", {"post": "yes"})
    assert r.status_code in (302, 403, 404)
    c.post(
        "/admin/counterqueue/desk/",
        {"action": "delete_selected", "_selected_action": [q.d1.pk], "post": "yes"},
    )
    q.d1.refresh_from_db()
    assert q.d1.name == "Quầy chung" and q.d1.active
    # a new desk at this province's center, or their own desk moved here: refused with the reason
    r = c.post(
        "/admin/counterqueue/desk/add/",
        {"agency": q.w.center.pk, "number": 7, "name": "Quầy lạ", "active": "on"},
    )
    assert r.status_code == 403
    assert "Bạn chỉ quản trị" in r.content.decode()
    r = c.post(
        f"/admin/counterqueue/desk/{theirs.pk}/change/",
        {"agency": q.w.center.pk, "number": 9, "name": "Quầy Đồng Nai", "active": "on"},
    )
    assert r.status_code == 403
    theirs.refresh_from_db()
    assert theirs.agency_id == committee.pk
    assert not Desk.objects.filter(agency=q.w.center, number=7).exists()
    assert not AuditEntry.objects.filter(action="counterqueue.desk_save").exists()


def test_own_province_admin_keeps_the_desks(q: Q) -> None:
    admin = province_admin("qt_tinh_quay", q.w.center, "counterqueue")
    c = _login(admin)
    assert "Quầy chung" in c.get("/admin/counterqueue/desk/").content.decode()
    ticket = Ticket.objects.create(agency=q.w.center, day=DAY, number=41, taken_at=AT)
    assert c.get(f"/admin/counterqueue/ticket/{ticket.pk}/change/").status_code == 200
    r = c.post(
        f"/admin/counterqueue/desk/{q.d1.pk}/change/",
        {"agency": q.w.center.pk, "number": 1, "name": "Quầy một", "active": "on"},
    )
    assert r.status_code == 302
    q.d1.refresh_from_db()
    assert q.d1.name == "Quầy một"
