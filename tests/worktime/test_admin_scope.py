"""Working calendars in the administration: the calendar of one province (and the default
calendar every unit without one falls back to) is not another province administrator's to
change — its days move the due date of every dossier of the agencies counting on it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.units.models import Agency
from motcua.worktime.models import WorkCalendar
from tests.dossiers.conftest import World, other_province_admin, province_admin

pytestmark = pytest.mark.django_db


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _admin(username: str, agency: Agency) -> Any:
    return _login(province_admin(username, agency, "worktime"))


def _outsider() -> Any:
    return _login(other_province_admin("worktime")[0])


def _form(cal: WorkCalendar, **over: Any) -> dict[str, Any]:
    data = {
        "code": cal.code,
        "name": cal.name,
        "hours": "07:00-11:30, 13:30-17:00",
        "use_national_holidays": "on",
        "first_year": cal.first_year,
        "last_year": cal.last_year,
        "days-TOTAL_FORMS": "1",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2022-06-03",
        "days-0-kind": "off",
        "days-0-reason": "nghỉ",
    }
    if cal.is_default:
        data["is_default"] = "on"
    data.update(over)
    return data


def _calendars(w: World) -> tuple[WorkCalendar, WorkCalendar]:
    default = WorkCalendar.objects.filter(is_default=True).first() or WorkCalendar.objects.create(
        code="quoc-gia", name="Lịch quốc gia", is_default=True
    )
    own = WorkCalendar.objects.create(code="binh-phuoc", name="Lịch Bình Phước")
    w.province.calendar = own
    w.province.save(update_fields=["calendar"])
    return default, own


def test_another_province_admin_cannot_change_this_province_calendar(world: World) -> None:
    default, own = _calendars(world)
    c = _outsider()
    for cal in (own, default):
        r = c.post(
            f"/admin/worktime/workcalendar/{cal.pk}/change/", _form(cal, hours="08:00-09:00")
        )
        assert r.status_code in (302, 403, 404)
        cal.refresh_from_db()
        assert cal.hours == "07:00-11:30, 13:30-17:00", cal.code
        assert not cal.days.exists(), cal.code
    # nor take over the default (a second default is refused by the form, nothing saved)
    r = c.post(
        "/admin/worktime/workcalendar/add/",
        _form(WorkCalendar(code="dong-nai", name="Lịch Đồng Nai"), is_default="on"),
    )
    assert r.status_code in (200, 403)
    assert not WorkCalendar.objects.filter(code="dong-nai").exists()
    # their own new calendar, used by nobody yet: theirs to make
    r = c.post(
        "/admin/worktime/workcalendar/add/",
        _form(WorkCalendar(code="dong-nai", name="Lịch Đồng Nai")),
    )
    assert r.status_code == 302
    assert WorkCalendar.objects.filter(code="dong-nai").exists()


def test_own_province_admin_changes_their_calendar(world: World) -> None:
    default, own = _calendars(world)
    c = _admin("qt_tinh", world.center)
    r = c.post(f"/admin/worktime/workcalendar/{own.pk}/change/", _form(own))
    assert r.status_code == 302, r.content.decode()[:3000]
    assert own.days.filter(kind="off").exists()
    # the only province of the installation keeps the default calendar too
    r = c.post(f"/admin/worktime/workcalendar/{default.pk}/change/", _form(default))
    assert r.status_code == 302
    assert default.days.exists()
