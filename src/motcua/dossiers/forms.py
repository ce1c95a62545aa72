"""The legal forms (REGULATIONS.md §4), built once as a document model and rendered twice:
as an HTML print view (A5/A4 by CSS @page) and as a PDF with embedded Vietnamese fonts.

Forms of Circular 01/2018/TT-VPCP as amended by Circular 03/2025/TT-VPCP (numbers 01–06; the
tracking book). Procedure data come from the catalog, applicant data from the dossier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from django.utils import timezone

from motcua.dossiers.models import (
    Apology,
    Dossier,
    DossierStep,
    FormType,
    IssuedForm,
    StepOutcome,
    StepStatus,
)
from motcua.units.models import Agency

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass
class Para:
    text: str
    bold: bool = False
    italic: bool = False
    align: str = "L"  # L, C, R, J


@dataclass
class Field:
    label: str
    value: str


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[float]  # relative


@dataclass
class Signatures:
    blocks: list[tuple[str, str, str]]  # (title, note, name)


Block = Para | Field | Table | Signatures


@dataclass
class FormDoc:
    form_label: str
    agency_parent: str
    agency: str
    number: str
    place_date: str
    title: str
    subtitle: str = ""
    paper: str = "A5"
    landscape: bool = False
    blocks: list[Block] = field(default_factory=list)


# ---- formatting ---------------------------------------------------------------------------


def local(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(moment) if moment else None


def hm_date(moment: dt.datetime | None) -> str:
    m = local(moment)
    return f"{m:%H} giờ {m:%M} phút, ngày {m:%d/%m/%Y}" if m else ""


def short(moment: dt.datetime | None) -> str:
    m = local(moment)
    return f"{m:%H:%M %d/%m/%Y}" if m else ""


def long_date(moment: dt.datetime | dt.date) -> str:
    d = timezone.localtime(moment) if isinstance(moment, dt.datetime) else moment
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def place_of(agency: Agency) -> str:
    unit = agency.unit
    while unit.parent_id is not None and unit.parent is not None:
        unit = unit.parent
    name = unit.name
    for prefix in ("Tỉnh ", "Thành phố "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def days_text(value: Any) -> str:
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text.replace(".", ",")


def _header(
    dossier: Dossier,
    agency: Agency,
    form: str,
    issued: IssuedForm | None,
    title: str,
    subtitle: str = "",
    paper: str = "A5",
) -> FormDoc:
    parent = agency.parent.name.upper() if agency.parent else ""
    when = issued.issued_at if issued else timezone.now()
    number = f"Số: {issued.number}/{issued.year}" if issued else "Số: ……"
    return FormDoc(
        form_label=f"Mẫu số {form}",
        agency_parent=parent,
        agency=agency.name.upper(),
        number=number,
        place_date=f"{place_of(agency)}, {long_date(when)}",
        title=title,
        subtitle=subtitle,
        paper=paper,
    )


def _applicant_fields(d: Dossier) -> list[Block]:
    a = d.applicant
    out: list[Block] = [
        Field("Tên tổ chức, cá nhân", d.applicant_name),
        Field("Số định danh cá nhân / mã số", d.applicant_id_number),
        Field("Địa chỉ", a.address),
        Field("Số điện thoại", a.phone),
        Field("Thư điện tử", a.email),
    ]
    if d.proxy_name:
        out.append(Field("Người được ủy quyền nộp", f"{d.proxy_name} ({d.proxy_id_number})"))
    return out


# ---- the forms ----------------------------------------------------------------------------


def receipt(d: Dossier, issued: IssuedForm | None = None) -> FormDoc:
    """Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""
    issued = issued or d.forms.filter(form=FormType.RECEIPT).first()
    doc = _header(
        d,
        d.receiving_agency,
        "01",
        issued,
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {d.code}",
    )
    doc.blocks += [Para(f"{d.receiving_agency.name} tiếp nhận hồ sơ của:")]
    doc.blocks += _applicant_fields(d)
    doc.blocks += [
        Field("Nội dung yêu cầu giải quyết", d.request or d.procedure.name),
        Para("1. Thành phần hồ sơ nộp gồm:"),
        Table(
            ["TT", "Tên giấy tờ", "Bản chính", "Bản sao"],
            [
                [str(i), c.name, str(c.originals), str(c.copies)]
                for i, c in enumerate(d.checklist.filter(submitted=True), start=1)
            ],
            [1, 9, 2, 2],
        ),
        Field("2. Số lượng hồ sơ", f"{d.sets:02d} bộ"),
        Field(
            "3. Thời gian giải quyết hồ sơ theo quy định",
            f"{days_text(d.procedure.time_limit_days)} ngày làm việc",
        ),
        Field("4. Thời gian nhận hồ sơ", hm_date(d.received_at)),
        Field("5. Thời gian trả kết quả giải quyết hồ sơ", hm_date(d.appointment_at)),
        Field("6. Đăng ký nhận kết quả tại", d.result_place),
        Field("Vào Sổ theo dõi hồ sơ", f"Quyển số {d.book_year}, Số thứ tự {d.book_number}"),
        Signatures(
            [
                ("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", d.proxy_name or d.applicant_name),
                (
                    "NGƯỜI TIẾP NHẬN HỒ SƠ",
                    "(Ký và ghi rõ họ tên)",
                    issued.issued_by.get_full_name() if issued and issued.issued_by else "",
                ),
            ]
        ),
        Para(
            "Giấy tiếp nhận được lập thành 02 bản: 01 bản giao người nộp, 01 bản lưu tại Bộ phận "
            "Một cửa.",
            italic=True,
        ),
    ]
    return doc


