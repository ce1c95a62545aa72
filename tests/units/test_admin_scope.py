"""The units, agencies and memberships in the administration: a province administrator keeps
those of their own province, never another's (the rows every agency's access is read from)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from motcua.units.models import Agency, Membership, Role
from tests.dossiers.conftest import World, member, other_province_admin
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

APPS = ("units",)
ADMIN = Role.PROVINCE_ADMIN


def _other_province_admin() -> tuple[Any, Agency]:
    """The administrator of Đồng Nai, with the administration's permissions on units."""
    return other_province_admin(*APPS)


def _login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_another_province_admin_cannot_grant_a_role_in_this_province(world: World) -> None:
    w = world
    outsider, _ = _other_province_admin()
    c = _login(outsider)
    r = c.post(
        "/admin/units/membership/add/",
        {"user": outsider.pk, "agency": w.center.pk, "role": Role.PROVINCE_ADMIN, "active": "on"},
    )
    assert r.status_code == 403
    assert "Bạn chỉ quản trị" in r.content.decode()
    assert not Membership.objects.filter(user=outsider, agency=w.center).exists()


def test_another_province_admin_cannot_see_or_change_this_province_rows(world: World) -> None:
    w = world
    outsider, committee = _other_province_admin()
    c = _login(outsider)
    m = Membership.objects.filter(agency=w.center).first()
    assert m is not None
    # the lists show their own province's rows only
    body = c.get("/admin/units/membership/").content.decode()
    assert "quantri_dongnai" in body and w.center.name not in body
    body = c.get("/admin/units/agency/").content.decode()
    assert committee.code in body and w.center.code not in body
    # a row of this province: not theirs to open, change or delete
    for url in (
        f"/admin/units/membership/{m.pk}/change/",
        f"/admin/units/agency/{w.center.pk}/change/",
        f"/admin/units/administrativeunit/{w.center.unit_id}/change/",
    ):
        assert c.get(url).status_code in (302, 403, 404), url
    r = c.post(
        f"/admin/units/membership/{m.pk}/change/",
        {"user": m.user_id, "agency": m.agency_id, "role": m.role},  # "active" unticked
    )
    assert r.status_code in (302, 403, 404)
    m.refresh_from_db()
    assert m.active
    r = c.post(
        "/admin/units/membership/",
        {"action": "delete_selected", "_selected_action": [m.pk], "post": "yes"},
    )
    assert Membership.objects.filter(pk=m.pk).exists()
    # moving their own agency into this province, or a new agency here: refused
    r = c.post(
        "/admin/units/agency/add/",
        {
            "code": "000.00.99.H10",
            "name": "Sở giả",
            "kind": "so_nganh",
            "level": 1,
            "unit": w.center.unit_id,
        },
    )
    assert r.status_code == 403
    assert not Agency.objects.filter(code="000.00.99.H10").exists()


def test_own_province_admin_still_manages_their_memberships(world: World) -> None:
    w = world
    admin = member(UserFactory(username="qt_tinh", is_staff=True), w.center, "quan_tri_tinh")
    admin.user_permissions.set(Permission.objects.filter(content_type__app_label__in=APPS))
    clerk = UserFactory(username="nv_moi")
    r = _login(admin).post(
        "/admin/units/membership/add/",
        {"user": clerk.pk, "agency": w.center.pk, "role": Role.COUNTER, "active": "on"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Membership.objects.filter(user=clerk, agency=w.center, role=Role.COUNTER).exists()
