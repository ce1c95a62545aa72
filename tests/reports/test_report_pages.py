"""The report pages for leaders: each leader sees the dossiers of their own agencies only (the
drill-down, the evaluation table, the exports), and the pages show what the reports compute."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook

from motcua.dossiers.legacy import import_dossiers
from motcua.reports.models import Appraisal
from tests.dossiers.conftest import World
from tests.reports.test_import_dossiers import csv_text, row

pytestmark = pytest.mark.django_db

Q = {"from": "2022-01-01", "to": "2022-06-30"}
LATE = {
    "received_at": "2022-03-01T09:00:00+07:00",
    "due_at": "2022-03-04T09:00:00+07:00",
    "finished": "2022-03-07T09:00:00+07:00",
}


def build(w: World, tmp_path: Path) -> None:
    rows = [
        row("TP-LATE-1", agency_code=w.justice.code, **LATE),
        row("HUYEN-LATE-1", agency_code=w.district_committee.code, level="district", **LATE),
    ]
    f = tmp_path / "x.csv"
    f.write_text(csv_text(rows), encoding="utf-8")
    import_dossiers(f)


def client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def test_drill_down_shows_each_leader_only_their_agencies(world: World, tmp_path: Path) -> None:
    build(world, tmp_path)
    justice = client(world.users["leader"]).get("/can-bo/bao-cao/chi-tiet/on_time/", Q)
    district = client(world.users["district_leader"]).get("/can-bo/bao-cao/chi-tiet/on_time/", Q)
    assert justice.status_code == 200 and district.status_code == 200
    assert "TP-LATE-1" in justice.content.decode()
    assert "HUYEN-LATE-1" not in justice.content.decode()
    assert "HUYEN-LATE-1" in district.content.decode()
    assert "TP-LATE-1" not in district.content.decode()


def test_dashboard_evaluation_has_self_scored_and_appraised_columns(
    world: World, tmp_path: Path
) -> None:
    build(world, tmp_path)
    Appraisal.objects.create(
        agency=world.justice,
        period_from=dt.date(2022, 1, 1),
        period_to=dt.date(2022, 6, 30),
        scores=dict.fromkeys([f"i{n}" for n in range(1, 10)], 2),
    )
    from motcua.dossiers.models import ApologyBreach, Dossier

    Dossier.objects.filter(code="TP-LATE-1").update(apology_breach=ApologyBreach.MISSING)
    page = client(world.users["leader"]).get("/can-bo/bao-cao/", Q).content.decode()
    assert "trễ hạn không có văn bản xin lỗi: 1" in page
    # the 766 index over the leader's own agency: its one dossier was resolved late (0 of 1)
    index = page[page.index('id="index766"') : page.index('id="evaluation"')]
    progress = index[index.index("Tỷ lệ hồ sơ đã và đang giải quyết đúng hạn") :]
    assert "0,0% (0/1)" in progress[: progress.index("</tr>")]
    table = page[page.index('id="evaluation"') :]
    assert "0 / 1" in table  # late apologies / missing apologies of the justice department
    assert "Tự chấm" in table and "Thẩm định" in table
    assert "<td>18</td><td>Xuất sắc</td>" in table  # the appraised column
    assert world.district_committee.name not in table
    other = client(world.users["district_leader"]).get("/can-bo/bao-cao/", Q).content.decode()
    assert "chưa thẩm định" in other  # its agency has no appraisal for the period
    assert world.justice.name not in other[other.index('id="evaluation"') :]


def test_export_names_the_leaders_agency_as_reporting_unit(world: World, tmp_path: Path) -> None:
    build(world, tmp_path)
    x = client(world.users["leader"]).get("/can-bo/bao-cao/tai-ve/xlsx/", Q)
    wb = load_workbook(io.BytesIO(x.content))
    first_column = [line[0].value for line in wb["Biểu 06"].iter_rows()]
    assert f"Đơn vị báo cáo: {world.justice.name}" in first_column
    assert "Đơn vị nhận báo cáo: Văn phòng UBND tỉnh" in first_column
    totals = [line for line in wb["Biểu 06"].iter_rows(values_only=True) if line[1] == "Tổng cộng"]
    assert totals[0][2] == 1  # the justice dossier only
