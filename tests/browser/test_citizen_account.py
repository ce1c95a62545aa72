"""A citizen registers on a phone-sized screen, opens the link of the verification mail (the
outbox row), logs in by ID number and finds the account page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from motcua.dossiers.models import Outbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mua-thu-Ha-Noi-2026"


def test_register_verify_login_on_a_phone(live_server: Any, browser: Any, artifacts: Any) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/cong-dan/dang-ky/")
    # every input has a visible label; nothing is wider than the screen
    for field in ("id_id_number", "id_name", "id_email", "id_phone", "id_password1"):
        assert page.locator(f"label[for={field}]").count() == 1, field
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.check("input[name=kind][value=person]")
    page.fill("#id_id_number", "079201001234")
    page.fill("#id_name", "Nguyễn Thị Lan")
    page.fill("#id_email", "lan@example.vn")
    page.fill("#id_phone", "0912345678")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button:has-text('Đăng ký')")
    page.wait_for_selector("text=Kiểm tra hộp thư để kích hoạt tài khoản")
    page.screenshot(path=str(artifacts / "citizen-register-done.png"))
    link = Outbox.objects.get(topic="citizen.verify_email").payload["link"]
    page.goto(re.sub(r"^https?://[^/]+", base, link))
    page.click("button:has-text('Xác nhận thư điện tử')")
    page.wait_for_url(f"{base}/cong-dan/dang-nhap/")
    assert "Đã xác thực thư điện tử" in page.content()
    page.fill("#id_identifier", "079201001234")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")  # the keyboard is enough
    page.wait_for_url(f"{base}/cong-dan/")
    assert "Nguyễn Thị Lan" in page.inner_text("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "citizen-profile.png"))
    context.close()
