"""``motcua reform-report``: the seed's structure, the period's one-stop figures, the plan's
tasks, legal-document counts, indicators and narratives; Decree 30 page setup; LibreOffice
opens the DOCX; the JSON format's schema."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from motcua.reform import report_data
from motcua.reform.report_data import AREA_KEYS, SCHEMA, TASK_ITEM_KEYS, TASK_SUMMARY_KEYS, TOP_KEYS
from motcua.reports.exports import _num
from motcua.reports.selectors import Period, report
from tests.dossiers import conftest as dossiers_world
from tests.reform import plan_world
from tests.reform.plan_world import ReformWorld
from tests.reports.test_exports_indices import SOFFICE, convert, lifecycle
from tests.tools import tool_missing

P = Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
SEED_HEADINGS = [
    "1. Cải cách thể chế",
    "2. Cải cách thủ tục hành chính",
    "3. Cải cách tổ chức bộ máy",
    "4. Cải cách công vụ",
    "5. Cải cách tài chính công",
    "6. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
]
SEED_SUBHEADINGS = [
    "Kết quả giải quyết hồ sơ TTHC tại các cấp chính quyền ở địa phương",
    "Kết quả thực hiện quy định về quản lý, sử dụng tài sản công",
    "Tình hình tổ chức và hoạt động của Bộ phận Một cửa các cấp",
    "Xây dựng, phát triển đô thị thông minh",
]

world = dossiers_world.world  # the shared small province (fixture)
reform_world = plan_world.reform_world  # fixture


def docx_text(data: bytes) -> tuple[Any, str]:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]

    def cells(tables: Any) -> None:
        for t in tables:
            for row in t.rows:
                for c in row.cells:
                    parts.append(c.text)
                    cells(c.tables)

    cells(doc.tables)
    return doc, "\n".join(parts)


@pytest.fixture
def h1(reform_world: ReformWorld, tmp_path: Path) -> tuple[ReformWorld, Path]:
    lifecycle(reform_world.w)  # three dossiers in June 2022 at province and commune level
    out = tmp_path / "bao-cao-cchc.docx"
    call_command(
        "reform_report",
        "--from",
        "2022-01-01",
        "--to",
        "2022-06-30",
        "--format",
        "docx",
        "-o",
        str(out),
        stderr=io.StringIO(),
    )
    return reform_world, out


def test_docx_has_the_seed_structure_and_the_period_figures(h1: tuple) -> None:
    _rw, out = h1
    doc, text = docx_text(out.read_bytes())
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:6] == SEED_HEADINGS
    for sub in SEED_SUBHEADINGS:
        assert sub in text, sub
    assert (
        "KẾT QUẢ CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NHÀ NƯỚC 6 THÁNG ĐẦU NĂM 2022 TRÊN ĐỊA BÀN TỈNH "
        "BÌNH PHƯỚC" in text
    )
    # the one-stop figures of the period, as `motcua report` computes them
    rep = report(P)
    prov, commune = rep["levels"]["province"], rep["levels"]["commune"]
    assert prov["received"] == 2 and commune["received"] == 1
    assert (
        f"Cấp tỉnh: tiếp nhận {_num(prov['received'])} hồ sơ ({_num(prov['received_new'])} hồ sơ "
        f"tiếp nhận mới và {_num(prov['carried_over'])} hồ sơ từ các kỳ trước chuyển sang). "
        f"Kết quả: {_num(prov['resolved'])} hồ sơ đã giải quyết (trong đó giải quyết trễ hạn "
        f"{_num(prov['resolved_late'])} hồ sơ chiếm {_num(prov['late_rate'])}%)" in text
    )
    assert f"Cấp xã: tiếp nhận {_num(commune['received'])} hồ sơ" in text
    total = rep["catalog"]["by_level"]["total"]["total"]
    assert f"Tổng số TTHC được công bố thực hiện trên địa bàn tỉnh là {_num(total)}" in text
    # legal documents (the seed's counts), indicators, narratives, tasks
    assert "Ủy ban nhân dân tỉnh ban hành 15 Quyết định quy phạm pháp luật" in text
    assert "Hội đồng nhân dân tỉnh ban hành 03 Nghị quyết" in text
    assert "Sở Tư pháp góp ý 154 văn bản; thẩm định 18 văn bản" in text
    assert "7.250 tỷ đồng" in text and "7.717.215 triệu đồng" in text
    assert "Kế hoạch số 73/KH-UBND ngày 17/3/2022" in text
    assert "Số hóa hồ sơ, kết quả giải quyết TTHC mức độ 2" in text
    assert "Đang thực hiện (quá hạn)" in text
    # a narrative's "## " line is a bold sub-heading paragraph of its own
    assert "## " not in text
    sub = [p for p in doc.paragraphs if p.text == SEED_SUBHEADINGS[2]]
    assert len(sub) == 1 and all(r.bold for r in sub[0].runs)
    # the PAR index: nothing assessed yet, said in a sentence
    assert "Chưa có kết quả Chỉ số cải cách hành chính năm 2022" in text
    # the administrative-document heading
    for part in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN\nTỈNH BÌNH PHƯỚC",
        "/BC-UBND",
        "BÁO CÁO",
    ):
        assert part in text, part


def test_docx_page_setup_follows_decree_30(h1: tuple) -> None:
    from docx.shared import Mm

    doc, _ = docx_text(h1[1].read_bytes())
    s = doc.sections[0]
    assert abs(s.page_width - Mm(210)) < Mm(1) and abs(s.page_height - Mm(297)) < Mm(1)
    assert Mm(20) <= s.top_margin <= Mm(25) and Mm(20) <= s.bottom_margin <= Mm(25)
    assert Mm(30) <= s.left_margin <= Mm(35) and Mm(15) <= s.right_margin <= Mm(20)
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman" and 13 <= normal.size.pt <= 14
    assert doc.styles["Heading 2"].font.name == "Times New Roman"


def test_docx_opens_in_libreoffice(h1: tuple) -> None:
    if SOFFICE is None:
        tool_missing("LibreOffice không có trên máy này; CI cài libreoffice-writer")
    pdf = convert(h1[1], "pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_ranking_rows_are_rendered_as_a_table(
    reform_world: ReformWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from motcua.reform import par_selectors
    from motcua.reform.report_docx import to_docx

    rows = [
        {
            "agency_code": "000.00.03.H10",
            "agency_name": "Sở Tư pháp",
            "group": "so",
            "group_label": "Sở, ban, ngành",
            "self_score": 88.5,
            "final_score": 86.25,
            "max_score": 100,
            "index_pct": 86.25,
            "rank": 1,
        },
    ]
    monkeypatch.setattr(par_selectors, "ranking", lambda year: rows if year == 2022 else [])
    rep = report_data.build(P, unit=reform_world.w.province)
    assert rep["par_ranking"] == {"year": 2022, "rows": rows}
    _, text = docx_text(to_docx(rep))
    assert "Sở Tư pháp" in text and "86,25" in text
    assert "Chưa có kết quả Chỉ số" not in text


def test_json_schema(reform_world: ReformWorld) -> None:
    lifecycle(reform_world.w)
    out = io.StringIO()
    call_command("reform_report", "--from", "2022-01-01", "--to", "2022-06-30", stdout=out)
    rep = json.loads(out.getvalue())
    assert tuple(rep) == TOP_KEYS
    assert rep["schema"] == SCHEMA and rep["from"] == "2022-01-01" and rep["as_of"] == "2022-06-30"
    assert rep["unit"] == {"code": "70", "name": "Tỉnh Bình Phước", "short_name": "Bình Phước"}
    assert [a["number"] for a in rep["areas"]] == [1, 2, 3, 4, 5, 6]
    assert [f"{a['number']}. {a['name']}" for a in rep["areas"]] == SEED_HEADINGS
    for a in rep["areas"]:
        assert tuple(a) == AREA_KEYS
        assert tuple(a["tasks"]) == TASK_SUMMARY_KEYS
        assert all(tuple(i) == TASK_ITEM_KEYS for i in a["tasks"]["items"])
        t = a["tasks"]
        assert t["total"] == t["done"] + t["in_progress"] + t["not_started"] + t["cancelled"]
        for v in a["indicators"]:
            assert isinstance(v["value"], int | float) and v["source"]
    areas = {a["code"]: a for a in rep["areas"]}
    assert areas["tthc"]["tasks"]["overdue"] == 1
    assert sum(a["tasks"]["overdue"] for a in rep["areas"]) == 1
    assert {d["kind"]: d["count"] for d in areas["the_che"]["legal_docs"]} == {
        "qd_qppl": 15,
        "nq_hdnd": 3,
        "gop_y": 154,
        "tham_dinh": 18,
    }
    assert {v["code"]: v["value"] for v in areas["tai_chinh"]["indicators"]}["thu-nsnn"] == 7250
    assert any("Kế hoạch số 73/KH-UBND" in p for p in areas["tthc"]["narrative"])
    assert rep["one_stop"] == json.loads(json.dumps(report(P), ensure_ascii=False))
    assert rep["par_ranking"] == {"year": 2022, "rows": []}
    assert rep["plans"][0]["year"] == 2022


def test_other_periods_do_not_mix_figures(reform_world: ReformWorld) -> None:
    rep = report_data.build(
        Period(dt.date(2022, 7, 1), dt.date(2022, 12, 31)), unit=reform_world.w.province
    )
    areas = {a["code"]: a for a in rep["areas"]}
    assert all(
        not a["legal_docs"] and not a["indicators"] and not a["narrative"] for a in rep["areas"]
    )
    assert areas["tthc"]["tasks"]["total"] == 4  # the year's plan is still reported on
    assert "TỪ NGÀY 01/07/2022 ĐẾN NGÀY 31/12/2022 TRÊN ĐỊA BÀN TỈNH BÌNH PHƯỚC" in rep["title"]


def test_bad_arguments_exit_2_with_a_vietnamese_line(
    reform_world: ReformWorld, capsys: Any
) -> None:
    for args, message in (
        (["--from", "2022-13-01", "--to", "2022-06-30"], "--from"),
        (["--from", "2022-07-01", "--to", "2022-06-30"], ""),
        (["--from", "2022-01-01", "--to", "2022-06-30", "--format", "docx"], "cần -o TỆP"),
        (["--from", "2022-01-01", "--to", "2022-06-30", "--unit", "99"], "không có đơn vị"),
    ):
        with pytest.raises(SystemExit) as exc:
            call_command("reform_report", *args)
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("lỗi [") and message in err


def test_report_page_downloads_for_admin_only(reform_world: ReformWorld) -> None:
    rw = reform_world
    q = {"period_from": "2022-01-01", "period_to": "2022-06-30", "format": "docx"}
    c = Client()
    c.force_login(rw.admin)
    r = c.get(reverse("reform:report"), q)
    assert r.status_code == 200 and r["Content-Disposition"].endswith('.docx"')
    _, text = docx_text(r.content)
    assert "1. Cải cách thể chế" in text
    r = c.get(reverse("reform:report"), {**q, "format": "json"})
    assert json.loads(r.content)["schema"] == SCHEMA
    r = c.get(reverse("reform:report"), {**q, "period_to": "2021-01-01"})
    assert r.status_code == 400 and "Đến ngày phải sau hoặc bằng từ ngày." in r.content.decode()
    own = Client()
    own.force_login(rw.own)
    assert own.get(reverse("reform:report"), q).status_code == 403
