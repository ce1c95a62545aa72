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


@pytest.mark.parametrize(
    "label",
    [
        "Ủy ban nhân dân Phường Tân Phú, Thành phố Đồng Xoài",  # the demo's ward committee
        "Phòng Nông nghiệp và Phát triển nông thôn Thành phố Đồng Xoài",  # the longest name
        "Phòng Lao động - Thương binh và Xã hội Thành phố Đồng Xoài",
        "ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC — VĂN PHÒNG ĐOÀN ĐẠI BIỂU QUỐC HỘI",  # capitals
    ],
)
def test_bar_chart_labels_stay_inside_the_chart(page: Any, label: str) -> None:
    from motcua.reports import charts

    svg = charts.hbars([(label, 100.0), ("Sở Tư pháp", 5.26)], title="Tỷ lệ trễ hạn (%)")
    page.set_content(f'<html lang="vi"><body style="margin:0">{svg}</body></html>')
    lefts = page.evaluate(
        "() => [...document.querySelectorAll('svg text')].map(t => t.getBBox().x)"
    )
    assert min(lefts) >= 0, lefts
