"""The staff page of the national portal link and the Decision 766 criterion it feeds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from motcua.dossiers.models import Outbox
from motcua.integrations.portal import TOPIC, portal_sync
from motcua.reports.decision766 import index766
from motcua.reports.selectors import Period
from motcua.units.models import Membership, Role
from tests.dossiers.conftest import World, at
from tests.factories import UserFactory
from tests.integrations.fake_portal import FakePortal
from tests.integrations.test_portal_sync import full_life, received

URL = "/can-bo/bao-cao/dong-bo-cong-quoc-gia/"
JUNE = Period(dt.date(2022, 6, 1), dt.date(2022, 6, 30))


@pytest.fixture
def portal(settings: Any) -> Iterator[FakePortal]:
    fake = FakePortal()
    fake.up()
    settings.MOTCUA_PORTAL_URL = fake.url
    settings.MOTCUA_PORTAL_TOKEN = fake.token
    settings.MOTCUA_PORTAL_TIMEOUT = 0.3
    settings.MOTCUA_PORTAL_BACKOFF = 10
    try:
        yield fake
    finally:
        fake.down()


def synced_criterion(result: dict[str, Any]) -> dict[str, Any]:
    return next(
        c for g in result["groups"].values() for c in g["criteria"] if c["code"] == "synced"
    )


def browser(w: World, key: str) -> Client:
    c = Client()
    c.force_login(w.users[key])
    return c


def test_without_a_connection_the_criterion_has_no_data(world: World, settings: Any) -> None:
    settings.MOTCUA_PORTAL_URL = ""
    full_life(world, "2022-06-06")
    item = synced_criterion(index766(JUNE))
    assert item["score"] is None and "Cổng Dịch vụ công quốc gia" in item["note"]


def test_page_shows_backlog_failures_and_share(world: World, portal: FakePortal) -> None:
    a = full_life(world, "2022-06-06")
    b = received(world, "2022-06-07 08:00")
    # a's messages all go; then the portal fails and b's stays behind
    portal_sync(now=at("2022-06-07 09:00"))
    later = received(world, "2022-06-08 08:00")
    portal.mode = "error"
    portal_sync(now=at("2022-06-08 09:00"))
    assert not Outbox.objects.filter(
        topic=TOPIC, dossier__in=[a, b], delivered_at__isnull=True
    ).exists()

    page = browser(world, "leader").get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đồng bộ Cổng Dịch vụ công quốc gia" in html
    assert "Đang gửi lỗi</th><td>1</td>" in html
    assert later.code in html and "HTTP 500" in html
    assert "66,7% (2/3)" in html  # a and b synchronised, the later one not (decimal comma)
    assert portal.token not in html  # the secret is never shown

    item = synced_criterion(index766(JUNE))
    assert (item["numerator"], item["denominator"]) == (2, 3)
    assert item["score"] == 3.0  # 66.7 % ≥ 50 %: half of the 6 points


def test_page_is_for_leaders_and_administrators_only(world: World) -> None:
    assert browser(world, "counter").get(URL).status_code == 403
    assert browser(world, "specialist").get(URL).status_code == 403
    anon = Client().get(URL)
    assert anon.status_code == 302 and "next=" in anon["Location"]
    admin = UserFactory()
    Membership.objects.create(user=admin, agency=world.center, role=Role.PROVINCE_ADMIN)
    c = Client()
    c.force_login(admin)
    assert c.get(URL).status_code == 200


def test_a_leader_sees_only_the_backlog_of_their_agencies(world: World, settings: Any) -> None:
    settings.MOTCUA_PORTAL_URL = ""
    received(world, "2022-06-06 08:00")  # the province's: Justice Dept.
    page = browser(world, "district_leader").get(URL).content.decode()
    assert "Thông điệp chờ gửi</th><td>0</td>" in page
    page = browser(world, "leader").get(URL).content.decode()
    assert "Thông điệp chờ gửi</th><td>1</td>" in page
    assert "Chưa cấu hình kết nối" in page
