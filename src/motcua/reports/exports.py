"""Exports of the report: xlsx (openpyxl), the Biểu số 06 sheet, and the half-year docx report
(python-docx, Times New Roman as Vietnamese administrative documents use)."""

from __future__ import annotations

import io
from typing import Any

from motcua.core.sheets import text_only
from motcua.reports.selectors import LEVEL_NAMES

TABLE_COLUMNS = (
    ("carried_over", "Kỳ trước chuyển sang"),
    ("received_new", "Tiếp nhận mới"),
    ("received", "Tổng số tiếp nhận"),
    ("received_online", "Trong đó trực tuyến"),
    ("resolved", "Đã giải quyết"),
    ("resolved_early", "Trước hạn"),
    ("resolved_on_time", "Đúng hạn (gồm trước hạn)"),
    ("resolved_late", "Trễ hạn"),
    ("late_rate", "Tỷ lệ trễ hạn (%)"),
    ("withdrawn", "Rút / dừng giải quyết"),
    ("returned", "Trả lại"),
    ("in_progress", "Đang giải quyết"),
    ("in_progress_overdue", "Trong đó quá hạn"),
    ("digitized", "Số hóa khi tiếp nhận"),
    ("electronic_results", "Kết quả điện tử"),
    ("online_payments", "Thanh toán trực tuyến (hồ sơ)"),
    ("online_payment_vnd", "Thanh toán trực tuyến (đồng)"),
    ("apologies", "Văn bản xin lỗi"),
    ("apology_breach_late", "Xin lỗi muộn (sau hạn chậm nhất)"),
    ("apology_breach_missing", "Trễ hạn không có văn bản xin lỗi"),
    ("average_processing_days", "Thời gian giải quyết bình quân (ngày làm việc)"),
)
BIEU06_NOTE = (
    "Quy ước: hồ sơ rút (dừng giải quyết) và hồ sơ trả lại trong kỳ không tính vào biểu này "
    "(không phải 'đã giải quyết', không còn 'đang giải quyết'): chúng được trừ khỏi số nhận giải "
    "quyết theo kênh và kỳ tiếp nhận, và ghi riêng ở trang 'Biểu 06 - rút, trả lại'. Trên biểu: "
    "Tổng số nhận giải quyết = Đã giải quyết + Đang giải quyết."
)


def _sheet(
    ws: Any, title: str, headers: list[str], rows: list[list[Any]], note: str = "", name: str = ""
) -> None:
    from openpyxl.styles import Alignment, Font

    ws.title = (name or title)[:31]
    # fixed layout: title (row 1), convention note (row 2), headers (row 4), data from row 5
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13)
    if note:
        ws["A2"] = note
        ws["A2"].alignment = Alignment(wrap_text=True)
    head = 4
    for col, h in enumerate(headers, start=1):
        cell = ws.cell(row=head, column=col, value=h)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, r in enumerate(rows, start=head + 1):
        for col, value in enumerate(r, start=1):
            ws.cell(row=i, column=col, value=value)
    ws.column_dimensions["A"].width = 34
    for col in range(2, len(headers) + 1):
        ws.column_dimensions[ws.cell(row=head, column=col).column_letter].width = 14
    ws.freeze_panes = ws.cell(row=head + 1, column=2)