def supplement(d: Dossier, issued: IssuedForm) -> FormDoc:
    """Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""
    doc = _header(
        d,
        issued.agency,
        "02",
        issued,
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        f"Mã hồ sơ: {d.code}" if d.code else "",
    )
    doc.blocks += [Para(f"{issued.agency.name} tiếp nhận hồ sơ của:")]
    doc.blocks += _applicant_fields(d)
    doc.blocks += [
        Field("Nội dung yêu cầu giải quyết", d.request or d.procedure.name),
        Para("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:"),
        Table(
            ["TT", "Giấy tờ cần bổ sung, hoàn thiện", "Bản chính", "Bản sao"],
            [
                [
                    str(i),
                    str(item.get("name", "")),
                    str(item.get("originals", 0)),
                    str(item.get("copies", 0)),
                ]
                for i, item in enumerate(issued.data.get("items", []), start=1)
            ],
            [1, 9, 2, 2],
        ),
        Field("Lý do", str(issued.data.get("reason", ""))),
        Para(
            "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ "
            f"{issued.data.get('contact') or issued.agency.name} để được hướng dẫn."
        ),
        Signatures(
            [
                ("", "", ""),
                (
                    "NGƯỜI HƯỚNG DẪN",
                    "(Ký và ghi rõ họ tên)",
                    issued.issued_by.get_full_name() if issued.issued_by else "",
                ),
            ]
        ),
    ]
    return doc


def refusal(d: Dossier, issued: IssuedForm) -> FormDoc:
    """Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ (also the written refusal after
    appraisal)."""
    after = issued.data.get("stage") == "appraisal"
    doc = _header(
        d,
        issued.agency,
        "03",
        issued,
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"
        if not after
        else "VĂN BẢN TỪ CHỐI GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {d.code}" if d.code else "",
    )
    doc.blocks += [Para(f"{issued.agency.name} tiếp nhận hồ sơ của:")]
    doc.blocks += _applicant_fields(d)
    doc.blocks += [
        Field("Nội dung yêu cầu giải quyết", d.request or d.procedure.name),
        Para(
            "Qua xem xét, cơ quan, đơn vị từ chối "
            + ("giải quyết" if after else "tiếp nhận")
            + " hồ sơ này với lý do cụ thể như sau:"
        ),
        Para(str(issued.data.get("reasons", ""))),
        Para("Xin thông báo để ông/bà được biết và thực hiện."),
        Signatures(
            [
                ("", "", ""),
                (
                    "NGƯỜI TIẾP NHẬN HỒ SƠ" if not after else "THỦ TRƯỞNG CƠ QUAN",
                    "(Ký và ghi rõ họ tên)",
                    issued.issued_by.get_full_name() if issued.issued_by else "",
                ),
            ]
        ),
    ]
    return doc


def apology(d: Dossier, issued: IssuedForm) -> FormDoc:
    """Mẫu 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả."""
    ap: Apology = d.apology
    doc = _header(d, issued.agency, "04", issued, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ")
    doc.blocks += [
        Para(f"Kính gửi: {d.applicant_name}", bold=True),
        Para(
            f"Ngày {short(d.received_at)}, {d.receiving_agency.name} tiếp nhận hồ sơ đề nghị "
            f"giải quyết thủ tục {d.procedure.name} của ông/bà (tổ chức); mã hồ sơ {d.code}; "
            f"số định danh {d.applicant_id_number}."
        ),
        Para(f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {hm_date(ap.previous_appointment)}."),
        Para(
            "Tuy nhiên đến nay, " + issued.agency.name + " chưa trả kết quả giải quyết hồ sơ "
            "của ông/bà (tổ chức)."
        ),
        Field("Lý do", ap.reason),
        Para(
            f"Sự chậm trễ này đã gây phiền hà cho ông/bà (tổ chức). {issued.agency.name} xin "
            "lỗi ông/bà (tổ chức) và sẽ trả kết quả giải quyết hồ sơ cho ông/bà (tổ chức) vào "
            f"{hm_date(ap.new_appointment)}."
        ),
        Para("Xin trân trọng cảm ơn sự hợp tác của ông/bà (tổ chức)."),
        Signatures(
            [
                ("", "", ""),
                (
                    "THỦ TRƯỞNG CƠ QUAN",
                    "(Ký, ghi rõ họ tên và đóng dấu)",
                    ap.issued_by.get_full_name() if ap.issued_by else "",
                ),
            ]
        ),
    ]
    return doc


def stop_notice(d: Dossier, issued: IssuedForm) -> FormDoc:
    """Mẫu 05 (Circular 03/2025): Thông báo dừng giải quyết hồ sơ."""
    doc = _header(d, issued.agency, "05", issued, "THÔNG BÁO", "Về việc dừng giải quyết hồ sơ")
    doc.blocks += [
        Para(f"Kính gửi: {d.applicant_name}", bold=True),
        Para(
            f"{d.receiving_agency.name} đã tiếp nhận hồ sơ mã {d.code} ngày "
            f"{short(d.received_at)} đề nghị giải quyết thủ tục {d.procedure.name}."
        ),
        Para(
            "Theo đề nghị của ông/bà (tổ chức), hồ sơ chưa có quyết định giải quyết nên được "
            "dừng giải quyết kể từ " + hm_date(d.finished_at) + "."
        ),
        Field("Lý do", str(issued.data.get("reasons", ""))),
        Signatures(
            [
                ("", "", ""),
                (
                    "NGƯỜI THÔNG BÁO",
                    "(Ký và ghi rõ họ tên)",
                    issued.issued_by.get_full_name() if issued.issued_by else "",
                ),
            ]
        ),
    ]
    return doc


OUTCOME_TEXT = {
    StepOutcome.EARLY: "Trước hạn",
    StepOutcome.ON_TIME: "Đúng hạn",
    StepOutcome.LATE: "Quá hạn",
    "": "",
}


def control_sheet(d: Dossier) -> FormDoc:
    """Mẫu 06 (Mẫu 05 of 2018): Phiếu kiểm soát quá trình giải quyết hồ sơ — one row per
    hand-over, each unit's result against its time budget."""
    doc = _header(
        d,
        d.receiving_agency,
        "06",
        None,
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {d.code}",
    )
    doc.number = f"Số: {d.book_number}/{d.book_year}" if d.book_number else doc.number
    coordinating = sorted(
        {
            s.agency.name
            for s in d.steps.select_related("agency")
            if s.agency_id not in (d.processing_agency_id, d.receiving_agency_id)
        }
    )
    doc.blocks += [
        Field("Cơ quan (bộ phận) giải quyết hồ sơ", d.processing_agency.name),
        Field("Cơ quan phối hợp giải quyết hồ sơ", "; ".join(coordinating) or "Không"),
        Field("Thời gian nhận hồ sơ", hm_date(d.received_at)),
        Field("Thời gian trả kết quả", hm_date(d.appointment_at)),
    ]
    rows = []
    steps: list[DossierStep] = list(
        d.steps.exclude(status__in=[StepStatus.PENDING, StepStatus.CANCELLED])
        .select_related("agency", "handler")
        .order_by("started_at", "id")
    )
    previous: DossierStep | None = None
    for s in steps:
        giver = previous.agency.name if previous else d.receiving_agency.name
        rows.append(
            [
                f"{s.order}. {s.name}\n({s.agency.name})",
                f"Giao: {giver}\nNhận: {s.agency.name}",
                short(s.started_at),
                f"Hạn: {short(s.due_at)}\nXong: {short(s.finished_at)}",
                OUTCOME_TEXT.get(s.outcome, "") if s.status != StepStatus.ACTIVE else "Đang xử lý",
                s.note,
            ]
        )
        previous = s
    doc.blocks.append(
        Table(
            [
                "Tên cơ quan (bộ phận)",
                "Thời gian giao, nhận hồ sơ",
                "Lúc giao nhận",
                "Thời hạn / hoàn thành",
                "Kết quả giải quyết",
                "Ghi chú",
            ],
            rows,
            [4, 4, 2.4, 3, 2, 2.6],
        )
    )
    return doc


