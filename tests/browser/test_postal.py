"""In a real browser: the counter officer hands a resolved dossier's result to the post; the
fake operator's signed callbacks reach the running site; the page then shows it delivered and
the dossier returned (issue 15, motcua.postal)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from motcua.dossiers.models import Dossier
from motcua.postal.models import Shipment
from tests.browser.test_counter_intake import login
from tests.dossiers.conftest import World
from tests.postal.conftest import CALLBACK, fake, resolved_with_postal  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_desk_hands_over_and_sees_the_delivery(
    world: World,
    fake: Any,  # noqa: F811 - the fixture imported above
    live_server: Any,
    page: Any,
    shot: Any,
    settings: Any,
) -> None:
    settings.MOTCUA_POSTAL_CALLBACK_URL = live_server.url + CALLBACK
    d = resolved_with_postal(world)
    base = live_server.url
    login(page, base, "motcua_tinh")
    page.goto(f"{base}/can-bo/ho-so/{d.code}/")
    assert "Nhận kết quả qua bưu chính" in page.inner_text("#postal")
    page.fill("#postal-weight", "300")
    page.click("#postal-handover")
    page.wait_for_selector(".postal-item")
    assert "Đã giao kết quả cho bưu chính" in page.inner_text(".messages")
    s = Shipment.objects.get(dossier=d)
    assert page.inner_text(".postal-item") == s.item_code
    shot("01-giao-buu-chinh")
    fake.advance(s.item_code, 20, at=s.created_at + dt.timedelta(seconds=1))
    fake.advance(s.item_code, 50, at=s.created_at + dt.timedelta(seconds=2))
    page.reload()
    assert "Đã phát thành công cho người nhận" in page.inner_text("#postal")
    assert page.locator("#postal-handover").count() == 0
    shot("02-da-phat")
    assert Dossier.objects.get(pk=d.pk).returned_at == s.created_at + dt.timedelta(seconds=2)
