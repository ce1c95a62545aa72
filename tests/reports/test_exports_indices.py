"""Exports open in LibreOffice; evaluation, the 766 index and targets follow the data."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from motcua.dossiers.files import check_upload
from motcua.dossiers.services import dossier_receive, result_attach, step_complete
from motcua.reports.exports import bieu06_rows, to_docx, to_xlsx
from motcua.reports.indices import (
    criteria_load,
    drill_down,
    evaluation,
    index766,
    targets_vs_actual,
)
from motcua.reports.models import IndexCriterion, Metric, Target
from motcua.reports.selectors import Period, period_preset, report
from tests.dossiers.conftest import World, at
from tests.esign_tools import signed_pdf
from tests.tools import tool_missing

P = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def lifecycle(w: World) -> None:
    a = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    step_complete(actor=w.users["specialist"], dossier=a, now=at("2022-06-02 09:00"))
    result_attach(
        actor=w.users["leader"],
        dossier=a,
        signer="Giám đốc",
        checked=check_upload("kq.pdf", signed_pdf(w.justice)),
        now=at("2022-06-02 10:00"),
    )
    step_complete(actor=w.users["leader"], dossier=a, now=at("2022-06-03 10:00"))
    b = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 10:00")
    )
    step_complete(actor=w.users["specialist"], dossier=b, now=at("2022-06-10 09:00"))
    step_complete(actor=w.users["leader"], dossier=b, now=at("2022-06-10 10:00"))
    dossier_receive(
        actor=w.users["commune_counter"],
        desk=w.commune_desk,
        intake=w.intake(w.inter),
        now=at("2022-06-20 09:00"),
    )


def convert(path: Path, target: str) -> Path:
    out = path.parent / "converted"
    subprocess.run(
        [
            SOFFICE or "soffice",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(path.parent), "PATH": "/usr/bin:/bin"},
    )
    return out / (path.stem + "." + target.split(":")[0])  # the filter options follow a colon


def test_xlsx_and_docx_open_in_libreoffice(world: World, tmp_path: Path) -> None:
    if SOFFICE is None:
        tool_missing("LibreOffice không có trên máy này; CI cài libreoffice-calc, -writer")
    lifecycle(world)
    rep = report(P)
    xlsx = tmp_path / "bao-cao.xlsx"
    xlsx.write_bytes(to_xlsx(rep, bieu06_rows(rep)))
    docx = tmp_path / "bao-cao.docx"
    docx.write_bytes(to_docx(rep))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bao-cao-6-thang.xlsx").write_bytes(xlsx.read_bytes())
    (ARTIFACTS / "bao-cao-6-thang.docx").write_bytes(docx.read_bytes())
    csv_out = convert(xlsx, "csv:Text - txt - csv (StarCalc):44,34,76")
    assert "Cấp tỉnh" in csv_out.read_text(encoding="utf-8", errors="replace")
    pdf_out = convert(docx, "pdf")
    assert pdf_out.read_bytes().startswith(b"%PDF-")
    (ARTIFACTS / "bao-cao-6-thang.pdf").write_bytes(pdf_out.read_bytes())


def test_xlsx_numbers_are_numbers_and_bieu06_convention(world: World) -> None:
    lifecycle(world)
    rep = report(P)
    import io

    wb = load_workbook(io.BytesIO(to_xlsx(rep, bieu06_rows(rep))))
    assert wb.sheetnames == [
        "Tổng hợp",
        "Theo cơ quan",
        "Theo lĩnh vực",
        "Theo tháng",
        "Biểu 06",
        "Biểu 06 - rút, trả lại",
    ]
    ws = wb.worksheets[0]
    header = [c.value for c in ws[4]]
    assert header[:3] == ["Cấp", "Kỳ trước chuyển sang", "Tiếp nhận mới"]
    province = [c.value for c in ws[5]]
    assert province[0] == "Cấp tỉnh" and province[3] == 2 and isinstance(province[3], int)
    bieu = wb["Biểu 06"]
    notes = [bieu.cell(row=r, column=1).value or "" for r in range(1, 9)]
    assert any(n.startswith("Quy ước") for n in notes)
    labels = [
        (bieu.cell(row=r, column=1).value, bieu.cell(row=r, column=2).value)
        for r in range(1, bieu.max_row + 1)
    ]
    assert ("I", "Cơ quan chuyên môn cấp tỉnh") in labels and ("III", "Cấp xã") in labels


def test_docx_has_the_seed_structure_in_times_new_roman(world: World) -> None:
    lifecycle(world)
    import io

    from motcua.dossiers.models import ApologyBreach, Dossier

    # the dossier resolved late on 10/6 had no apology
    Dossier.objects.filter(finished_at=at("2022-06-10 10:00")).update(
        apology_breach=ApologyBreach.MISSING
    )

    doc = Document(io.BytesIO(to_docx(report(P))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2. Cải cách thủ tục hành chính" in text
    assert "6. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số" in text
    assert (
        "Cấp tỉnh: tiếp nhận 2 hồ sơ (2 hồ sơ tiếp nhận mới và 0 hồ sơ từ các kỳ trước "
        "chuyển sang). Kết quả: 2 hồ sơ đã giải quyết (trong đó giải quyết trễ hạn 1 hồ sơ "
        "chiếm 50,00%)"
    ) in text
    assert (
        "Xin lỗi, hẹn lại ngày trả kết quả: 0 văn bản xin lỗi; xin lỗi muộn (sau thời điểm chậm "
        "nhất 01 ngày trước hạn) 0 hồ sơ; trễ hạn không có văn bản xin lỗi 1 hồ sơ."
    ) in text
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_report_command_formats_and_errors(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lifecycle(world)
    call_command("report", "--from", "2022-01-01", "--to", "2022-06-30")
    out = json.loads(capsys.readouterr().out)
    assert out["levels"]["total"]["received"] == 3
    assert out["index766"]["max"] > 0
    call_command(
        "report",
        "--from",
        "2022-01-01",
        "--to",
        "2022-06-30",
        "--format",
        "xlsx",
        "-o",
        str(tmp_path / "r.xlsx"),
    )
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames[0] == "Tổng hợp" and "Biểu 06" in wb.sheetnames
    total = [c.value for c in wb["Tổng hợp"][7]]  # header on row 4: province, commune, total
    assert total[:4] == ["Tổng cộng", 0, 3, 3]  # nothing carried over, 3 new, 3 received
    bieu = [[c.value for c in line] for line in wb["Biểu 06"].iter_rows()]
    assert bieu[0][0] == "Biểu số 06/VPCP/KSTT"
    # the whole province: the provincial committee reports to the Government Office
    assert "Đơn vị báo cáo: UBND tỉnh" in [line[0] for line in bieu]
    assert "Đơn vị nhận báo cáo: Văn phòng Chính phủ" in [line[0] for line in bieu]
    call_command("report", "--from", "2022-01-01", "--to", "2022-06-30", "--unit", "25195")
    out = json.loads(capsys.readouterr().out)
    assert set(out["levels"]) == {"commune", "total"}
    for args, code in [
        (["--from", "2022-13-01", "--to", "2022-06-30"], "bad_date"),
        (["--from", "2022-07-01", "--to", "2022-06-30"], "bad_period"),
        (["--from", "2022-01-01", "--to", "2022-06-30", "--unit", "x"], "unknown_unit"),
        (["--from", "2022-01-01", "--to", "2022-06-30", "--format", "docx"], "output_required"),
    ]:
        with pytest.raises(SystemExit) as exc:
            call_command("report", *args)
        assert exc.value.code == 2
        assert f"lỗi [{code}]" in capsys.readouterr().err


def test_evaluation_scores(world: World) -> None:
    lifecycle(world)
    ev = evaluation(P)
    justice = next(a for a in ev["agencies"] if a["agency_code"] == world.justice.code)
    assert justice["dossiers"] == 2
    s = justice["scores"]
    assert s["i1"] == 1.0  # one early (2), one late (0)
    assert s["i3"] == 2.0 and s["i4"] == 1.0
    assert s["i8"] == 2 and justice["unscored"] == []  # no feedback due: none late
    assert justice["max"] == 18
    assert ev["levels"]["province"]["agencies"] == 1


def test_index766_from_data_and_weights_editable(world: World) -> None:
    lifecycle(world)
    criteria_load()
    result = index766(P)
    groups = result["groups"]
    assert set(groups) == {"cong_khai", "tien_do", "dvctt", "so_hoa", "hai_long"}
    # handled: a (on time), b (late), the commune dossier (open and overdue at the end):
    # 1 of 3 = 33 % is under the lower step (50 %)
    assert groups["tien_do"]["criteria"][0]["score"] == 0.0
    assert groups["hai_long"]["score"] is None  # nobody rated yet: no data, not re-weighted
    assert result["max"] == 100.0
    province = index766(P, level=1)["groups"]["tien_do"]["criteria"][0]
    assert province["score"] == 10.0  # a of a, b: 50 % → half of 20 points
    IndexCriterion.objects.filter(code="progress").update(points=30)
    assert index766(P, level=1)["groups"]["tien_do"]["criteria"][0]["score"] == 15.0
    late = list(drill_down(P, "on_time"))
    assert len(late) == 1 and late[0].finished_at == at("2022-06-10 10:00")


def test_targets_actual_vs_target(world: World) -> None:
    lifecycle(world)
    Target.objects.create(
        name="100% hồ sơ đúng hạn",
        metric=Metric.ON_TIME,
        value=100,
        period_from=dt.date(2022, 6, 1),
        period_to=dt.date(2022, 8, 31),
        basis="Kế hoạch 170/KH-UBND",
    )
    Target.objects.create(
        name="50% hồ sơ trực tuyến",
        metric=Metric.ONLINE_DOSSIERS,
        value=50,
        period_from=dt.date(2022, 6, 1),
        period_to=dt.date(2022, 8, 31),
    )
    rows = {t["metric"]: t for t in targets_vs_actual(P)}
    assert rows["on_time"]["actual"] == 50.0 and rows["on_time"]["met"] is False
    assert rows["online_dossiers"]["actual"] == 0.0


def test_period_presets() -> None:
    assert period_preset(2022, "quarter", 2) == Period(dt.date(2022, 4, 1), dt.date(2022, 6, 30))
    assert period_preset(2022, "month", 12).last == dt.date(2022, 12, 31)
    assert period_preset(2022, "9").last == dt.date(2022, 9, 30)
    assert period_preset(2024, "month", 2).last == dt.date(2024, 2, 29)


def test_index766_per_level(world: World) -> None:
    lifecycle(world)
    province = index766(P, level=1)
    commune = index766(P, level=3)
    assert province["groups"]["tien_do"]["criteria"][0]["denominator"] == 2
    c = commune["groups"]["tien_do"]["criteria"][0]
    # the inter-level dossier of 20/6 (7 working days, due 29/6) is open and overdue at the end
    assert (c["denominator"], c["numerator"], c["score"]) == (1, 0, 0.0)
