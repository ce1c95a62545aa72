"""The user administration: a staff member who may add and change users (the province
administrator of the demo) manages ordinary accounts, never the powers above their own.

Found by probing the demo: with Django's stock UserAdmin, ``quantri.tinh`` could tick "superuser"
on their own account and reset the system administrator's password."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-cu-123!"


def _perms(*codenames: str) -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label="auth", codename__in=codenames))


@pytest.fixture
def province_admin() -> User:
    """Staff with the user permissions the demo's 'Quản trị cấp tỉnh' group holds."""
    group = Group.objects.create(name="Quản trị cấp tỉnh")
    group.permissions.set(_perms("view_user", "add_user", "change_user", "view_group"))
    user = User.objects.create_user("quantri_tinh", password=PASSWORD, is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def root() -> User:
    return User.objects.create_superuser("admin", "admin@example.vn", PASSWORD)


def client_for(user: User) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def change_post(user: User, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": user.username,
        "last_name": "Dương Kim",
        "first_name": "Ngân",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "groups": [g.pk for g in user.groups.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(over)
    return data


def test_a_province_admin_cannot_make_themselves_superuser(province_admin: User) -> None:
    c = client_for(province_admin)
    page = c.get(f"/admin/auth/user/{province_admin.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    perm = _perms("delete_user")[0]
    c.post(
        f"/admin/auth/user/{province_admin.pk}/change/",
        change_post(province_admin, is_superuser="on", user_permissions=[perm.pk]),
    )
    province_admin.refresh_from_db()
    assert province_admin.is_superuser is False
    assert list(province_admin.user_permissions.all()) == []


def test_a_province_admin_cannot_reset_the_superusers_password(
    province_admin: User, root: User
) -> None:
    c = client_for(province_admin)
    assert c.get(f"/admin/auth/user/{root.pk}/password/").status_code == 403
    r = c.post(
        f"/admin/auth/user/{root.pk}/password/",
        {"password1": "Chiem-quyen-12345!", "password2": "Chiem-quyen-12345!"},
    )
    assert r.status_code == 403
    root.refresh_from_db()
    assert root.check_password(PASSWORD)


def test_a_province_admin_cannot_change_the_superusers_account(
    province_admin: User, root: User
) -> None:
    c = client_for(province_admin)
    c.post(
        f"/admin/auth/user/{root.pk}/change/",
        change_post(root, is_active="", first_name="Khóa"),
    )
    root.refresh_from_db()
    assert root.is_active is True
    assert root.first_name == ""


def test_a_province_admin_cannot_hand_out_a_group_above_their_own(province_admin: User) -> None:
    wider = Group.objects.create(name="Toàn quyền người dùng")
    wider.permissions.set(_perms("delete_user", "change_group", "add_group"))
    clerk = User.objects.create_user("cv_moi", password=PASSWORD)
    c = client_for(province_admin)
    c.post(f"/admin/auth/user/{clerk.pk}/change/", change_post(clerk, groups=[wider.pk]))
    clerk.refresh_from_db()
    assert list(clerk.groups.all()) == []


def test_a_province_admin_still_manages_ordinary_accounts(province_admin: User) -> None:
    clerk = User.objects.create_user("cv_moi", password=PASSWORD)
    own = province_admin.groups.get()
    c = client_for(province_admin)
    r = c.post(
        f"/admin/auth/user/{clerk.pk}/change/",
        change_post(clerk, last_name="Trần Văn", first_name="Minh", groups=[own.pk]),
    )
    assert r.status_code == 302
    clerk.refresh_from_db()
    assert (clerk.last_name, clerk.first_name) == ("Trần Văn", "Minh")
    assert list(clerk.groups.all()) == [own]
    r = c.post(
        f"/admin/auth/user/{clerk.pk}/password/",
        {"password1": "Mat-khau-moi-987!", "password2": "Mat-khau-moi-987!"},
    )
    assert r.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Mat-khau-moi-987!")


def test_the_superuser_still_grants_superuser(root: User) -> None:
    clerk = User.objects.create_user("cv_moi", password=PASSWORD)
    client_for(root).post(
        f"/admin/auth/user/{clerk.pk}/change/", change_post(clerk, is_superuser="on")
    )
    clerk.refresh_from_db()
    assert clerk.is_superuser is True