def to_xlsx(
    rep: dict[str, Any],
    bieu06: list[dict[str, Any]] | None = None,
    *,
    reporting_unit: str = "",
    receiving_unit: str = "",
    evaluation: dict[str, Any] | None = None,
) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active or wb.create_sheet()
    period = f"từ {rep['from']} đến {rep['to']}"
    keys = [k for k, _ in TABLE_COLUMNS]
    headers = ["Cấp", *(label for _, label in TABLE_COLUMNS)]
    _sheet(
        ws,
        f"Kết quả giải quyết hồ sơ {period}",
        headers,
        name="Tổng hợp",
        rows=[
            [LEVEL_NAMES[lv], *(rep["levels"][lv].get(k, 0) for k in keys)]
            for lv in ("province", "district", "commune", "total")
            if lv in rep["levels"]
        ],
    )
    _sheet(
        wb.create_sheet(),
        "Theo cơ quan",
        ["Cơ quan", "Mã cơ quan", "Cấp", *(label for _, label in TABLE_COLUMNS)],
        [
            [a["agency"], a["agency_code"], LEVEL_NAMES[a["level"]], *(a.get(k, 0) for k in keys)]
            for a in rep.get("by_agency", [])
        ],
    )
    _sheet(
        wb.create_sheet(),
        "Theo lĩnh vực",
        ["Lĩnh vực", "Mã lĩnh vực", "Cấp", *(label for _, label in TABLE_COLUMNS)],
        [
            [f["field"], f["field_code"], LEVEL_NAMES[f["level"]], *(f.get(k, 0) for k in keys)]
            for f in rep.get("by_field", [])
        ],
    )
    _sheet(
        wb.create_sheet(),
        "Theo tháng",
        ["Tháng", "Tiếp nhận", "Đã giải quyết", "Trễ hạn", "Tỷ lệ trễ hạn (%)"],
        [
            [m["month"], m["received"], m["resolved"], m["late"], m["late_rate"]]
            for m in rep.get("by_month", [])
        ],
    )
    if bieu06 is not None:
        bieu06_sheet(
            wb.create_sheet(),
            rep,
            bieu06,
            reporting_unit=reporting_unit,
            receiving_unit=receiving_unit,
        )
    if evaluation is not None:
        evaluation_sheet(wb.create_sheet(), evaluation)
    buf = io.BytesIO()
    text_only(wb).save(buf)
    return buf.getvalue()


EVALUATION_SHEET = "Đánh giá TT 01-2018"


def evaluation_sheet(ws: Any, ev: dict[str, Any]) -> None:
    """The Circular 01/2018 evaluation: the nine indices, the self-scored total and grade, the
    appraised total and grade, and the apology breaches beside them."""
    keys = list(ev["indices"])
    headers = [
        "STT",
        "Cơ quan",
        "Cấp",
        "Số hồ sơ",
        *(f"Chỉ số {k[1:]}: {name}" for k, name in ev["indices"].items()),
        "Tổng điểm tự chấm (/18)",
        "Xếp loại tự chấm",
        "Tổng điểm thẩm định (/18)",
        "Xếp loại thẩm định",
        "Xin lỗi muộn",
        "Trễ hạn không xin lỗi",
    ]
    rows = []
    for i, a in enumerate(ev["agencies"], start=1):
        appraised = a.get("appraised")
        rows.append(
            [
                i,
                a["agency"],
                LEVEL_NAMES[a["level"]],
                a["dossiers"],
                *(a["scores"].get(k) for k in keys),
                a["total"],
                a["grade"],
                appraised["total"] if appraised else None,
                appraised["grade"] if appraised else "chưa thẩm định",
                a["apology_breaches"]["late"],
                a["apology_breaches"]["missing"],
            ]
        )
    _sheet(
        ws,
        f"Đánh giá giải quyết TTHC (Thông tư 01/2018/TT-VPCP) từ {_vn(ev['from'])} đến "
        f"{_vn(ev['to'])}",
        headers,
        rows,
        note=f"Xếp loại: {ev['grades']}. Chỉ số 8: {ev['i8_note']} (tính 0 điểm, để trống).",
        name=EVALUATION_SHEET,
    )


