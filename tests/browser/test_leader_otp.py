"""A leader's first login in a real browser: password, then the enrolment page with its QR code,
then the code; the next login asks only for the code."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.units.models import Membership, Role
from tests.factories import AgencyFactory, UserFactory
from tests.otp import code_from_secret, next_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password(page: Any, base: str) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", "ld_so")
    page.fill("#id_password", "mat-khau-thu-nghiem-1")
    page.click("button[type=submit]")


def test_leader_enrols_then_gives_a_code(live_server: Any, page: Any, shot: Any) -> None:
    user = UserFactory(username="ld_so", first_name="Hùng", last_name="Lê Quốc")
    Membership.objects.create(user=user, agency=AgencyFactory(), role=Role.LEADER)
    base = live_server.url
    password(page, base)
    page.wait_for_url("**/dang-nhap/thiet-lap-xac-thuc/**")
    qr = page.locator(".otp-qr svg")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 150  # big enough to scan
    shot("leader-otp-enrolment")
    secret = page.inner_text("#otp-secret").strip()
    page.fill("#token", code_from_secret(secret))
    page.click("text=Xác nhận và hoàn tất")
    page.wait_for_url(f"{base}/can-bo/")
    page.click("header button:has-text('Đăng xuất')")
    password(page, base)
    page.wait_for_url("**/dang-nhap/ma-xac-thuc/**")
    assert page.locator("#otp-secret").count() == 0  # the secret is never shown again
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    page.fill("#token", next_code(device))  # not the enrolment's code
    page.press("#token", "Enter")
    page.wait_for_url(f"{base}/can-bo/")
