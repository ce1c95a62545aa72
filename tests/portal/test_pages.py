"""The public pages: home, catalog (search without diacritics, filters, pagination, only what is
in force), a procedure's page, the agencies' figures (the reports' numbers, not a second sum)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client

from motcua.catalog.models import Procedure, ProcedureStatus
from motcua.catalog.services import catalog_import_specs
from motcua.dossiers.services import step_complete
from motcua.reports import selectors as reports
from tests.dossiers.conftest import World, at
from tests.factories import procedure_spec
from tests.portal.conftest import receive

pytestmark = pytest.mark.django_db


def text(r: Any) -> str:
    return r.content.decode()


def test_home_is_public_and_links_everywhere(client: Client) -> None:
    r = client.get("/")
    assert r.status_code == 200
    body = text(r)
    assert '<html lang="vi">' in body
    assert '<label for="id_q">' in body and 'id="id_q"' in body
    for href in ("/thu-tuc/", "/tra-cuu/", "/co-quan/", "/can-bo/", "/thu-tuc/?level=1"):
        assert f'href="{href}"' in body, href
    assert "Cấp xã" in body


def test_catalog_finds_without_diacritics_only_procedures_in_force(
    client: Client, world: World
) -> None:
    catalog_import_specs(
        actor=None,
        specs=[
            procedure_spec(
                "3.000010",
                name="Đăng ký khai sinh",
                level=3,
                field_code="G01-HT01",
                field_name="Hộ tịch",
                valid_from=dt.date(2020, 1, 1),
            ),
            procedure_spec(
                "3.000011",
                name="Đăng ký khai tử (hết hiệu lực)",
                level=3,
                field_code="G01-HT01",
                field_name="Hộ tịch",
                valid_from=dt.date(2020, 1, 1),
                valid_to=dt.date(2021, 1, 1),
            ),
            procedure_spec(
                "3.000012",
                name="Đăng ký khai sinh lưu động (dự thảo)",
                level=3,
                status=ProcedureStatus.DRAFT,
            ),
        ],
        source="test",
    )
    r = client.get("/thu-tuc/", {"q": "dang ky khai"})
    assert r.status_code == 200
    body = text(r)
    assert "Đăng ký khai sinh" in body
    assert "hết hiệu lực" not in body and "dự thảo" not in body
    assert "Tìm thấy 1 thủ tục." in body
    # by level, by field, by agency
    assert "Đăng ký khai sinh" not in text(client.get("/thu-tuc/", {"level": "1"}))
    field = Procedure.objects.get(code="3.000010").field
    assert "Đăng ký khai sinh" in text(client.get("/thu-tuc/", {"field": field.pk}))
    body = text(client.get("/thu-tuc/", {"agency": world.justice.pk}))
    assert "Thành lập Văn phòng công chứng" in body and "Đăng ký khai sinh" not in body


def test_catalog_is_paginated(client: Client, world: World) -> None:
    catalog_import_specs(
        actor=None,
        specs=[
            procedure_spec(f"9.{i:06d}", name=f"Thủ tục thử {i}", valid_from=dt.date(2020, 1, 1))
            for i in range(45)
        ],
        source="test",
    )
    first = text(client.get("/thu-tuc/", {"q": "thu tuc thu"}))
    assert "Trang 1/3" in first
    assert 'href="?q=thu+tuc+thu&amp;trang=2"' in first
    assert len(re.findall(r'<li class="card">', first)) == 20
    last = text(client.get("/thu-tuc/", {"q": "thu tuc thu", "trang": "3"}))
    assert len(re.findall(r'<li class="card">', last)) == 5
    # a page number out of range or not a number: a page, never a 500
    for page in ("999", "abc", "-1", "\x00"):
        assert client.get("/thu-tuc/", {"q": "thu tuc thu", "trang": page}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"q": "a\x00b"},
        {"q": "x" * 5000},
        {"level": "7"},
        {"level": "abc"},
        {"agency": "999999"},
        {"field": "không-phải-số"},
    ],
)
def test_catalog_hostile_filters_are_a_vietnamese_400(
    client: Client, world: World, params: dict[str, str]
) -> None:
    r = client.get("/thu-tuc/", params)
    assert r.status_code == 400
    assert 'class="errorlist"' in text(r)


def test_procedure_page_has_everything_a_citizen_needs(client: Client, world: World) -> None:
    p = world.simple
    r = client.get(f"/thu-tuc/{p.pk}/")
    assert r.status_code == 200
    body = text(r)
    assert p.name in body
    assert "5 ngày làm việc" in body
    assert "Phí thẩm định: <strong>1.000.000 đồng</strong>" in body
    assert "Đơn đề nghị thành lập" in body and "Đề án thành lập" in body
    assert "dịch vụ công trực tuyến một phần" in body
    assert f'href="/dich-vu-cong/nop/{p.pk}/"' in body and "Nộp trực tuyến" in body
    assert "Trung tâm Phục vụ HCC tỉnh" in body  # where to submit: the provincial desk
    assert f'href="/co-quan/{world.justice.pk}/"' in body
    # by its national code too
    assert client.get(f"/thu-tuc/{p.code}/").status_code == 200


def test_procedure_not_online_has_no_submit_link(client: Client, world: World) -> None:
    catalog_import_specs(
        actor=None,
        specs=[
            procedure_spec(
                "4.000001",
                name="Cấp phép tại quầy",
                online_service="khong",
                fees=[],
                valid_from=dt.date(2020, 1, 1),
            )
        ],
        source="test",
    )
    p = Procedure.objects.get(code="4.000001")
    body = text(client.get(f"/thu-tuc/{p.pk}/"))
    assert "Nộp trực tuyến</a>" not in body
    assert "Không thu phí, lệ phí." in body
    assert "Không — nộp hồ sơ trực tiếp" in body


def test_procedure_page_refuses_drafts_and_junk(client: Client, world: World) -> None:
    catalog_import_specs(
        actor=None,
        specs=[procedure_spec("5.000001", name="Dự thảo", status=ProcedureStatus.DRAFT)],
        source="test",
    )
    draft = Procedure.objects.get(code="5.000001")
    for ref in (str(draft.pk), "5.000001", "999999999", "9" * 40, "%00", "abc%0Adef"):
        r = client.get(f"/thu-tuc/{ref}/")
        assert r.status_code == 404, ref
        assert "Không tìm thấy thủ tục" in text(r)


def test_agency_figures_are_the_reports_figures(client: Client, world: World) -> None:
    with time_machine.travel(at("2026-06-10 10:00"), tick=False):
        on_time = receive(world, "2026-06-01 09:00")
        step_complete(actor=world.users["specialist"], dossier=on_time, now=at("2026-06-02 09:00"))
        step_complete(actor=world.users["leader"], dossier=on_time, now=at("2026-06-02 10:00"))
        late = receive(world, "2026-06-01 09:30")
        step_complete(actor=world.users["specialist"], dossier=late, now=at("2026-06-08 09:00"))
        step_complete(actor=world.users["leader"], dossier=late, now=at("2026-06-09 16:00"))
        receive(world, "2026-06-03 09:00")  # still open
        month = reports.Period(dt.date(2026, 6, 1), dt.date(2026, 6, 10))
        row = next(r for r in reports.by_agency(month) if r["agency_code"] == world.justice.code)
        assert (row["received_new"], row["resolved"], row["resolved_late"]) == (3, 2, 1)
        r = client.get(f"/co-quan/{world.justice.pk}/")
        assert r.status_code == 200
        body = text(r)
        assert "<strong>50,0%</strong> đúng hạn" in body
        assert "Tiếp nhận mới: 3 · Đã giải quyết: 2 (đúng hạn 1)" in body
        listing = text(client.get("/co-quan/", {"q": "tu phap"}))
        assert "Sở Tư pháp" in listing and "50,0%" in listing
        assert "Sở Y tế" not in listing
        assert client.get("/co-quan/", {"level": "9"}).status_code == 400
        assert client.get("/co-quan/999999/").status_code == 404


def test_agency_without_dossiers_says_so(client: Client, world: World) -> None:
    body = text(client.get(f"/co-quan/{world.health.pk}/"))
    assert "Chưa có hồ sơ giải quyết xong" in body