BIEU06_CODE = "Biểu số 06/VPCP/KSTT"
BIEU06_TITLE = (
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT "
    "THỦ TỤC HÀNH CHÍNH"
)
BIEU06_UNIT = "Đơn vị tính: hồ sơ"
BIEU06_SIDE = "Biểu 06 - rút, trả lại"
# two header rows: a group label over its columns, then the columns (None: merged from above)
BIEU06_GROUPS = [
    ("STT", 1),
    ("Lĩnh vực giải quyết", 1),
    ("Số hồ sơ nhận giải quyết", 4),
    ("Kết quả giải quyết: số hồ sơ đã giải quyết", 4),
    ("Kết quả giải quyết: số hồ sơ đang giải quyết", 3),
]
BIEU06_HEADERS = [
    "STT",
    "Lĩnh vực giải quyết",
    "Tổng số",
    "Trong kỳ: trực tuyến",
    "Trong kỳ: trực tiếp, dịch vụ bưu chính",
    "Từ kỳ trước chuyển qua",
    "Tổng số",
    "Trả trước hạn",
    "Trả đúng thời hạn",
    "Trả quá hạn",
    "Tổng số",
    "Chưa đến hạn",
    "Quá hạn",
]
LEVEL_GROUPS = (
    ("province", "I", "Cơ quan chuyên môn cấp tỉnh"),
    ("district", "II", "Cấp huyện"),
    ("commune", "III", "Cấp xã"),
)
LEVEL_SHORT = {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã"}


def bieu06_rows(rep: dict[str, Any]) -> list[dict[str, Any]]:
    return list(rep.get("by_field", []))


def bieu06_numbers(r: dict[str, Any]) -> list[int]:
    """The form's eleven numbers for one row: withdrawn and returned dossiers are taken out of
    the received counts (from the channel or period they came from), so that on the form
    received = resolved + in progress."""
    wr = r["withdrawn"] + r["returned"]
    wr_online = r.get("withdrawn_returned_online", 0)
    wr_carried = r.get("withdrawn_returned_carried_over", 0)
    online = r["received_online"] - wr_online
    direct = r["received_new"] - r["received_online"] - (wr - wr_online - wr_carried)
    carried = r["carried_over"] - wr_carried
    return [
        online + direct + carried,
        online,
        direct,
        carried,
        r["resolved"],
        r["resolved_early"],
        r["resolved_on_time"] - r["resolved_early"],
        r["resolved_late"],
        r["in_progress"],
        r["in_progress"] - r["in_progress_overdue"],
        r["in_progress_overdue"],
    ]


def bieu06_sheet(
    ws: Any,
    rep: dict[str, Any],
    rows: list[dict[str, Any]],
    *,
    reporting_unit: str = "",
    receiving_unit: str = "",
) -> None:
    """Biểu số 06/VPCP/KSTT (Circular 01/2020/TT-VPCP) by field, grouped by level, and a side
    sheet with the withdrawn and returned dossiers the form leaves out."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws.title = "Biểu 06"
    first, last = _vn(rep["from"]), _vn(rep["to"])
    n_cols = len(BIEU06_HEADERS)
    top = [
        (BIEU06_CODE, True),
        (BIEU06_TITLE, True),
        (f"Kỳ báo cáo: từ ngày {first} đến ngày {last}", False),
        (f"Đơn vị báo cáo: {reporting_unit or '…'}", False),
        (f"Đơn vị nhận báo cáo: {receiving_unit or '…'}", False),
        (BIEU06_UNIT, False),
        (BIEU06_NOTE, False),
    ]
    for i, (value, bold) in enumerate(top, start=1):
        cell = ws.cell(row=i, column=1, value=value)
        cell.font = Font(bold=bold, size=12 if bold else 11)
        if i > 1:
            ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=n_cols)
            cell.alignment = Alignment(wrap_text=True, horizontal="center" if i == 2 else "left")
    ws.row_dimensions[7].height = 48
    head = len(top) + 2
    col = 1
    for label, span in BIEU06_GROUPS:
        cell = ws.cell(row=head, column=col, value=label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        if span > 1:
            ws.merge_cells(
                start_row=head, start_column=col, end_row=head, end_column=col + span - 1
            )
        col += span
    for c, label in enumerate(BIEU06_HEADERS, start=1):
        if c <= 2:  # STT and the field span both header rows
            continue
        cell = ws.cell(row=head + 1, column=c, value=label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="top")
    for c in (1, 2):
        ws.merge_cells(start_row=head, start_column=c, end_row=head + 1, end_column=c)
    for c in range(1, n_cols + 1):
        ws.cell(row=head + 2, column=c, value=f"({c})").alignment = Alignment(horizontal="center")
    line = head + 3
    number = 0
    totals = [0] * 11
    present = [g for g in LEVEL_GROUPS if any(r["level"] == g[0] for r in rows)]
    # the form's groups are those of the model in force: I, II, III for a period that starts
    # under the three levels; I, II (province, commune) wholly after 1 July 2025 (issue 11)
    two_level = str(rep.get("from", "")) >= "2025-07-01"
    romans = ("I", "II", "III") if two_level else tuple(g[1] for g in present)
    for (level, _roman, name), roman in zip(present, romans, strict=False):
        group = [r for r in rows if r["level"] == level]
        ws.cell(row=line, column=1, value=roman).font = Font(bold=True)
        ws.cell(row=line, column=2, value=name).font = Font(bold=True)
        line += 1
        for r in group:
            number += 1
            values = bieu06_numbers(r)
            totals = [a + b for a, b in zip(totals, values, strict=True)]
            ws.cell(row=line, column=1, value=number)
            ws.cell(row=line, column=2, value=r["field"])
            for c, v in enumerate(values, start=3):
                ws.cell(row=line, column=c, value=v)
            line += 1
    ws.cell(row=line, column=2, value="Tổng cộng").font = Font(bold=True)
    for c, v in enumerate(totals, start=3):
        ws.cell(row=line, column=c, value=v).font = Font(bold=True)
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 40
    for c in range(3, n_cols + 1):
        ws.column_dimensions[get_column_letter(c)].width = 13
    ws.freeze_panes = ws.cell(row=head + 3, column=3)
    _side_sheet(ws.parent.create_sheet(), rep, rows)


def _side_sheet(ws: Any, rep: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    ended = [r for r in rows if r["withdrawn"] or r["returned"]]
    _sheet(
        ws,
        f"Hồ sơ rút (dừng giải quyết) và trả lại từ {_vn(rep['from'])} đến {_vn(rep['to'])}",
        [
            "STT",
            "Lĩnh vực",
            "Cấp",
            "Rút / dừng giải quyết",
            "Trả lại",
            "Trong đó tiếp nhận trực tuyến trong kỳ",
            "Trong đó từ kỳ trước chuyển qua",
        ],
        [
            [
                i,
                r["field"],
                LEVEL_SHORT[r["level"]],
                r["withdrawn"],
                r["returned"],
                r.get("withdrawn_returned_online", 0),
                r.get("withdrawn_returned_carried_over", 0),
            ]
            for i, r in enumerate(ended, start=1)
        ],
        note="Các hồ sơ này không tính vào Biểu 06 (không thuộc 'đã giải quyết' hay 'đang giải "
        "quyết'); cộng với Biểu 06 thì bằng tổng số hồ sơ tiếp nhận của báo cáo.",
        name=BIEU06_SIDE,
    )


def _num(n: int | float) -> str:
    if isinstance(n, float):
        return f"{n:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{n:,}".replace(",", ".")


def to_docx(rep: dict[str, Any], *, province: str = "Bình Phước") -> bytes:
    """The half-year report in the seed's structure; sections 2 and 6 are filled from data."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), "Times New Roman")
    for name in ("Heading 1", "Heading 2", "Title"):
        st = doc.styles[name]
        st.font.name = "Times New Roman"
        st.font.color.rgb = None

    first, last = rep["from"], rep["to"]
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(
        f"KẾT QUẢ CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NHÀ NƯỚC TỪ {_vn(first)} ĐẾN {_vn(last)} "
        f"TRÊN ĐỊA BÀN TỈNH {province.upper()}"
    )
    run.bold = True
    pending = "(Nội dung do cơ quan tham mưu tổng hợp.)"
    doc.add_heading("1. Cải cách thể chế", level=2)
    doc.add_paragraph(pending)
    doc.add_heading("2. Cải cách thủ tục hành chính", level=2)
    cat = rep.get("catalog", {}).get("by_level", {})
    if cat.get("total"):
        t = cat["total"]
        p_, d_, c_ = (cat.get(k, {}) for k in ("province", "district", "commune"))
        doc.add_paragraph(
            f"Tổng số TTHC được công bố thực hiện trên địa bàn tỉnh là {_num(t['total'])}, số "
            f"TTHC cấp tỉnh là {_num(p_.get('total', 0))} (ngành dọc {p_.get('vertical', 0):02d});"
            f" số TTHC cấp huyện là {_num(d_.get('total', 0))} (ngành dọc "
            f"{d_.get('vertical', 0):02d}); số TTHC cấp xã là {_num(c_.get('total', 0))} (ngành "
            f"dọc {c_.get('vertical', 0):02d}); trong đó số TTHC thực hiện liên thông giữa các "
            f"cấp chính quyền {t['inter_level']}."
        )
    sh = rep.get("shares", {})
    tot = rep["levels"].get("total", {})
    if tot:
        doc.add_paragraph(
            f"Thực hiện số hóa hồ sơ, giấy tờ, kết quả giải quyết TTHC: tỷ lệ hồ sơ được số hóa "
            f"khi tiếp nhận đạt {_num(sh.get('digitized', 0.0))}%; tỷ lệ kết quả giải quyết được "
            f"cấp bản điện tử đạt {_num(sh.get('electronic_results', 0.0))}%."
        )
    doc.add_paragraph().add_run(
        "Kết quả giải quyết hồ sơ TTHC tại các cấp chính quyền ở địa phương"
    ).bold = True
    names = {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã"}
    for key, label in names.items():
        lv = rep["levels"].get(key)
        if not lv:
            continue
        late_open = (
            f" (trong đó {lv['in_progress_overdue']:02d} hồ sơ đã trễ hạn)"
            if lv["in_progress_overdue"]
            else ""
        )
        doc.add_paragraph(
            f"{label}: tiếp nhận {_num(lv['received'])} hồ sơ ({_num(lv['received_new'])} hồ sơ "
            f"tiếp nhận mới và {_num(lv['carried_over'])} hồ sơ từ các kỳ trước chuyển sang). "
            f"Kết quả: {_num(lv['resolved'])} hồ sơ đã giải quyết (trong đó giải quyết trễ hạn "
            f"{_num(lv['resolved_late'])} hồ sơ chiếm {_num(lv['late_rate'])}%), "
            f"{_num(lv['in_progress'])} hồ sơ đang giải quyết{late_open}."
        )
    if tot:
        doc.add_paragraph(
            f"Xin lỗi, hẹn lại ngày trả kết quả: {_num(tot.get('apologies', 0))} văn bản xin lỗi; "
            f"xin lỗi muộn (sau thời điểm chậm nhất 01 ngày trước hạn) "
            f"{_num(tot.get('apology_breach_late', 0))} hồ sơ; trễ hạn không có văn bản xin lỗi "
            f"{_num(tot.get('apology_breach_missing', 0))} hồ sơ."
        )
    _table(doc, rep)
    for heading in (
        "3. Cải cách tổ chức bộ máy",
        "4. Cải cách công vụ",
        "5. Cải cách tài chính công",
    ):
        doc.add_heading(heading, level=2)
        doc.add_paragraph(pending)
    doc.add_heading("6. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số", level=2)
    if tot:
        c_tot = cat.get("total", {})
        doc.add_paragraph(
            f"Kết quả cung cấp dịch vụ công trực tuyến: {_num(c_tot.get('online', 0))} dịch vụ "
            f"công trực tuyến trên tổng số {_num(c_tot.get('total', 0))} dịch vụ công của tỉnh "
            f"(đạt {_num(rep.get('catalog', {}).get('online_share', 0.0))}%); "
            f"{_num(c_tot.get('national_portal', 0))} dịch vụ công kết nối Cổng dịch vụ công "
            f"quốc gia; tỷ lệ tiếp nhận "
            f"hồ sơ TTHC trên môi trường điện tử đạt {_num(sh.get('received_online', 0.0))}%. "
            f"Thanh toán trực tuyến: {_num(tot['online_payments'])} giao dịch thành công với "
            f"tổng số tiền {_num(tot['online_payment_vnd'])} đồng."
        )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _vn(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def _table(doc: Any, rep: dict[str, Any]) -> None:
    cols = [
        ("received", "Tiếp nhận"),
        ("carried_over", "Kỳ trước"),
        ("resolved", "Đã giải quyết"),
        ("resolved_late", "Trễ hạn"),
        ("late_rate", "Tỷ lệ trễ (%)"),
        ("in_progress", "Đang giải quyết"),
    ]
    levels = [k for k in ("province", "district", "commune", "total") if k in rep["levels"]]
    table = doc.add_table(rows=1 + len(levels), cols=1 + len(cols))
    table.style = "Table Grid"
    table.rows[0].cells[0].text = "Cấp"
    for j, (_, label) in enumerate(cols, start=1):
        table.rows[0].cells[j].text = label
    for i, lv in enumerate(levels, start=1):
        table.rows[i].cells[0].text = LEVEL_NAMES[lv]
        for j, (k, _) in enumerate(cols, start=1):
            table.rows[i].cells[j].text = _num(rep["levels"][lv][k])
