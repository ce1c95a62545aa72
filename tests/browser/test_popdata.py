"""In Chromium: the counter officer checks an applicant whose name does not match, is stopped
without a reason, gives one and receives; then the service goes down and intake goes on."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.models import Dossier
from motcua.popdata.fake import FakePopulationDb
from motcua.popdata.models import Verification
from tests.popdata.conftest import World, _empty_cache, fake  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_intake(page: Any, base: str, w: World) -> None:
    page.goto(f"{base}/can-bo/tiep-nhan/?desk={w.center.pk}&procedure={w.simple.pk}")
    page.wait_for_selector("#intake-form")
    for box in page.locator("#checklist input[type=checkbox]").all():
        box.check()
    page.fill("#id_number", "070123456789")
    page.fill("#request", "Thành lập Văn phòng công chứng")
    page.fill("#popdata-birth-date", "1990-05-17")


def test_counter_check_in_the_browser(
    world: World,
    live_server: Any,
    page: Any,
    shot: Any,
    fake: FakePopulationDb,  # noqa: F811 - the fixture
) -> None:
    base = live_server.url
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", "motcua_tinh")
    page.fill("#id_password", "mat-khau-thu-nghiem-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/can-bo/")

    _open_intake(page, base, world)
    page.fill("#name", "Nguyễn Văn Ân")
    page.click("#popdata-verify")
    page.wait_for_selector("#popdata-outcome[data-outcome=mismatch]")
    assert "họ tên" in page.inner_text("#popdata-mismatched")
    shot("popdata-01-khong-khop")
    page.click("button[value=receive]")
    page.wait_for_selector(".messages")
    assert "nhập lý do vẫn tiếp nhận" in page.inner_text(".messages")
    assert Dossier.objects.count() == 0
    # the page came back with the check: the reason field is there
    page.fill("#popdata-override-reason", "CCCD cấp lại, tên có dấu khác")
    page.click("button[value=receive]")
    page.wait_for_selector("#popdata-dossier")
    assert "CCCD cấp lại, tên có dấu khác" in page.inner_text("#popdata-dossier")
    shot("popdata-02-trang-ho-so")
    d = Dossier.objects.get()
    assert Verification.objects.get(dossier=d).override_reason == "CCCD cấp lại, tên có dấu khác"

    fake.down()
    _open_intake(page, base, world)
    page.fill("#name", "Nguyễn Văn An")
    page.click("#popdata-verify")
    page.wait_for_selector("#popdata-outcome[data-outcome=unavailable]")
    shot("popdata-03-khong-ket-noi")
    page.click("button[value=receive]")
    page.wait_for_selector("#popdata-dossier")
    assert Dossier.objects.count() == 2
    assert Verification.objects.filter(dossier__isnull=False).count() == 2