def tracking_book(desk: Agency, year: int, dossiers: list[Dossier]) -> FormDoc:
    """Mẫu 07 (Mẫu 06 of 2018): Sổ theo dõi hồ sơ — A4, continuous numbering within a year."""
    doc = FormDoc(
        form_label="Mẫu số 07",
        agency_parent=desk.parent.name.upper() if desk.parent else "",
        agency=desk.name.upper(),
        number=f"Quyển số {year}",
        place_date=f"{place_of(desk)}, {long_date(timezone.now())}",
        title="SỔ THEO DÕI HỒ SƠ",
        subtitle=f"Năm {year}",
        paper="A4",
        landscape=True,
    )
    doc.blocks.append(
        Table(
            [
                "Số TT",
                "Mã hồ sơ",
                "Tên TTHC",
                "Tên cá nhân, tổ chức",
                "Địa chỉ, số điện thoại",
                "Cơ quan chủ trì giải quyết",
                "Ngày nhận",
                "Ngày hẹn trả",
                "Ngày trả kết quả",
                "Hình thức nhận kết quả",
                "Ký nhận",
            ],
            [
                [
                    str(d.book_number),
                    d.code or "",
                    d.procedure.name,
                    d.applicant_name,
                    f"{d.applicant.address}\n{d.applicant.phone}".strip(),
                    d.processing_agency.name,
                    short(d.received_at),
                    short(d.appointment_at),
                    short(d.returned_at),
                    d.return_method,
                    "",
                ]
                for d in dossiers
            ],
            [1.2, 3.6, 4.6, 3, 3.2, 3, 2.2, 2.2, 2.2, 1.8, 1.4],
        )
    )
    return doc


