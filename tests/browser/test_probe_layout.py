"""The counter intake form as an officer sees it: the applicant's fields line up, one width per
column of the grid (the phone box was drawn at the browser's default width)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dossiers.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_applicants_fields_have_one_width(world: World, live_server: Any, page: Any) -> None:
    base = live_server.url
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", "motcua_tinh")
    page.fill("#id_password", "mat-khau-thu-nghiem-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/can-bo/")
    page.goto(f"{base}/can-bo/tiep-nhan/?desk={world.center.pk}&procedure={world.simple.pk}")
    page.wait_for_selector("#intake-form")
    widths = {
        name: round(page.locator(f"#{name}").bounding_box()["width"])
        for name in ("name", "id_number", "phone", "email", "address")
    }
    assert len(set(widths.values())) == 1, widths
