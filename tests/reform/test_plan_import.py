"""Indicator values from Excel: all or nothing, every bad row with its line and reason."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from motcua.audit.models import AuditEntry
from motcua.core.errors import ImportFailed, PermissionDenied
from motcua.reform.models import IndicatorValue
from motcua.reform.plan_import import COLUMNS, indicators_import, template_xlsx
from tests.dossiers import conftest as dossiers_world
from tests.reform import plan_world
from tests.reform.plan_world import ReformWorld

HEADER = ["Mã chỉ tiêu", "Mã địa bàn", "Từ ngày", "Đến ngày", "Giá trị", "Nguồn số liệu"]

world = dossiers_world.world  # the shared small province (fixture)
reform_world = plan_world.reform_world  # fixture


def xlsx(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD = [
    ["thu-nsnn", "70", "01/07/2022", "31/12/2022", 8100, "Sở Tài chính"],
    ["ioc-huyen", "70", dt.date(2022, 7, 1), dt.date(2022, 12, 31), "5", "Sở TT&TT"],
    ["von-dtc-giai-ngan", "70", "2022-07-01", "2022-12-31", "45,5", "Sở KH&ĐT"],
]


def snapshot() -> list[tuple]:
    return sorted(
        IndicatorValue.objects.values_list("indicator__code", "period_from", "value", "source")
    )


def test_good_file_is_written_and_audited(reform_world: ReformWorld) -> None:
    audits = AuditEntry.objects.count()
    n = indicators_import(actor=reform_world.admin, data=xlsx(GOOD))
    assert n == 3
    h2 = {
        v.indicator.code: v.value
        for v in IndicatorValue.objects.filter(period_from=dt.date(2022, 7, 1))
    }
    assert h2 == {
        "thu-nsnn": Decimal("8100"),
        "ioc-huyen": Decimal("5"),
        "von-dtc-giai-ngan": Decimal("45.5"),
    }
    assert AuditEntry.objects.count() == audits + 3


def test_one_bad_row_refuses_the_file_with_every_line_and_reason(
    reform_world: ReformWorld,
) -> None:
    before = snapshot()
    audits = AuditEntry.objects.count()
    rows = [
        GOOD[0],
        ["khong-co", "70", "01/07/2022", "31/12/2022", 1, "x"],  # line 3
        ["ioc-huyen", "70", "01/07/2022", "31/12/2022", "2,5", "Sở TT&TT"],  # 4: not integer
        GOOD[2],
        ["thu-nsnn", "99", "31/12/2022", "01/07/2022", "nhiều", ""],  # line 6: four problems
        GOOD[0],  # line 7: same indicator, unit and period as line 2
    ]
    with pytest.raises(ImportFailed) as exc:
        indicators_import(actor=reform_world.admin, data=xlsx(rows))
    details = dict(exc.value.details)
    assert sorted(details) == [3, 4, 6, 7]
    assert "không có chỉ tiêu mã “khong-co”" in details[3]
    assert "nhận số nguyên" in details[4]
    for part in (
        "không có tỉnh mã “99”",
        "đến ngày trước từ ngày",
        "không phải là số",
        "thiếu nguồn số liệu",
    ):
        assert part in details[6]
    assert "trùng với dòng 2" in details[7]
    assert "4 dòng có lỗi, chưa ghi dòng nào" in exc.value.message
    assert snapshot() == before
    assert AuditEntry.objects.count() == audits


def test_header_broken_file_and_rights(reform_world: ReformWorld) -> None:
    with pytest.raises(ImportFailed, match="thiếu cột: nguồn số liệu"):
        indicators_import(actor=reform_world.admin, data=xlsx([GOOD[0][:5]], HEADER[:5]))
    with pytest.raises(ImportFailed, match="Không đọc được tệp XLSX"):
        indicators_import(actor=reform_world.admin, data=b"PK\x03\x04 broken")
    with pytest.raises(ImportFailed, match="không có dòng số liệu"):
        indicators_import(actor=reform_world.admin, data=xlsx([]))
    with pytest.raises(PermissionDenied):
        indicators_import(actor=reform_world.own, data=xlsx(GOOD))
    assert not IndicatorValue.objects.filter(period_from=dt.date(2022, 7, 1)).exists()


def test_template_has_the_expected_columns() -> None:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(template_xlsx())).active
    assert [str(c.value).lower() for c in ws[1]] == list(COLUMNS)


def test_import_through_the_page_lists_bad_rows(reform_world: ReformWorld) -> None:
    c = Client()
    c.force_login(reform_world.admin)
    before = snapshot()
    bad = xlsx([GOOD[0], ["thu-nsnn", "70", "hôm nay", "31/12/2022", 1, "x"]])
    r = c.post(
        reverse("reform:indicators"),
        {"action": "import", "file": SimpleUploadedFile("chi-tieu.xlsx", bad)},
    )
    body = r.content.decode()
    assert r.status_code == 400
    assert "Dòng 3: từ ngày “hôm nay” không phải ngày (dd/mm/yyyy)" in body
    assert snapshot() == before
    r = c.post(
        reverse("reform:indicators"),
        {"action": "import", "file": SimpleUploadedFile("chi-tieu.csv", b"a,b")},
    )
    assert r.status_code == 400 and "Chỉ nhận tệp .xlsx." in r.content.decode()
    r = c.post(
        reverse("reform:indicators"),
        {"action": "import", "file": SimpleUploadedFile("chi-tieu.xlsx", xlsx(GOOD))},
    )
    assert r.status_code == 302
    assert IndicatorValue.objects.filter(period_from=dt.date(2022, 7, 1)).count() == 3


def test_command_prints_every_bad_line(reform_world: ReformWorld, tmp_path: Path) -> None:
    bad = tmp_path / "chi-tieu.xlsx"
    bad.write_bytes(xlsx([["khong-co", "70", "01/07/2022", "31/12/2022", 1, "x"]]))
    with pytest.raises(SystemExit) as exc:
        call_command("reform_import_indicators", str(bad))
    assert exc.value.code == 2
    good = tmp_path / "tot.xlsx"
    good.write_bytes(xlsx(GOOD))
    out = io.StringIO()
    call_command("reform_import_indicators", str(good), stdout=out)
    assert "Đã nhập 3 giá trị chỉ tiêu." in out.getvalue()


def test_command_error_output_is_vietnamese(tmp_path: Path) -> None:
    """Through the real console script: the reason reaches stderr, exit code 2."""
    r = subprocess.run(
        [sys.executable, "-m", "motcua", "reform-import-indicators", str(tmp_path / "khong.xlsx")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2
    assert "không có tệp" in r.stderr
