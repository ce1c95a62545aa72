"""Two-factor login in tests: a confirmed TOTP device for a user, the current code, and a
session marked verified (as django_otp.login marks it after a good code)."""

from __future__ import annotations

import base64
import time
from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def device_for(user: Any) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="thử nghiệm", confirmed=True)


def code_for(device: TOTPDevice, *, drift: int = 0) -> str:
    """The code the app shows now (``drift`` steps of 30 s later: a device refuses a code it
    has already accepted, so a second login in the same half minute uses the next one)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):0{device.digits}d}"


def next_code(device: TOTPDevice) -> str:
    """The code the device accepts now and has not accepted before: the current step as the
    device counts it (its ``drift``, learnt at the last good code: a code typed at the end of a
    half minute and checked in the next leaves it at -1), or the step after the last one it
    accepted, whichever is later (both within its tolerance of one step)."""
    device.refresh_from_db()
    now_t = (int(time.time()) - device.t0) // device.step
    target = max(now_t + device.drift, device.last_t + 1)
    return code_for(device, drift=target - now_t)


def code_from_secret(secret_b32: str) -> str:
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def verify_session(client: Any, user: Any) -> None:
    """Mark the client's session as having passed a TOTP code of ``user``."""
    from motcua.security.policy import otp_required_for

    if not otp_required_for(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
    session.save()


def browser_second_factor(page: Any) -> None:
    """In a Playwright page whose password form was just submitted: wait until the login page
    is left; if it led to the enrolment page (leaders, administrators), read the secret the page
    shows, type the code an app would show, and wait until the enrolment page is left too."""
    page.wait_for_url(lambda url: not url.rstrip("/").endswith(("/dang-nhap", "/admin/login")))
    if "/dang-nhap/thiet-lap-xac-thuc/" in page.url:
        secret = page.inner_text("#otp-secret").strip()
        page.fill("#token", code_from_secret(secret))
        page.click("text=Xác nhận và hoàn tất")
        page.wait_for_url(lambda url: "/dang-nhap/thiet-lap-xac-thuc/" not in url)
