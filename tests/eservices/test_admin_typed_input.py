"""What an administrator types into the administration's forms, as a Vietnamese officer types
it: dates day before month; a number no row can have refused as a choice, not a server error."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.counterqueue.models import Desk
from motcua.eservices.models import Slot
from tests.admin_scope_tools import login
from tests.dossiers.conftest import World, province_admin

pytestmark = pytest.mark.django_db


def test_a_slot_date_typed_day_first_is_that_day(world: World) -> None:
    admin = province_admin("quantri_ngay", world.center.parent, "eservices")
    c = login(admin)
    # the slot's page shows dates as 10/12/2030; typed so, it was saved as 12 October
    r = c.post(
        "/admin/eservices/slot/add/",
        {"desk": world.center.pk, "date": "10/12/2030", "start": "08:00", "capacity": 5},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert Slot.objects.get(desk=world.center).date == dt.date(2030, 12, 10)
    # a day past the twelfth was refused as no date at all
    r = c.post(
        "/admin/eservices/slot/add/",
        {"desk": world.center.pk, "date": "13/12/2030", "start": "08:00", "capacity": 5},
    )
    assert r.status_code == 302
    assert Slot.objects.filter(desk=world.center, date=dt.date(2030, 12, 13)).exists()
    # ISO, what the date picker writes, as before; 30 February is no day
    r = c.post(
        "/admin/eservices/slot/add/",
        {"desk": world.center.pk, "date": "2030-02-30", "start": "08:00", "capacity": 5},
    )
    assert r.status_code == 200
    assert Slot.objects.count() == 2


@pytest.mark.parametrize("pk", ["9" * 25, "-" + "9" * 25, "18446744073709551616"])
def test_a_desk_field_numbered_past_any_row_is_refused_not_a_server_error(
    world: World, pk: str
) -> None:
    admin = province_admin("quantri_quay", world.center.parent, "counterqueue")
    desk = Desk.objects.create(agency=world.center, number=1, name="Quầy chung")
    c = login(admin)
    r = c.post(
        f"/admin/counterqueue/desk/{desk.pk}/change/",
        {
            "agency": world.center.pk,
            "number": 1,
            "name": "Quầy một",
            "fields": [pk],
            "active": "on",
        },
    )
    assert r.status_code == 200
    assert "không phải là một lựa chọn hợp lệ" in r.content.decode()
    desk.refresh_from_db()
    assert desk.name == "Quầy chung"


def test_a_slot_capacity_below_its_bookings_is_refused_not_a_server_error(world: World) -> None:
    admin = province_admin("quantri_suc_chua", world.center.parent, "eservices")
    slot = Slot.objects.create(
        desk=world.center, date=dt.date(2030, 6, 3), start=dt.time(8), capacity=3, booked=2
    )
    c = login(admin)
    url = f"/admin/eservices/slot/{slot.pk}/change/"
    form = {"desk": world.center.pk, "date": "2030-06-03", "start": "08:00"}
    r = c.post(url, {**form, "capacity": 1})
    assert r.status_code == 200
    assert "Khung giờ đã có 2 lượt đặt" in r.content.decode()
    slot.refresh_from_db()
    assert (slot.capacity, slot.booked) == (3, 2)
    # a booking made while the page was open is kept: the form writes the capacity, not booked
    Slot.objects.filter(pk=slot.pk).update(booked=3)
    r = c.post(url, {**form, "capacity": 5})
    assert r.status_code == 302
    slot.refresh_from_db()
    assert (slot.capacity, slot.booked) == (5, 3)


def test_a_desk_name_is_kept_without_unseen_format_characters(world: World) -> None:
    admin = province_admin("quantri_ten_quay", world.center.parent, "counterqueue")
    desk = Desk.objects.create(agency=world.center, number=1, name="Quầy chung")
    c = login(admin)
    url = f"/admin/counterqueue/desk/{desk.pk}/change/"
    form = {"agency": world.center.pk, "number": 1, "active": "on"}
    # a right-to-left override showed the rest of the name backwards; a zero-width space and a
    # decomposed "ầ" (a + U+0302 + U+0300) looked the same as the plain name but were another string
    r = c.post(url, {**form, "name": "Qua\u0302\u0300y\u200b \u202ehai"})
    assert r.status_code == 302, r.content.decode()[:2000]
    desk.refresh_from_db()
    assert desk.name == "Quầy hai"
    # counters are numbered from 1
    r = c.post(url, {**form, "number": 0, "name": "Quầy hai"})
    assert r.status_code == 200
    assert "Quầy số bắt đầu từ 1." in r.content.decode()
    desk.refresh_from_db()
    assert desk.number == 1


def test_a_slot_in_the_past_or_too_large_is_refused_with_the_reason(world: World) -> None:
    """0001-01-01 was saved (listed as "01/01/1"), and 65,536 places on SQLite; the date of a
    slot already stored is kept as it is when another field changes."""
    from django.utils import timezone

    admin = province_admin("quantri_khung", world.center.parent, "eservices")
    c = login(admin)
    soon = timezone.localdate() + dt.timedelta(days=3)
    for date, capacity, message in (
        ("0001-01-01", 5, "Ngày của khung giờ đã qua"),
        ((timezone.localdate() - dt.timedelta(days=1)).isoformat(), 5, "đã qua"),
        (soon.isoformat(), 65536, "tối đa 500 lượt"),
    ):
        r = c.post(
            "/admin/eservices/slot/add/",
            {"desk": world.center.pk, "date": date, "start": "08:00", "capacity": capacity},
        )
        assert r.status_code == 200 and message in r.content.decode(), date
    assert not Slot.objects.exists()
    r = c.post(
        "/admin/eservices/slottemplate/add/",
        {"desk": world.center.pk, "weekday": 2, "start": "08:00", "capacity": 1000},
    )
    assert r.status_code == 200 and "tối đa 500 lượt" in r.content.decode()
    # a slot whose day has passed keeps it when its capacity is changed
    old = Slot.objects.create(
        desk=world.center,
        date=timezone.localdate() - dt.timedelta(days=2),
        start=dt.time(8),
        capacity=5,
    )
    r = c.post(
        f"/admin/eservices/slot/{old.pk}/change/",
        {"desk": world.center.pk, "date": old.date.isoformat(), "start": "08:00", "capacity": 7},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    old.refresh_from_db()
    assert old.capacity == 7


def test_a_booked_slot_keeps_its_desk_day_and_hour(world: World) -> None:
    """Found by a probe: changing a booked slot's desk, date or start moved its bookings with it
    (to a desk that does not take the procedure, another day), the citizens told nothing. Its
    capacity may still change; an unbooked slot may still move."""
    admin = province_admin("quantri_doi_khung", world.center.parent, "eservices")
    slot = Slot.objects.create(
        desk=world.center, date=dt.date(2030, 6, 3), start=dt.time(8), capacity=3, booked=1
    )
    c = login(admin)
    url = f"/admin/eservices/slot/{slot.pk}/change/"
    form = {"desk": world.center.pk, "date": "2030-06-03", "start": "08:00", "capacity": 3}
    for change in ({"date": "2030-06-04"}, {"start": "09:30"}, {"desk": world.district_desk.pk}):
        r = c.post(url, {**form, **change})
        assert r.status_code == 200, change
        assert "Khung giờ đã có 1 lượt đặt: không đổi được" in r.content.decode()
        slot.refresh_from_db()
        assert (slot.desk_id, slot.date, slot.start) == (
            world.center.pk,
            dt.date(2030, 6, 3),
            dt.time(8),
        )
    r = c.post(url, {**form, "capacity": 4})
    assert r.status_code == 302
    Slot.objects.filter(pk=slot.pk).update(booked=0)
    r = c.post(url, {**form, "date": "2030-06-04"})
    assert r.status_code == 302
    slot.refresh_from_db()
    assert (slot.date, slot.capacity) == (dt.date(2030, 6, 4), 3)
