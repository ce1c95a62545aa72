"""The reform report (``report_data.build``) as an administrative document (python-docx).

Presentation after Decree 30/2020/NĐ-CP: A4, margins top 20 mm, bottom 20 mm, left 30 mm,
right 15 mm; Times New Roman 14 (tables 12); the issuing body and the number on the left, the
national heading (Quốc hiệu, tiêu ngữ) and the place and date on the right; the document kind
(BÁO CÁO) and its summary centred in bold.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from motcua.reports.exports import _num

SUB_HEADING = "## "  # a narrative line starting so is printed as a bold sub-heading
LEVELS = {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã"}


def _fonts(doc: Any) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title"):
        st = doc.styles[name]
        st.font.name = "Times New Roman"
        st.font.size = Pt(14)
        if name != "Normal":
            st.font.color.rgb = None
            st.font.bold = True
        rpr = st.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(attr), "Times New Roman")
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
    doc.styles["Normal"].paragraph_format.space_after = Pt(6)


def _mm(value: float) -> Any:
    """A length of at least ``value`` mm in whole twips (Word stores margins in twips; a plain
    Mm(15) rounds down to 14.99 mm)."""
    import math

    from docx.shared import Twips

    return Twips(math.ceil(value * 1440 / 25.4))


def _page(doc: Any) -> None:
    for s in doc.sections:
        s.page_width, s.page_height = _mm(210), _mm(297)
        s.top_margin, s.bottom_margin = _mm(20), _mm(20)
        s.left_margin, s.right_margin = _mm(30), _mm(15)


def _cell_lines(cell: Any, lines: list[tuple[str, bool, bool]], size: int = 13) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cell.paragraphs[0].text = ""
    for i, (text, bold, italic) in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(size)


def _heading_block(doc: Any, rep: dict[str, Any], issued: dt.date) -> None:
    from docx.shared import Mm

    name = rep["unit"]["short_name"]
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    for col, width in zip(table.columns, (Mm(70), Mm(95)), strict=True):
        col.width = width
        for cell in col.cells:
            cell.width = width
    _cell_lines(
        left,
        [
            ("ỦY BAN NHÂN DÂN", True, False),
            (f"TỈNH {name.upper()}", True, False),
            ("", False, False),
            ("Số:        /BC-UBND", False, False),
        ],
        size=12,
    )
    _cell_lines(
        right,
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False),
            ("Độc lập - Tự do - Hạnh phúc", True, False),
            ("", False, False),
            (
                f"{name}, ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}",
                False,
                True,
            ),
        ],
        size=12,
    )


def _centered(doc: Any, text: str, *, bold: bool = True) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(text).bold = bold


def _para(doc: Any, text: str, *, bold: bool = False, italic: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Mm(10)
    run = p.add_run(text)
    run.bold, run.italic = bold, italic


def _grid(
    doc: Any, header: list[str], rows: list[list[str]], widths: list[int] | None = None
) -> None:
    """A bordered table; ``widths`` in mm (the text width is 165 mm)."""
    from docx.shared import Mm, Pt

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(12)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).font.size = Pt(12)
    if widths:
        table.autofit = False
        for col, width in zip(table.columns, widths, strict=True):
            col.width = Mm(width)  # the grid LibreOffice reads
            for cell in col.cells:
                cell.width = Mm(width)  # the cells Word reads
    doc.add_paragraph()


def _vn(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def _count(n: int) -> str:
    return f"{n:02d}" if n < 10 else _num(n)


def _legal_sentence(rows: list[dict[str, Any]]) -> str:
    phrases = {
        "qd_qppl": "Ủy ban nhân dân tỉnh ban hành {n} Quyết định quy phạm pháp luật",
        "nq_hdnd": "Hội đồng nhân dân tỉnh ban hành {n} Nghị quyết",
        "gop_y": "Sở Tư pháp góp ý {n} văn bản",
        "tham_dinh": "thẩm định {n} văn bản",
        "qd_cong_bo": "Ủy ban nhân dân tỉnh ban hành {n} Quyết định công bố thủ tục hành chính",
    }
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["kind"]] = totals.get(r["kind"], 0) + r["count"]
    order = list(phrases)
    parts = [
        phrases[k].format(n=_count(n))
        for k, n in sorted(totals.items(), key=lambda kv: order.index(kv[0]))
    ]
    return "Trong kỳ báo cáo, " + "; ".join(parts) + "."


def _value(r: dict[str, Any]) -> str:
    sep = "" if r["measure"] == "%" else " "
    return f"{_num(r['value'])}{sep}{r['measure']}".strip()


def _indicators(doc: Any, rows: list[dict[str, Any]]) -> None:
    _para(doc, "Các chỉ tiêu theo dõi trong kỳ:", italic=True)
    _grid(
        doc,
        ["Chỉ tiêu", "Kỳ số liệu", "Giá trị", "Nguồn số liệu"],
        [
            [
                r["name"],
                f"{_vn(r['from'])} – {_vn(r['to'])}",
                _value(r),
                r["source"],
            ]
            for r in rows
        ],
        [60, 30, 30, 45],
    )


def _tasks(doc: Any, t: dict[str, Any], plans: list[dict[str, Any]]) -> None:
    plan = "; ".join(p["number"] or p["title"] for p in plans) or "Kế hoạch cải cách hành chính"
    _para(
        doc,
        f"Thực hiện {plan}: lĩnh vực có {_count(t['total'])} nhiệm vụ, trong đó "
        f"{_count(t['done'])} nhiệm vụ đã hoàn thành, {_count(t['in_progress'])} nhiệm vụ đang "
        f"thực hiện, {_count(t['not_started'])} nhiệm vụ chưa thực hiện"
        + (f", {_count(t['cancelled'])} nhiệm vụ không thực hiện" if t["cancelled"] else "")
        + f"; {_count(t['overdue'])} nhiệm vụ quá hạn chưa hoàn thành.",
    )
    _grid(
        doc,
        ["Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Tình trạng"],
        [
            [
                i["title"],
                i["agency"],
                _vn(i["deadline"]),
                i["status_label"] + (" (quá hạn)" if i["overdue"] else ""),
            ]
            for i in t["items"]
        ],
        [70, 40, 26, 29],
    )


def _procedures(doc: Any, one: dict[str, Any]) -> None:
    """Area 2: the one-stop figures of the period, worded like the seed."""
    cat = one.get("catalog", {}).get("by_level", {})
    if cat.get("total"):
        t = cat["total"]
        p_, d_, c_ = (cat.get(k, {}) for k in ("province", "district", "commune"))
        _para(
            doc,
            f"Tổng số TTHC được công bố thực hiện trên địa bàn tỉnh là {_num(t['total'])}, số "
            f"TTHC cấp tỉnh là {_num(p_.get('total', 0))}; số TTHC cấp huyện là "
            f"{_num(d_.get('total', 0))}; số TTHC cấp xã là {_num(c_.get('total', 0))}; trong đó "
            f"số TTHC thực hiện liên thông giữa các cấp chính quyền {_num(t['inter_level'])}.",
        )
    sh = one.get("shares", {})
    levels = one.get("levels", {})
    if levels.get("total"):
        _para(
            doc,
            "Thực hiện số hóa hồ sơ, giấy tờ, kết quả giải quyết TTHC: tỷ lệ hồ sơ được số hóa "
            f"khi tiếp nhận đạt {_num(sh.get('digitized', 0.0))}%; tỷ lệ kết quả giải quyết được "
            f"cấp bản điện tử đạt {_num(sh.get('electronic_results', 0.0))}%.",
        )
    _para(doc, "Kết quả giải quyết hồ sơ TTHC tại các cấp chính quyền ở địa phương", bold=True)
    if not levels:
        _para(doc, "Trong kỳ không có hồ sơ thủ tục hành chính trên hệ thống.")
    for key, label in LEVELS.items():
        lv = levels.get(key)
        if not lv:
            continue
        late_open = (
            f" (trong đó {_count(lv['in_progress_overdue'])} hồ sơ đã trễ hạn)"
            if lv["in_progress_overdue"]
            else ""
        )
        _para(
            doc,
            f"{label}: tiếp nhận {_num(lv['received'])} hồ sơ ({_num(lv['received_new'])} hồ sơ "
            f"tiếp nhận mới và {_num(lv['carried_over'])} hồ sơ từ các kỳ trước chuyển sang). "
            f"Kết quả: {_num(lv['resolved'])} hồ sơ đã giải quyết (trong đó giải quyết trễ hạn "
            f"{_num(lv['resolved_late'])} hồ sơ chiếm {_num(lv['late_rate'])}%), "
            f"{_num(lv['in_progress'])} hồ sơ đang giải quyết{late_open}.",
        )
    rows = [
        [
            LEVELS.get(k, "Tổng cộng"),
            _num(v["received"]),
            _num(v["carried_over"]),
            _num(v["resolved"]),
            _num(v["resolved_late"]),
            _num(v["late_rate"]),
            _num(v["in_progress"]),
        ]
        for k, v in levels.items()
        if k in (*LEVELS, "total")
    ]
    if rows:
        _grid(
            doc,
            ["Cấp", "Tiếp nhận", "Kỳ trước", "Đã giải quyết", "Trễ hạn", "Tỷ lệ trễ (%)", "Đang"],
            rows,
        )


def _digital(doc: Any, one: dict[str, Any]) -> None:
    """Area 6: online services, online receipt and payments from the one-stop data."""
    tot = one.get("levels", {}).get("total")
    if not tot:
        return
    cat = one.get("catalog", {})
    c_tot = cat.get("by_level", {}).get("total", {})
    sh = one.get("shares", {})
    _para(
        doc,
        f"Kết quả cung cấp dịch vụ công trực tuyến: {_num(c_tot.get('online', 0))} dịch vụ công "
        f"trực tuyến trên tổng số {_num(c_tot.get('total', 0))} dịch vụ công của tỉnh (đạt "
        f"{_num(cat.get('online_share', 0.0))}%); tỷ lệ tiếp nhận hồ sơ TTHC trên môi trường "
        f"điện tử đạt {_num(sh.get('received_online', 0.0))}%. Thanh toán trực tuyến: "
        f"{_num(tot.get('online_payments', 0))} giao dịch thành công với tổng số tiền "
        f"{_num(tot.get('online_payment_vnd', 0))} đồng.",
    )


def _narrative(doc: Any, lines: list[str]) -> None:
    for line in lines:
        if line.startswith(SUB_HEADING):
            _para(doc, line[len(SUB_HEADING) :].strip(), bold=True)
        else:
            _para(doc, line)


def _ranking(doc: Any, rank: dict[str, Any]) -> None:
    doc.add_heading(f"Chỉ số cải cách hành chính năm {rank['year']} của các cơ quan, đơn vị", 2)
    if not rank["rows"]:
        _para(
            doc,
            f"Chưa có kết quả Chỉ số cải cách hành chính năm {rank['year']} của các cơ quan, "
            "đơn vị (chưa thẩm định xong hoặc chưa tự đánh giá).",
        )
        return
    _grid(
        doc,
        ["Hạng", "Cơ quan, đơn vị", "Nhóm", "Tự đánh giá", "Thẩm định", "Chỉ số (%)"],
        [
            [
                str(r.get("rank", "")),
                str(r.get("agency_name", "")),
                str(r.get("group_label", r.get("group", ""))),
                _num(r["self_score"]) if r.get("self_score") is not None else "—",
                _num(r["final_score"]) if r.get("final_score") is not None else "—",
                _num(r["index_pct"]) if r.get("index_pct") is not None else "—",
            ]
            for r in rank["rows"]
        ],
    )


def to_docx(rep: dict[str, Any], *, issued: dt.date | None = None) -> bytes:
    from django.utils import timezone
    from docx import Document

    doc = Document()
    _fonts(doc)
    _page(doc)
    _heading_block(doc, rep, issued or timezone.localdate())
    doc.add_paragraph()
    _centered(doc, "BÁO CÁO")
    _centered(doc, rep["title"])
    _para(
        doc,
        f"Kỳ báo cáo: từ ngày {_vn(rep['from'])} đến ngày {_vn(rep['to'])}; tình trạng nhiệm vụ "
        f"tính đến ngày {_vn(rep['as_of'])}.",
        italic=True,
    )
    for area in rep["areas"]:
        doc.add_heading(f"{area['number']}. {area['name']}", level=2)
        _narrative(doc, area["narrative"])
        if area["legal_docs"]:
            _para(doc, _legal_sentence(area["legal_docs"]))
        if area["code"] == "tthc":
            _procedures(doc, rep["one_stop"])
        if area["code"] == "cq_so":
            _digital(doc, rep["one_stop"])
        if area["indicators"]:
            _indicators(doc, area["indicators"])
        if area["tasks"]["total"]:
            _tasks(doc, area["tasks"], rep["plans"])
        if not (
            area["narrative"]
            or area["legal_docs"]
            or area["indicators"]
            or area["tasks"]["total"]
            or area["code"] in ("tthc", "cq_so")
        ):
            _para(doc, "Chưa có số liệu, đánh giá của lĩnh vực này trong kỳ.", italic=True)
    _ranking(doc, rep["par_ranking"])
    _signature(doc, rep)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _signature(doc: Any, rep: dict[str, Any]) -> None:
    from docx.shared import Mm, Pt

    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    _cell_lines(
        left,
        [
            ("Nơi nhận:", True, True),
            ("- Bộ Nội vụ;", False, False),
            ("- TT. Tỉnh ủy, TT. HĐND tỉnh;", False, False),
            ("- Lưu: VT.", False, False),
        ],
        size=11,
    )
    for p in left.paragraphs:
        p.alignment = 0  # left
        p.paragraph_format.space_after = Pt(0)
    _cell_lines(
        right,
        [("TM. ỦY BAN NHÂN DÂN", True, False), ("CHỦ TỊCH", True, False)],
    )
