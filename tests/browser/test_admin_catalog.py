"""A province administrator logs in and finds a procedure without typing diacritics."""

from __future__ import annotations

import struct
from typing import Any

import pytest

from motcua.catalog.services import catalog_import_specs
from tests.factories import UserFactory, procedure_spec
from tests.otp import browser_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_login_and_search(live_server: Any, page: Any, shot: Any) -> None:
    UserFactory(username="quantri", superuser=True)
    catalog_import_specs(
        actor=None,
        specs=[
            procedure_spec("1.000001"),
            procedure_spec("1.000002", name="Đăng ký khai sinh"),
        ],
        source="t",
    )
    page.goto(f"{live_server.url}/admin/login/")
    assert "Đăng nhập" in page.content()
    page.fill("#id_username", "quantri")
    page.fill("#id_password", "mat-khau-thu-nghiem-1")
    page.click("input[type=submit]")
    browser_second_factor(page)  # a superuser enrols a TOTP app before the first admin page
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "quantri" in page.inner_text("#user-tools").lower()  # logged in as the administrator
    page.goto(f"{live_server.url}/admin/catalog/procedure/?q=thanh+lap")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Thành lập Văn phòng công chứng" in rows.first.inner_text()
    # the artifact is a PNG of the whole viewport (1366 × 768), for a person to look at
    path = shot("admin-catalog-search")
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    assert struct.unpack(">II", head[16:24]) == (1366, 768)
