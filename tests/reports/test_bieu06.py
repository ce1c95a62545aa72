"""Biểu số 06/VPCP/KSTT as the form is: title, reporting and receiving units, unit of count, row
numbers, and received = resolved + in progress on every row; withdrawn and returned dossiers on
a sheet of their own, with the convention stated."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from motcua.reports.exports import bieu06_rows, to_xlsx
from motcua.reports.selectors import Period, report
from tests.reports.test_report_edges import load, r

pytestmark = pytest.mark.django_db

P = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
DUE = "2022-03-04T09:00:00+07:00"
REC = "2022-03-01T09:00:00+07:00"
FIELD = "Chưa phân loại (dữ liệu chuyển đổi)"


def build(tmp_path: Path) -> dict[str, Any]:
    load(
        tmp_path,
        [
            r("A1", REC, DUE, finished="2022-03-02T10:00:00+07:00"),  # online, early
            r("A2", REC, DUE, finished="2022-03-04T10:00:00+07:00", channel="counter"),  # late
            r(  # carried over, on time on its due day
                "A3",
                "2021-12-20T09:00:00+07:00",
                "2022-01-10T17:00:00+07:00",
                finished="2022-01-10T17:00:00+07:00",
                channel="counter",
            ),
            r("A4", REC, DUE, status="processing"),  # online, overdue at the end
            r(
                "W1",
                REC,
                DUE,
                status="withdrawn",
                finished="2022-03-02T09:00:00+07:00",
                level="district",
            ),
            r(
                "R1",
                REC,
                DUE,
                status="returned",
                finished="2022-03-02T09:00:00+07:00",
                level="district",
                channel="counter",
            ),
            r(  # carried over, withdrawn in January
                "W2",
                "2021-12-28T09:00:00+07:00",
                "2022-01-20T17:00:00+07:00",
                status="withdrawn",
                finished="2022-01-05T09:00:00+07:00",
                level="district",
                channel="counter",
            ),
            r(  # online, within time at the end
                "P1",
                "2022-06-28T09:00:00+07:00",
                "2022-07-05T17:00:00+07:00",
                status="processing",
                level="district",
            ),
        ],
    )
    return report(P)


def cells(ws: Any) -> list[list[Any]]:
    return [[c.value for c in line] for line in ws.iter_rows()]


def test_bieu06_is_the_form(tmp_path: Path) -> None:
    rep = build(tmp_path)
    wb = load_workbook(
        io.BytesIO(
            to_xlsx(
                rep,
                bieu06_rows(rep),
                reporting_unit="Ủy ban nhân dân tỉnh Bình Phước",
                receiving_unit="Văn phòng Chính phủ",
            )
        )
    )
    ws = wb["Biểu 06"]
    grid = cells(ws)
    text = "\n".join(str(v) for line in grid for v in line if v is not None)
    assert grid[0][0] == "Biểu số 06/VPCP/KSTT"
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Kỳ báo cáo: từ ngày 01/01/2022 đến ngày 30/06/2022" in text
    assert "Đơn vị báo cáo: Ủy ban nhân dân tỉnh Bình Phước" in text
    assert "Đơn vị nhận báo cáo: Văn phòng Chính phủ" in text
    assert "Đơn vị tính: hồ sơ" in text
    assert "rút" in text and "trả lại" in text and "Biểu 06 - rút, trả lại" in text
    head = next(i for i, line in enumerate(grid) if line[0] == "STT")
    assert grid[head][1] == "Lĩnh vực giải quyết"
    body = [line[:13] for line in grid[head + 1 :] if line[0] is not None or line[1] is not None]
    # after the two header rows: the column numbers (1)…(13)
    assert body[0] == [f"({n})" for n in range(1, 14)] or body[1] == [
        f"({n})" for n in range(1, 14)
    ]
    rows = {(line[0], line[1]): line for line in body if isinstance(line[2], int)}
    # STT, field, received, online, direct/postal, carried over, resolved (total, early, on
    # time, late), in progress (total, within time, overdue)
    assert rows[(1, FIELD)] == [1, FIELD, 4, 2, 1, 1, 3, 1, 1, 1, 1, 0, 1]
    # district: W1, R1 and W2 are not on the form; P1 is
    assert rows[(2, FIELD)] == [2, FIELD, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0]
    assert rows[(None, "Tổng cộng")] == [None, "Tổng cộng", 5, 3, 1, 1, 3, 1, 1, 1, 2, 1, 1]
    for line in rows.values():
        assert line[2] == line[3] + line[4] + line[5]  # received = online + direct + carried
        assert line[2] == line[6] + line[10]  # received = resolved + in progress
        assert line[6] == line[7] + line[8] + line[9]
        assert line[10] == line[11] + line[12]
    groups = [line[0] for line in body if line[0] in ("I", "II", "III")]
    assert groups == ["I", "II"]
    side = cells(wb["Biểu 06 - rút, trả lại"])
    side_text = "\n".join(str(v) for line in side for v in line if v is not None)
    assert "không tính vào Biểu 06" in side_text
    head = next(i for i, line in enumerate(side) if line[0] == "STT")
    assert side[head][:5] == ["STT", "Lĩnh vực", "Cấp", "Rút / dừng giải quyết", "Trả lại"]
    assert side[head + 1][:5] == [1, FIELD, "Cấp huyện", 2, 1]
