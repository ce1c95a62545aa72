"""Two-factor login: leaders, province administrators and superusers enrol a TOTP app after the
password, then give a code at every login; until then no staff page, admin page or session API
call answers them. Counter officers and specialists are not asked."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.audit.models import AuditEntry
from motcua.security.services import totp_reset
from motcua.units.models import Membership, Role
from tests.factories import AgencyFactory, UserFactory
from tests.otp import code_for, code_from_secret, device_for

RIGHT = "mat-khau-thu-nghiem-1"


def password_login(username: str, url: str = "/dang-nhap/") -> tuple[Client, object]:
    c = Client()
    r = c.post(url, {"username": username, "password": RIGHT, "next": "/can-bo/"})
    return c, r


def leader(username: str = "ld_so", role: str = Role.LEADER) -> object:
    user = UserFactory(username=username)
    Membership.objects.create(user=user, agency=AgencyFactory(), role=role)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LEADER, Role.PROVINCE_ADMIN])
def test_enrolment_then_code_at_every_login(role: str) -> None:
    user = leader(role=role)
    c, r = password_login("ld_so")
    assert r.status_code == 302  # type: ignore[attr-defined]
    # every page sends the unverified session to the enrolment page
    for url in ("/can-bo/", "/can-bo/tra-cuu/", "/admin/"):
        r = c.get(url)
        assert r.status_code == 302 and r["Location"].startswith(
            "/dang-nhap/thiet-lap-xac-thuc/"
        ), url
    page = c.get("/dang-nhap/thiet-lap-xac-thuc/?next=/can-bo/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "<svg" in html  # the QR code, drawn by the server
    secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', html).group(1)  # type: ignore[union-attr]
    # a wrong code: refused, nothing confirmed
    r = c.post("/dang-nhap/thiet-lap-xac-thuc/", {"token": "000000", "next": "/can-bo/"})
    if code_from_secret(secret) != "000000":
        assert r.status_code == 400
        assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    # a wrong code throttles the device a moment (django-otp: 1 s, then doubling)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=3)):
        r = c.post(
            "/dang-nhap/thiet-lap-xac-thuc/",
            {"token": code_from_secret(secret), "next": "/can-bo/"},
        )
    assert r.status_code == 302 and r["Location"] == "/can-bo/"
    assert c.get("/can-bo/").status_code == 200
    assert AuditEntry.objects.filter(action="otp.enrol_confirm").count() == 1
    # the next login asks for a code, never shows the secret again
    c2, _ = password_login("ld_so")
    r = c2.get("/can-bo/")
    assert r["Location"].startswith("/dang-nhap/ma-xac-thuc/")
    r = c2.get("/dang-nhap/thiet-lap-xac-thuc/")
    assert r.status_code == 302 and "otp-secret" not in r.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    for bad in ("123", "abcdef", "1234567", "12345\x00"):
        r = c2.post("/dang-nhap/ma-xac-thuc/", {"token": bad})
        assert r.status_code == 400
    # half a minute on: the app shows a code the device has not accepted yet (a device takes
    # each code once, and the enrolment above may have used the next step's code)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=35)):
        r = c2.post("/dang-nhap/ma-xac-thuc/", {"token": code_for(device), "next": "/can-bo/"})
    assert r.status_code == 302
    assert c2.get("/can-bo/").status_code == 200


@pytest.mark.django_db
def test_unverified_session_refused_by_the_session_api() -> None:
    leader()
    c, _ = password_login("ld_so")
    r = c.get("/api/v1/dossiers/")
    assert r.status_code == 403 and r.json()["code"] == "otp_required"


@pytest.mark.django_db
def test_superuser_at_the_admin_login_needs_otp() -> None:
    UserFactory(username="root", superuser=True)
    c, r = password_login("root", "/admin/login/")
    assert r.status_code == 302  # type: ignore[attr-defined]
    r = c.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/dang-nhap/thiet-lap-xac-thuc/")
    r = c.get("/admin/auth/user/")
    assert r.status_code == 302


@pytest.mark.django_db
def test_counter_officer_is_not_asked() -> None:
    user = UserFactory(username="motcua1")
    Membership.objects.create(user=user, agency=AgencyFactory(), role=Role.COUNTER)
    c, _ = password_login("motcua1")
    assert c.get("/can-bo/").status_code == 200


@pytest.mark.django_db
def test_wrong_codes_are_throttled_and_the_throttle_survives_the_refusal() -> None:
    user = leader()
    device = device_for(user)
    c, _ = password_login("ld_so")
    right = code_for(device)
    wrong = "000000" if right != "000000" else "111111"
    assert c.post("/dang-nhap/ma-xac-thuc/", {"token": wrong}).status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the refusal did not roll the count back
    # while throttled even the right code is refused
    assert c.post("/dang-nhap/ma-xac-thuc/", {"token": right}).status_code == 400
    assert c.get("/can-bo/").status_code == 302


@pytest.mark.django_db
def test_enrolled_device_cannot_be_swapped_by_a_password_only_session() -> None:
    user = leader()
    device_for(user)
    c, _ = password_login("ld_so")
    r = c.get("/dang-nhap/thiet-lap-xac-thuc/")
    assert r.status_code == 302 and r["Location"].startswith("/dang-nhap/ma-xac-thuc/")
    assert TOTPDevice.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_reset_by_another_superuser_only() -> None:
    user = leader()
    device_for(user)
    root = UserFactory(username="root", superuser=True)
    with pytest.raises(Exception, match="quản trị hệ thống"):
        totp_reset(actor=user, user=user)
    with pytest.raises(Exception, match="chính mình"):
        totp_reset(actor=root, user=root)
    assert totp_reset(actor=root, user=user) == 1
    assert not TOTPDevice.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_open_redirect_after_code_is_refused() -> None:
    user = leader()
    device = device_for(user)
    c, _ = password_login("ld_so")
    r = c.post(
        "/dang-nhap/ma-xac-thuc/", {"token": code_for(device), "next": "https://evil.example/"}
    )
    assert r.status_code == 302 and r["Location"] == "/can-bo/"


@pytest.mark.django_db
def test_otp_reset_and_code_commands() -> None:
    from io import StringIO

    from django.core.management import call_command

    user = leader()
    device = device_for(user)
    out = StringIO()
    call_command("otp_code", "ld_so", stdout=out)
    # the clock may pass a 30-second step between the command and this line
    assert out.getvalue().strip() in {code_for(device), code_for(device, drift=-1)}
    out = StringIO()
    call_command("otp_reset", "ld_so", stdout=out)
    assert "Đã gỡ 1 thiết bị" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="otp.reset").count() == 1
    with pytest.raises(SystemExit):
        call_command("otp_reset", "khong_co", stderr=StringIO())
    with pytest.raises(SystemExit):
        call_command("otp_code", "ld_so", stderr=StringIO())  # no device any more


@pytest.mark.django_db
def test_otp_code_refused_in_production(settings: object) -> None:
    from motcua.core.errors import IllegalTransition
    from motcua.security.services import totp_current_code, totp_demo_devices

    device_for(leader())
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(IllegalTransition):
        totp_current_code(username="ld_so")
    with pytest.raises(IllegalTransition):
        totp_demo_devices()
