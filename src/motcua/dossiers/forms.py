"""The legal forms (REGULATIONS.md §4), built once as a document model and rendered twice:
as an HTML print view (A5/A4 by CSS @page) and as a PDF with embedded Vietnamese fonts
(``forms_pdf``).

Which set applies follows the dossier's receipt date (``regime_for``): before the switch
(setting ``MOTCUA_FORMS_2025_FROM``) the six forms of Circular 01/2018/TT-VPCP, from then on the
seven of Circular 03/2025/TT-VPCP. ``form_number`` / ``form_name`` are the one lookup the print
view, the PDF and the dossier page's list of issued forms use. Procedure data come from the
catalog; applicant data from the dossier's own snapshot columns (as given for this dossier), never
from the shared applicant register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

# the set lookups, re-exported: callers use ``forms`` as the one entry point
from motcua.core.text import person_name
from motcua.dossiers.form_sets import AGENCY_REFUSAL as AGENCY_REFUSAL
from motcua.dossiers.form_sets import (
    BOOK,
    Regime,
    after_appraisal,
    form_label,
    form_name,
    receipt_moment,
    regime_for,
    regime_on,
)
from motcua.dossiers.form_sets import FORM_NAMES as FORM_NAMES
from motcua.dossiers.form_sets import FORM_NUMBERS as FORM_NUMBERS
from motcua.dossiers.form_sets import form_number as form_number
from motcua.dossiers.form_sets import form_ref as form_ref
from motcua.dossiers.form_sets import issued_title as issued_title
from motcua.dossiers.form_sets import switch_date as switch_date
from motcua.dossiers.models import (
    Apology,
    ApplicantKind,
    Dossier,
    DossierEvent,
    DossierStep,
    EventType,
    FormType,
    IssuedForm,
    StepKind,
    StepOutcome,
    StepStatus,
)
from motcua.dossiers.qr import lookup_url
from motcua.units.models import Agency, AgencyKind

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

#: A desk keeps one tracking book per year (``Dossier.book_year``; ``book_number`` runs on
#: within the year) and no volume column exists, so every year's book is volume 01.
BOOK_VOLUME = "01"


# ---- document model ----------------------------------------------------------------------


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
    #: optional top header row: (title, number of columns spanned); a group spanning one column
    #: is that column's only header
    groups: list[tuple[str, int]] = field(default_factory=list)

    @property
    def sub_headers(self) -> list[str]:
        """The second header row under the groups: the headers of groups spanning columns."""
        out: list[str] = []
        col = 0
        for _title, span in self.groups:
            if span > 1:
                out += self.headers[col : col + span]
            col += span
        return out

    @property
    def percents(self) -> list[str]:
        """Column widths for HTML, in per cent of the line."""
        total = sum(self.widths)
        return [f"{100 * w / total:.1f}%" for w in self.widths]


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
    #: one label per printed copy (the receipt is made in two); one unlabelled copy by default
    copies: list[str] = field(default_factory=lambda: [""])
    #: a URL printed as a QR code at the foot of each copy (the receipt's look-up link)
    qr: str = ""

    @property
    def qr_svg(self) -> str:
        """The QR code as inline SVG for the HTML print view ('' without one)."""
        if not self.qr:
            return ""
        import segno

        return str(segno.make(self.qr, error="m", micro=False).svg_inline(scale=2))


# ---- formatting ---------------------------------------------------------------------------


def local(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(moment) if moment else None


def hm_date(moment: dt.datetime | None) -> str:
    """'09 giờ 00 phút, ngày 09/11/2026' in local time."""
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


def letterhead(agency: Agency) -> tuple[str, str]:
    """(governing body, agency) as the letterhead prints them, upper case.

    The governing body is the nearest People's Committee above the agency in the agency tree,
    named by its administrative unit ('UBND TỈNH BÌNH PHƯỚC'); with none in the tree, the parent
    agency; with no parent, the People's Committee of the agency's own unit — except a vertical
    (centrally run) agency, whose ministry is not in the data. A People's Committee heads its
    own letter (Decree 30/2020/NĐ-CP, Appendix I).
    """
    name = agency.name.upper()
    if agency.kind == AgencyKind.PEOPLES_COMMITTEE:
        return "", name
    seen: set[int] = set()
    up = agency.parent
    while up is not None and up.pk not in seen:
        if up.kind == AgencyKind.PEOPLES_COMMITTEE:
            return f"UBND {up.unit.name}".upper(), name
        seen.add(up.pk)
        up = up.parent
    if agency.parent is not None:
        return agency.parent.name.upper(), name
    if agency.kind == AgencyKind.VERTICAL:
        return "", name
    return f"UBND {agency.unit.name}".upper(), name


def _signer(issued: IssuedForm | None) -> str:
    return person_name(issued.issued_by) if issued and issued.issued_by else ""


def _header(
    agency: Agency,
    label: str,
    issued: IssuedForm | None,
    title: str,
    subtitle: str = "",
    paper: str = "A5",
) -> FormDoc:
    parent, name = letterhead(agency)
    when = issued.issued_at if issued else timezone.now()
    number = f"Số: {issued.number}/{issued.year}" if issued else "Số: ……"
    return FormDoc(
        form_label=label,
        agency_parent=parent,
        agency=name,
        number=number,
        place_date=f"{place_of(agency)}, {long_date(when)}",
        title=title,
        subtitle=subtitle,
        paper=paper,
    )


def _applicant_fields(d: Dossier) -> list[Block]:
    """The applicant as given for this dossier (snapshot columns on the dossier)."""
    organisation = d.applicant_kind == ApplicantKind.ORGANISATION
    out: list[Block] = [
        Field("Tổ chức" if organisation else "Ông/Bà", d.applicant_name),
        Field(
            "Mã số doanh nghiệp / mã định danh" if organisation else "Số định danh cá nhân",
            d.applicant_id_number,
        ),
        Field("Địa chỉ", d.applicant_address),
        Field("Số điện thoại", d.applicant_phone),
        Field("Thư điện tử", d.applicant_email),
    ]
    if d.proxy_name:
        out.append(Field("Người được ủy quyền nộp", f"{d.proxy_name} ({d.proxy_id_number})"))
    return out


def _request(d: Dossier) -> Field:
    return Field("Nội dung yêu cầu giải quyết", d.request or d.procedure.name)


# ---- the forms ----------------------------------------------------------------------------

RECEIPT_COPIES = [
    "Bản giao người nộp hồ sơ",
    "Bản lưu kèm Phiếu kiểm soát quá trình giải quyết hồ sơ",
]


def receipt(d: Dossier, issued: IssuedForm | None = None) -> FormDoc:
    """Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, in two copies (one to the applicant,
    one travelling with the control sheet); 'Quyển số / Số thứ tự' from the tracking book."""
    regime = regime_for(d)
    issued = issued or d.forms.filter(form=FormType.RECEIPT).first()
    doc = _header(
        d.receiving_agency,
        form_label(regime, FormType.RECEIPT),
        issued,
        form_name(regime, FormType.RECEIPT).upper(),
        f"Mã hồ sơ: {d.code}",
    )
    doc.copies = list(RECEIPT_COPIES)
    if d.code:  # the applicant scans it to follow the dossier on the portal (docs/portal.md)
        doc.qr = lookup_url(d.pk)
    doc.blocks += [Para(f"{d.receiving_agency.name} tiếp nhận hồ sơ của:")]
    doc.blocks += _applicant_fields(d)
    doc.blocks += [
        _request(d),
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
        Field(
            "Vào Sổ theo dõi hồ sơ",
            f"Quyển số: {BOOK_VOLUME}, Số thứ tự: {d.book_number or '……'}",
        ),
        Signatures(
            [
                ("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", d.proxy_name or d.applicant_name),
                ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", _signer(issued)),
            ]
        ),
        Para(
            "Giấy này được lập thành 02 bản: 01 bản giao người nộp hồ sơ; 01 bản chuyển cùng hồ "
            "sơ và Phiếu kiểm soát quá trình giải quyết hồ sơ.",
            italic=True,
        ),
    ]
    return doc


def supplement(d: Dossier, issued: IssuedForm) -> FormDoc:
    """Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.

    Each item counts originals, certified copies and photocopies: ``originals``,
    ``certified_copies`` (an item's ``copies`` counts as certified copies, as the checklist's
    copies do) and ``photocopies``.
    """
    regime = regime_for(d)
    doc = _header(
        issued.agency,
        form_label(regime, FormType.SUPPLEMENT),
        issued,
        form_name(regime, FormType.SUPPLEMENT).upper(),
        f"Mã hồ sơ: {d.code}" if d.code else "",
    )
    doc.blocks += [Para(f"{issued.agency.name} tiếp nhận hồ sơ của:")]
    doc.blocks += _applicant_fields(d)

    def count(item: dict[str, Any], *keys: str) -> str:
        for key in keys:
            if key in item:
                return str(item.get(key) or 0)
        return "0"

    doc.blocks += [
        _request(d),
        Para("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:"),
        Table(
            [
                "TT",
                "Tên giấy tờ cần bổ sung, hoàn thiện",
                "Bản chính",
                "Bản sao chứng thực",
                "Bản photocopy",
            ],
            [
                [
                    str(i),
                    str(item.get("name", "")),
                    count(item, "originals"),
                    count(item, "certified_copies", "copies"),
                    count(item, "photocopies"),
                ]
                for i, item in enumerate(issued.data.get("items", []), start=1)
            ],
            [1, 7, 2, 2.4, 2.4],
        ),
        Field("Lý do", str(issued.data.get("reason", ""))),
        Para(
            "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ "
            f"{issued.data.get('contact') or issued.agency.name} để được hướng dẫn."
        ),
        Signatures([("", "", ""), ("NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", _signer(issued))]),
    ]
    return doc


def refusal(d: Dossier, issued: IssuedForm) -> FormDoc:
    """Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ — the desk's refusal to receive.

    A refusal by the processing agency after appraisal (``data['stage'] == 'appraisal'``) is
    stored with the same form type but is the agency's own letter: printed by
    ``agency_refusal``, with no form number.
    """
    if after_appraisal(issued):
        return agency_refusal(d, issued)
    regime = regime_for(d)
    doc = _header(
        issued.agency,
        form_label(regime, FormType.REFUSAL),
        issued,
        form_name(regime, FormType.REFUSAL).upper(),
        f"Mã hồ sơ: {d.code}" if d.code else "",
    )
    doc.blocks += [Para(f"{issued.agency.name} tiếp nhận hồ sơ của:")]
    doc.blocks += _applicant_fields(d)
    doc.blocks += [
        _request(d),
        Para("Qua xem xét, cơ quan, đơn vị từ chối tiếp nhận hồ sơ này với lý do cụ thể như sau:"),
        Para(str(issued.data.get("reasons", ""))),
        Para("Xin thông báo để ông/bà được biết và thực hiện."),
        Signatures(
            [("", "", ""), ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", _signer(issued))]
        ),
    ]
    return doc


def agency_refusal(d: Dossier, issued: IssuedForm) -> FormDoc:
    """The processing agency's written refusal after appraisal, with its reasons (Decree
    61/2018 Art. 19; Decree 118/2025): an ordinary notice of the agency, not a numbered form."""
    doc = _header(issued.agency, "", issued, "THÔNG BÁO", "Về việc từ chối giải quyết hồ sơ")
    doc.blocks += [
        Para(f"Kính gửi: {d.applicant_name}", bold=True),
        Para(
            f"Ngày {hm_date(d.received_at)}, {d.receiving_agency.name} tiếp nhận hồ sơ mã "
            f"{d.code or '……'} đề nghị giải quyết thủ tục {d.procedure.name}."
        ),
        _request(d),
        Para(
            f"Sau khi thẩm định, {issued.agency.name} từ chối giải quyết hồ sơ với lý do cụ thể "
            "như sau:"
        ),
        Para(str(issued.data.get("reasons", ""))),
        Para(
            "Hồ sơ được trả lại cho ông/bà (tổ chức) tại "
            f"{d.result_place or d.receiving_agency.name}. Xin thông báo để ông/bà (tổ chức) "
            "được biết."
        ),
        Signatures(
            [
                ("", "", ""),
                ("THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)", _signer(issued)),
            ]
        ),
    ]
    return doc


def apology(d: Dossier, issued: IssuedForm) -> FormDoc:
    """Mẫu 04: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả' (2018); since the switch 'Văn bản xin
    lỗi và đề nghị gia hạn thời gian giải quyết' (2025)."""
    regime = regime_for(d)
    ap: Apology = d.apology
    doc = _header(
        issued.agency,
        form_label(regime, FormType.APOLOGY),
        issued,
        form_name(regime, FormType.APOLOGY).upper(),
    )
    closing = (
        f"{issued.agency.name} xin lỗi ông/bà (tổ chức) và sẽ trả kết quả giải quyết hồ sơ cho "
        f"ông/bà (tổ chức) vào {hm_date(ap.new_appointment)}."
        if regime == Regime.R2018
        else f"{issued.agency.name} xin lỗi ông/bà (tổ chức) và đề nghị gia hạn thời gian giải "
        f"quyết hồ sơ; kết quả sẽ được trả cho ông/bà (tổ chức) vào {hm_date(ap.new_appointment)}."
    )
    doc.blocks += [
        Para(f"Kính gửi: {d.applicant_name}", bold=True),
        Para(
            f"Ngày {hm_date(d.received_at)}, {d.receiving_agency.name} tiếp nhận hồ sơ đề nghị "
            f"giải quyết thủ tục {d.procedure.name} của ông/bà (tổ chức); mã hồ sơ {d.code}; "
            f"số định danh {d.applicant_id_number}."
        ),
        Para(f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {hm_date(ap.previous_appointment)}."),
        Para(
            "Tuy nhiên đến nay, " + issued.agency.name + " chưa trả kết quả giải quyết hồ sơ "
            "của ông/bà (tổ chức)."
        ),
        Field("Lý do", ap.reason),
        Para("Sự chậm trễ này đã gây phiền hà cho ông/bà (tổ chức). " + closing),
        Para("Xin trân trọng cảm ơn sự hợp tác của ông/bà (tổ chức)."),
        Signatures(
            [
                ("", "", ""),
                (
                    "THỦ TRƯỞNG CƠ QUAN",
                    "(Ký, ghi rõ họ tên và đóng dấu)",
                    person_name(ap.issued_by) if ap.issued_by else "",
                ),
            ]
        ),
    ]
    return doc


def stop_notice(d: Dossier, issued: IssuedForm) -> FormDoc:
    """Mẫu 05 (Circular 03/2025): Thông báo dừng giải quyết hồ sơ.

    Circular 01/2018 had no stop-notice form. A dossier received before the switch is stopped
    with the desk's own notice, titled 'THÔNG BÁO — Về việc dừng giải quyết hồ sơ' like the 2025
    form and with the same content, but with no 'Mẫu số' label: no form of the 2018 set is
    claimed for it.
    """
    regime = regime_for(d)
    doc = _header(
        issued.agency,
        form_label(regime, FormType.STOP),
        issued,
        "THÔNG BÁO",
        "Về việc dừng giải quyết hồ sơ",
    )
    doc.blocks += [
        Para(f"Kính gửi: {d.applicant_name}", bold=True),
        Para(
            f"{d.receiving_agency.name} đã tiếp nhận hồ sơ mã {d.code} lúc "
            f"{hm_date(d.received_at)} đề nghị giải quyết thủ tục {d.procedure.name}."
        ),
        Para(
            "Theo đề nghị của ông/bà (tổ chức), hồ sơ chưa có quyết định giải quyết nên được "
            "dừng giải quyết kể từ " + hm_date(d.finished_at) + "."
        ),
        Field("Lý do", str(issued.data.get("reasons", ""))),
        Signatures([("", "", ""), ("NGƯỜI THÔNG BÁO", "(Ký và ghi rõ họ tên)", _signer(issued))]),
    ]
    return doc


OUTCOME_COLUMN = {StepOutcome.EARLY: 0, StepOutcome.ON_TIME: 1, StepOutcome.LATE: 2}


def _givers(d: Dossier, steps: list[DossierStep]) -> dict[int, str]:
    """Who handed each step its dossier.

    A parallel (liên thông) task is given by the agency that dispatched it: the agency of the
    ``PARALLEL_DISPATCHED`` event of its group. Any other step (and a parallel task whose event
    is missing) is given by the agency of the step that finished last at or before it started,
    outside its own parallel group (so the step after a parallel group is given by the last
    agency to finish); the desk's receipt step by the applicant; the first step with none
    before it by the receiving desk.
    """
    dispatched: dict[int, str] = {}
    for e in DossierEvent.objects.filter(
        dossier=d, type=EventType.PARALLEL_DISPATCHED
    ).select_related("agency"):
        group = (e.data or {}).get("group")
        if isinstance(group, int) and e.agency is not None:
            dispatched[group] = e.agency.name
    out: dict[int, str] = {}
    for s in steps:
        if s.role == "tiep_nhan":
            out[s.pk] = d.proxy_name or d.applicant_name
            continue
        if s.kind == StepKind.PARALLEL and s.group in dispatched:
            out[s.pk] = dispatched[s.group]
            continue
        before = [
            p
            for p in steps
            if p.pk != s.pk
            and p.finished_at is not None
            and s.started_at is not None
            and p.finished_at <= s.started_at
            and not (s.group and p.group == s.group)
        ]
        last = max(before, key=lambda p: (p.finished_at, p.pk), default=None)
        out[s.pk] = last.agency.name if last else d.receiving_agency.name
    return out


def control_sheet(d: Dossier) -> FormDoc:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 05 of 2018, Mẫu 06 of 2025): one row per
    hand-over in four column groups — agency (giver / receiver) | hand-over hour and date with
    the giver's and the receiver's signature boxes | the receiving unit's result against its
    time budget (early / on time / late) | note."""
    regime = regime_for(d)
    doc = _header(
        d.receiving_agency,
        form_label(regime, FormType.CONTROL),
        None,
        form_name(regime, FormType.CONTROL).upper(),
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
        Field("Thời gian hẹn trả kết quả", hm_date(d.appointment_at)),
    ]
    steps: list[DossierStep] = list(
        d.steps.exclude(status__in=[StepStatus.PENDING, StepStatus.CANCELLED])
        .exclude(started_at=None)
        .select_related("agency")
        .order_by("started_at", "id")
    )
    givers = _givers(d, steps)
    rows = []
    for i, s in enumerate(steps, start=1):
        result = ["", "", ""]
        if s.status != StepStatus.ACTIVE and s.outcome in OUTCOME_COLUMN:
            result[OUTCOME_COLUMN[StepOutcome(s.outcome)]] = "X"
        note = [f"Hạn: {hm_date(s.due_at)}"] if s.due_at else []
        if s.status == StepStatus.ACTIVE:
            note.append("Đang xử lý")
        elif s.status == StepStatus.SENT_BACK:
            note.append("Trả lại bước trước")
        if s.note:
            note.append(s.note)
        rows.append(
            [
                f"{i}. {s.name}\nGiao: {givers[s.pk]}\nNhận: {s.agency.name}",
                hm_date(s.started_at),
                "",
                "",
                *result,
                "\n".join(note),
            ]
        )
    doc.blocks.append(
        Table(
            [
                "Tên cơ quan",
                "Giờ, ngày",
                "Người giao",
                "Người nhận",
                "Trước hạn",
                "Đúng hạn",
                "Quá hạn",
                "Ghi chú",
            ],
            rows,
            [3.6, 2.5, 1.8, 1.8, 1.5, 1.5, 1.5, 2.8],
            groups=[
                ("Tên cơ quan", 1),
                ("Thời gian giao, nhận hồ sơ", 3),
                ("Kết quả giải quyết hồ sơ", 3),
                ("Ghi chú", 1),
            ],
        )
    )
    return doc


def tracking_book(desk: Agency, year: int, dossiers: list[Dossier]) -> FormDoc:
    """Sổ theo dõi hồ sơ (Mẫu 06 of 2018, Mẫu 07 of 2025) — A4 landscape, numbering continuous
    within a year, volume ``BOOK_VOLUME``.

    A book holds many dossiers: it takes the set of its latest dossier's receipt date (so the
    2025 book printed for January–June is Mẫu 06 and the whole year's Mẫu 07); an empty book the
    set in force at the end of its year.
    """
    moments = [m for m in (receipt_moment(d) for d in dossiers) if m is not None]
    regime = (
        regime_on(timezone.localtime(max(moments)).date())
        if moments
        else regime_on(dt.date(year, 12, 31))
    )
    parent, name = letterhead(desk)
    doc = FormDoc(
        form_label=form_label(regime, BOOK),
        agency_parent=parent,
        agency=name,
        number=f"Quyển số {BOOK_VOLUME}",
        place_date=f"{place_of(desk)}, {long_date(timezone.now())}",
        title=form_name(regime, BOOK).upper(),
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
                    "\n".join(x for x in (d.applicant_address, d.applicant_phone) if x),
                    d.processing_agency.name,
                    hm_date(d.received_at),
                    hm_date(d.appointment_at),
                    hm_date(d.returned_at),
                    d.return_method,
                    "",
                ]
                for d in dossiers
            ],
            [1.2, 3.6, 4.6, 3, 3.2, 3, 2.4, 2.4, 2.4, 1.8, 1.4],
        )
    )
    return doc


def build(d: Dossier, form: str, issued: IssuedForm | None = None) -> FormDoc:
    """The form ``form`` (a ``FormType`` value) of a dossier; the latest issued one unless
    given."""
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


def render_pdf(doc: FormDoc) -> bytes:
    """The form as PDF (see ``forms_pdf``)."""
    from motcua.dossiers.forms_pdf import render

    return render(doc)
