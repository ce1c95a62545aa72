"""django-axes: after N failures for a name from one address, the N+1th attempt is refused even
with the right password, at every door (staff, admin, citizen); the cool-off lifts it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories import CitizenFactory, UserFactory

RIGHT = "mat-khau-thu-nghiem-1"


def staff_try(c: Client, password: str, url: str = "/dang-nhap/") -> object:
    return c.post(url, {"username": "canbo_khoa", "password": password})


def citizen_try(c: Client, password: str) -> object:
    return c.post("/cong-dan/dang-nhap/", {"identifier": "079201001234", "password": password})


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/dang-nhap/", "/admin/login/"])
def test_staff_locked_out_after_n_failures_even_with_right_password(url: str) -> None:
    UserFactory(username="canbo_khoa", is_staff=True)
    c = Client()
    n = settings.AXES_FAILURE_LIMIT
    for _ in range(n):
        r = staff_try(c, "sai-mat-khau", url)
        assert r.status_code in (200, 429)  # type: ignore[attr-defined]
    r = staff_try(c, RIGHT, url)
    assert r.status_code == 429  # type: ignore[attr-defined]
    assert "Tạm khóa đăng nhập" in r.content.decode()  # type: ignore[attr-defined]
    assert "_auth_user_id" not in c.session
    # after the cool-off the right password works again
    later = timezone.now() + settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=5)
    with time_machine.travel(later):
        r = staff_try(Client(), RIGHT, url)
        assert r.status_code == 302  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_citizen_locked_out_and_cool_off_passes() -> None:
    CitizenFactory(id_number="079201001234", user__password=RIGHT)
    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert citizen_try(c, "sai-mat-khau").status_code in (400, 429)  # type: ignore[attr-defined]
    r = citizen_try(c, RIGHT)
    assert r.status_code == 429  # type: ignore[attr-defined]
    body = r.content.decode()  # type: ignore[attr-defined]
    assert "Tạm khóa đăng nhập" in body and "/cong-dan/quen-mat-khau/" in body
    assert "_auth_user_id" not in c.session
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=5)):
        assert citizen_try(Client(), RIGHT).status_code == 302  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_lockout_counts_the_name_however_it_is_typed() -> None:
    CitizenFactory(email="lan@example.vn", user__password=RIGHT)
    c = Client()
    for variant in (
        "lan@example.vn",
        "LAN@example.vn",
        " Lan@Example.VN ",
        "lan@EXAMPLE.vn",
        "lan@example.VN",
    ):
        c.post("/cong-dan/dang-nhap/", {"identifier": variant, "password": "sai"})
    r = c.post("/cong-dan/dang-nhap/", {"identifier": "lan@example.vn", "password": RIGHT})
    assert r.status_code == 429


@pytest.mark.django_db
def test_success_resets_the_count() -> None:
    UserFactory(username="canbo_khoa", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        staff_try(Client(), "sai")
    assert staff_try(Client(), RIGHT).status_code == 302  # type: ignore[attr-defined]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        staff_try(Client(), "sai")
    assert staff_try(Client(), RIGHT).status_code == 302  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_another_name_from_the_same_address_is_not_locked() -> None:
    UserFactory(username="canbo_khoa", is_staff=True)
    UserFactory(username="canbo_khac", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        staff_try(Client(), "sai")
    r = Client().post("/dang-nhap/", {"username": "canbo_khac", "password": RIGHT})
    assert r.status_code == 302


@pytest.mark.django_db
def test_behind_the_proxy_the_lockout_is_per_client_not_per_proxy(settings: object) -> None:
    """Behind nginx (MOTCUA_PROXY_HOPS=1) every request comes from the proxy's address: the
    lockout must count the client's address, or one attacker would lock the name for everyone."""
    settings.MOTCUA_PROXY_HOPS = 1  # type: ignore[attr-defined]
    UserFactory(username="canbo_khoa", is_staff=True)
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):  # type: ignore[attr-defined]
        staff_try(attacker, "sai-mat-khau")
    assert staff_try(attacker, RIGHT).status_code == 429  # type: ignore[attr-defined]
    officer = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert staff_try(officer, RIGHT).status_code == 302  # type: ignore[attr-defined]
    # a forged header in front of the real one does not move the attacker elsewhere
    forged = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9")
    assert staff_try(forged, RIGHT).status_code == 429  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "meta",
    [
        {"REMOTE_ADDR": "", "HTTP_X_FORWARDED_FOR": "không-phải-ip"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "'; DROP TABLE x;--"},
        {"REMOTE_ADDR": "unknown"},
    ],
)
def test_a_missing_or_forged_address_never_breaks_the_login(settings: object, meta: dict) -> None:
    settings.MOTCUA_PROXY_HOPS = 1  # type: ignore[attr-defined]
    UserFactory(username="canbo_khoa", is_staff=True)
    c = Client(**meta)
    assert staff_try(c, "sai-mat-khau").status_code == 200  # type: ignore[attr-defined]
    assert staff_try(c, RIGHT).status_code == 302  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_an_ipv6_client_is_locked_out_by_its_64_not_per_address() -> None:
    """One /64 is one subscriber: rotating through its 2^64 addresses gave the attacker a fresh
    set of tries for the name from each."""
    CitizenFactory(id_number="079201001234", user__password=RIGHT)
    for n in range(settings.AXES_FAILURE_LIMIT):
        citizen_try(Client(REMOTE_ADDR=f"2001:db8:9:9::{n + 1}"), "sai-mat-khau")
    r = citizen_try(Client(REMOTE_ADDR="2001:db8:9:9:abcd::1"), RIGHT)
    assert r.status_code == 429  # type: ignore[attr-defined]
    # another subscriber is not locked out
    r = citizen_try(Client(REMOTE_ADDR="2001:db8:9:a::1"), RIGHT)
    assert r.status_code == 302  # type: ignore[attr-defined]
