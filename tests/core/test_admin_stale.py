"""A change page of the administration saved from a stale copy (another tab, another
administrator) is refused with a message, not applied over the change made meanwhile."""

from __future__ import annotations

import re
from typing import Any

import pytest

from motcua.core.admin_stale import STALE_MESSAGE
from motcua.counterqueue.models import Desk
from tests.admin_scope_tools import login
from tests.dossiers.conftest import World, province_admin

pytestmark = pytest.mark.django_db


def _seen(page: str) -> str:
    found = re.search(r'name="_seen" value="([0-9a-f]+)"', page)
    assert found is not None, "the change page carries the row's digest"
    return found.group(1)


def _post(desk: Desk, seen: str, **over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "agency": desk.agency_id,
        "number": desk.number,
        "name": desk.name,
        "active": "on" if desk.active else "",
        "_seen": seen,
    }
    data.update(over)
    return {k: v for k, v in data.items() if v != ""}


def test_a_save_from_a_stale_tab_is_refused_and_the_other_change_kept(world: World) -> None:
    admin = province_admin("quantri_hai_tab", world.center.parent, "counterqueue")
    desk = Desk.objects.create(agency=world.center, number=2, name="")
    c = login(admin)
    url = f"/admin/counterqueue/desk/{desk.pk}/change/"
    first, second = _seen(c.get(url).content.decode()), _seen(c.get(url).content.decode())
    assert first == second
    # tab 1 renames the desk
    r = c.post(url, _post(desk, first, name="Quầy hộ tịch"))
    assert r.status_code == 302
    desk.refresh_from_db()
    assert desk.name == "Quầy hộ tịch"
    # tab 2, loaded before, unticks "active": refused, the name kept
    r = c.post(url, _post(desk, second, name="", active=""), follow=True)
    assert STALE_MESSAGE in r.content.decode()
    desk.refresh_from_db()
    assert (desk.name, desk.active) == ("Quầy hộ tịch", True)
    # the page it lands on is fresh: saved from it, the change goes through
    fresh = _seen(r.content.decode())
    r = c.post(url, _post(desk, fresh, active=""))
    assert r.status_code == 302
    desk.refresh_from_db()
    assert (desk.name, desk.active) == ("Quầy hộ tịch", False)


def test_a_login_in_between_does_not_make_an_account_page_stale(world: World) -> None:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from tests.factories import UserFactory

    keeper = UserFactory(username="qt_toan_bo", is_staff=True, is_superuser=True)
    officer = UserFactory(username="cb_dang_nhap", is_staff=False)
    c = login(keeper)
    url = f"/admin/auth/user/{officer.pk}/change/"
    seen = _seen(c.get(url).content.decode())
    User.objects.filter(pk=officer.pk).update(last_login=timezone.now())
    officer.refresh_from_db()
    from motcua.core.admin_stale import row_digest

    assert row_digest(officer, ("last_login",)) == seen


def _as_posted(editor: object, obj: Any) -> dict[str, object]:
    """What the change page of ``obj`` posts back untouched: its form's values, as a browser
    sends them (a box ticked as "on", a list of keys, a split date and time in two)."""
    from django import forms
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = editor
    page_admin = admin.site._registry[type(obj)]
    form = page_admin.get_form(request, obj)(instance=obj)
    data: dict[str, object] = {}
    for name, bound in form.fields.items():
        value = form[name].value()
        widget = bound.widget
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(widget, forms.MultiWidget):
            for i, part in enumerate(widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value)
    return data


