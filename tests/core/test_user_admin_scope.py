"""A staff account acts with its roles at its agencies: another province's administrator with the
user permissions may not list, open, change, deactivate, delete or reset the password of the
accounts of this province's staff (a reset password is a stolen desk), nor of the citizens'
accounts (of no agency: whoever keeps the installation)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.admin_scope_tools import assert_out_of_reach, assert_within_reach, login
from tests.dossiers.conftest import World, other_province_admin, province_admin
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def test_another_province_admin_cannot_reach_this_province_staff(world: World) -> None:
    counter = world.users["counter"]
    password = counter.password
    citizen = CitizenFactory().user
    outsider, _ = other_province_admin("auth")
    c = login(outsider)
    assert_out_of_reach(c, counter, counter.username)
    assert_out_of_reach(c, citizen, citizen.username)
    for u in (counter, citizen):
        url = f"/admin/auth/user/{u.pk}/password/"
        assert c.get(url).status_code in (302, 403, 404)
        r = c.post(url, {"password1": "Chiem-quay-123!", "password2": "Chiem-quay-123!"})
        assert r.status_code in (302, 403, 404)
    counter.refresh_from_db()
    assert counter.password == password and counter.is_active
    # their own staff: theirs
    assert "quantri_dongnai" in c.get("/admin/auth/user/").content.decode()


def test_own_province_admin_keeps_the_staff(world: World) -> None:
    counter = world.users["counter"]
    citizen = CitizenFactory().user
    c = login(province_admin("qt_tinh_tk", world.center, "auth"))
    assert_within_reach(c, counter, counter.username)
    assert_within_reach(c, citizen, citizen.username)  # the installation's one province
    r = c.post(
        f"/admin/auth/user/{counter.pk}/password/",
        {"password1": "Mat-khau-moi-123!", "password2": "Mat-khau-moi-123!"},
    )
    assert r.status_code == 302
    assert User.objects.get(pk=counter.pk).check_password("Mat-khau-moi-123!")


def test_the_groups_are_the_installation_s(world: World) -> None:
    """A group's permissions are every province's administrators' powers: only whoever keeps the
    installation changes them."""
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Nhóm biên tập danh mục")
    outsider, _ = other_province_admin("auth")
    c = login(outsider)
    assert_out_of_reach(c, group, "Nhóm biên tập danh mục")
    every = list(Permission.objects.values_list("pk", flat=True))
    c.post(f"/admin/auth/group/{group.pk}/change/", {"name": group.name, "permissions": every})
    assert not group.permissions.exists()
    assert c.post("/admin/auth/group/add/", {"name": "Lạ"}).status_code == 403
    assert not Group.objects.filter(name="Lạ").exists()


def test_an_account_not_yet_assigned_is_its_creators_not_another_provinces(
    world: World,
) -> None:
    """A staff account is added first, its membership next: in between it has no agency. Another
    province's administrator resetting its password then would hold this province's counter once
    the membership is given. Such an account is reachable by the administrator who added it (the
    audit trail's record of its creation) and by whoever keeps the installation only."""
    mine = province_admin("qt_tinh_moi", world.center, "auth")
    outsider, _ = other_province_admin("auth")
    c = login(mine)
    r = c.post(
        "/admin/auth/user/add/",
        {
            "username": "motcua.moi",
            "password1": "Mat-khau-moi-123!",
            "password2": "Mat-khau-moi-123!",
            "usable_password": "true",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    fresh = User.objects.get(username="motcua.moi")
    assert not fresh.memberships.exists()
    assert_within_reach(c, fresh, "motcua.moi")
    password = fresh.password
    other = login(outsider)
    assert_out_of_reach(other, fresh, "motcua.moi")
    r = other.post(
        f"/admin/auth/user/{fresh.pk}/password/",
        {"password1": "Chiem-quay-123!", "password2": "Chiem-quay-123!"},
    )
    assert r.status_code in (302, 403, 404)
    fresh.refresh_from_db()
    assert fresh.password == password and fresh.is_active