def build(d: Dossier, form: str, issued: IssuedForm | None = None) -> FormDoc:
    """The form ``form`` ('01'…'06') of a dossier; the latest issued one unless given."""
    if form == FormType.CONTROL:
        return control_sheet(d)
    if form == FormType.RECEIPT:
        return receipt(d, issued)
    issued = issued or d.forms.filter(form=form).order_by("-issued_at", "-id").first()
    if issued is None:
        raise LookupError(form)
    builders = {
        FormType.SUPPLEMENT: supplement,
        FormType.REFUSAL: refusal,
        FormType.APOLOGY: apology,
        FormType.STOP: stop_notice,
    }
    return builders[FormType(form)](d, issued)


# ---- PDF ---------------------------------------------------------------------------------------


def _font_path(name: str) -> str:
    return str(resources.files("motcua.dossiers").joinpath("fonts", name))


def render_pdf(doc: FormDoc) -> bytes:
    """The form as PDF, Liberation Serif (metric-compatible with Times New Roman), embedded."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    paper = {"A5": (148, 210), "A4": (210, 297)}[doc.paper]  # ISO 216, in mm
    pdf = FPDF(orientation="L" if doc.landscape else "P", unit="mm", format=paper)
    pdf.set_title(doc.title)
    pdf.set_creator("Một Cửa")
    pdf.add_font("Serif", "", _font_path("LiberationSerif-Regular.ttf"))
    pdf.add_font("Serif", "B", _font_path("LiberationSerif-Bold.ttf"))
    pdf.add_font("Serif", "I", _font_path("LiberationSerif-Italic.ttf"))
    pdf.add_font("Serif", "BI", _font_path("LiberationSerif-BoldItalic.ttf"))
    margin = 12 if doc.paper == "A5" else 15
    pdf.set_margins(margin, 10, margin)
    pdf.set_auto_page_break(True, 12)
    pdf.add_page()
    base = 10.5 if doc.paper == "A5" else 11
    width = pdf.epw
    nl = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    pdf.set_font("Serif", "I", base - 1.5)
    pdf.cell(width, 4, doc.form_label, align="R", **nl)
    y0 = pdf.get_y()
    col = width * 0.42
    pdf.set_font("Serif", "", base - 1)
    pdf.multi_cell(col, 4.4, doc.agency_parent, align="C", **nl)
    pdf.set_font("Serif", "B", base - 1)
    pdf.multi_cell(col, 4.4, doc.agency, align="C", **nl)
    pdf.set_font("Serif", "", base - 1)
    pdf.multi_cell(col, 4.4, doc.number, align="C", **nl)
    y_left = pdf.get_y()
    pdf.set_xy(pdf.l_margin + col, y0)
    pdf.set_font("Serif", "B", base - 1)
    pdf.multi_cell(width - col, 4.4, NATION, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(pdf.l_margin + col)
    pdf.multi_cell(width - col, 4.4, MOTTO, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(pdf.l_margin + col)
    pdf.set_font("Serif", "I", base - 1)
    pdf.multi_cell(width - col, 4.4, doc.place_date, align="C", **nl)
    pdf.set_y(max(y_left, pdf.get_y()) + 3)
    pdf.set_font("Serif", "B", base + 2)
    pdf.multi_cell(width, 6, doc.title, align="C", **nl)
    if doc.subtitle:
        pdf.set_font("Serif", "B", base)
        pdf.multi_cell(width, 5, doc.subtitle, align="C", **nl)
    pdf.ln(2)
    line = base * 0.45
    for block in doc.blocks:
        if isinstance(block, Para):
            style = ("B" if block.bold else "") + ("I" if block.italic else "")
            pdf.set_font("Serif", style, base)
            pdf.multi_cell(width, line, block.text, align=block.align, **nl)
        elif isinstance(block, Field):
            pdf.set_font("Serif", "", base)
            pdf.multi_cell(width, line, f"**{block.label}:** {block.value}", markdown=True, **nl)
        elif isinstance(block, Table):
            pdf.ln(1)
            pdf.set_font("Serif", "", base - 1.5)
            total = sum(block.widths)
            widths = [width * w / total for w in block.widths]
            with pdf.table(
                col_widths=widths,
                text_align="LEFT",
                line_height=line * 0.95,
                first_row_as_headings=True,
            ) as table:
                head = table.row()
                for h in block.headers:
                    head.cell(h)
                for r in block.rows:
                    row = table.row()
                    for c in r:
                        row.cell(c)
            pdf.ln(1)
        elif isinstance(block, Signatures):
            pdf.ln(3)
            n = len(block.blocks)
            y = pdf.get_y()
            for i, (title, note, name) in enumerate(block.blocks):
                x = pdf.l_margin + i * width / n
                pdf.set_xy(x, y)
                pdf.set_font("Serif", "B", base)
                pdf.multi_cell(width / n, line, title, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
                pdf.set_x(x)
                pdf.set_font("Serif", "I", base - 1.5)
                pdf.multi_cell(width / n, line, note, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
                pdf.set_xy(x, y + 22)
                pdf.set_font("Serif", "B", base)
                pdf.multi_cell(width / n, line, name, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_y(y + 30)
    return bytes(pdf.output())
