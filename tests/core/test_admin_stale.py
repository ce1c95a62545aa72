"""A change page of the administration saved from a stale copy (another tab, another
administrator) is refused with a message, not applied over the change made meanwhile."""

from __future__ import annotations

import re

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