def test_a_stale_tab_does_not_give_back_a_group_taken_away(world: World) -> None:
    """The digest holds the many-to-many choices: tab 1 takes an account out of a group, tab 2
    (loaded before) changes only the e-mail — refused, the group not given back."""
    from django.contrib.auth.models import Group, User

    from tests.factories import UserFactory

    keeper = UserFactory(username="qt_nhom", is_staff=True, is_superuser=True)
    officer = UserFactory(username="cb_nhom", is_staff=True)
    # as a page shows it (seconds): saved from a page, the row itself does not change
    officer.date_joined = officer.date_joined.replace(microsecond=0)
    officer.save()
    group = Group.objects.create(name="Quản trị thử")
    officer.groups.add(group)
    c = login(keeper)
    url = f"/admin/auth/user/{officer.pk}/change/"
    first, second = _seen(c.get(url).content.decode()), _seen(c.get(url).content.decode())
    shown = _as_posted(keeper, officer)
    assert shown["groups"] == [str(group.pk)]
    before = User.objects.filter(pk=officer.pk).values().get()
    r = c.post(url, {**shown, "groups": [], "_seen": first})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert list(officer.groups.all()) == []
    # the row itself is as it was: only the many-to-many choice tells the tabs apart
    assert User.objects.filter(pk=officer.pk).values().get() == before
    r = c.post(url, {**shown, "email": "moi@example.vn", "_seen": second}, follow=True)
    assert STALE_MESSAGE in r.content.decode()
    officer.refresh_from_db()
    assert list(officer.groups.all()) == [] and officer.email != "moi@example.vn"


def test_a_totp_device_page_refuses_a_stale_tab(world: World) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import UserFactory

    keeper = UserFactory(username="qt_totp", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=keeper, name="Điện thoại", confirmed=True)
    c = login(keeper)
    url = f"/admin/otp_totp/totpdevice/{device.pk}/change/"
    first, second = _seen(c.get(url).content.decode()), _seen(c.get(url).content.decode())
    shown = _as_posted(keeper, device)
    r = c.post(url, {**shown, "name": "Điện thoại A", "_seen": first})
    assert r.status_code == 302, r.content.decode()[:2000]
    # a verification in between moves its counters: not an edit of the device
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=12345, throttling_failure_count=1)
    page = c.get(url).content.decode()
    r = c.post(url, {**shown, "name": "Điện thoại B", "_seen": second}, follow=True)
    assert STALE_MESSAGE in r.content.decode()
    device.refresh_from_db()
    assert device.name == "Điện thoại A"
    r = c.post(url, {**shown, "name": "Điện thoại C", "_seen": _seen(page)})
    assert r.status_code == 302
    device.refresh_from_db()
    assert device.name == "Điện thoại C"


HIDDEN = "Tên\u200b\nthử\u202eđảo\u2066x\u2069"


def test_every_change_page_keeps_a_one_line_name_without_unseen_characters(
    world: World,
) -> None:
    """A name posted with a zero-width space, a line break and direction controls is stored as
    one line without them: an account's names, a group's, a calendar's (not searchable rows),
    an agency's (searchable), and a procedure's documents (an inline)."""
    from django.contrib.auth.models import Group, User

    from motcua.units.models import Agency
    from motcua.worktime.models import WorkCalendar
    from tests.factories import UserFactory

    keeper = UserFactory(username="qt_ten", is_staff=True, is_superuser=True)
    officer = UserFactory(username="cb_ten", is_staff=True)
    group = Group.objects.create(name="Nhóm")
    calendar = WorkCalendar.objects.create(code="lich-thu", name="Lịch")
    agency = Agency.objects.get(pk=world.center.pk)
    c = login(keeper)
    expected = "Tên thửđảox"
    for obj, field in (
        (officer, "last_name"),
        (group, "name"),
        (calendar, "name"),
        (agency, "name"),
    ):
        assert obj is not None
        model = type(obj)
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"
        shown = _as_posted(keeper, obj)
        formsets = _inline_management(c.get(url).content.decode())
        r = c.post(url, {**shown, **formsets, field: HIDDEN})
        assert r.status_code == 302, (url, r.content.decode()[:3000])
        obj.refresh_from_db()
        assert getattr(obj, field) == expected, model
    assert User.objects.get(pk=officer.pk).last_name == expected


def _inline_management(page: str) -> dict[str, str]:
    """The inline formsets' management fields as the page carries them (no row changed)."""
    found = re.findall(
        r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d*)"', page
    )
    data = {name: value for name, value in found}
    # rows shown are posted untouched: none here is shown with rows, or the page has none
    return {
        k: ("0" if k.endswith(("TOTAL_FORMS", "INITIAL_FORMS")) else v) for k, v in data.items()
    }
