"""Biên lai điện tử (the e-receipt) as a document and as PDF, drawn by the legal forms' PDF
renderer (``dossiers.forms_pdf``: fpdf2, Liberation Serif embedded) from the immutable
``Receipt`` row, so that every download of one receipt shows the same content."""

from __future__ import annotations

from django.utils import timezone

from motcua.core.text import vnd
from motcua.dossiers.forms import Field, FormDoc, Para, Signatures, Table
from motcua.dossiers.forms_pdf import render
from motcua.payments.models import PaymentChannel, Receipt

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ")


def _three(n: int, full: bool) -> str:
    """Words of 0 ≤ n < 1000; ``full`` spells the hundreds and the 'linh' of a non-leading group."""
    h, t, u = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if h or full:
        words += [_DIGITS[h], "trăm"]
    if t == 0:
        if u and (h or full):
            words.append("linh")
    elif t == 1:
        words.append("mười")
    else:
        words += [_DIGITS[t], "mươi"]
    if u:
        if u == 1 and t > 1:
            words.append("mốt")
        elif u == 5 and t > 0:
            words.append("lăm")
        elif u == 4 and t > 1:
            words.append("tư")
        else:
            words.append(_DIGITS[u])
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """'Một triệu hai trăm nghìn đồng' — the amount in words as receipts print it."""
    if amount == 0:
        return "Không đồng"
    groups: list[int] = []
    n = amount
    while n:
        groups.append(n % 1000)
        n //= 1000
    parts: list[str] = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        leading = i == len(groups) - 1
        parts.append(_three(g, not leading))
        if _GROUPS[i]:
            parts.append(_GROUPS[i])
    text = " ".join(parts) + " đồng"
    return text[:1].upper() + text[1:]


def receipt_doc(r: Receipt) -> FormDoc:
    local = timezone.localtime(r.issued_at)
    agency = r.agency
    rows = [[str(i), item["name"], vnd(item["amount_vnd"])] for i, item in enumerate(r.items, 1)]
    rows.append(["", "Tổng cộng", vnd(r.amount_vnd)])
    channel = PaymentChannel(r.channel).label
    return FormDoc(
        form_label="Biên lai điện tử",
        agency_parent=agency.parent.name if agency.parent_id else "",  # type: ignore[union-attr]
        agency=agency.name,
        number=f"Ký hiệu: BLĐT/{r.year % 100:02d}E   Số: {r.number:07d}",
        place_date=f"Ngày {local:%d} tháng {local:%m} năm {local:%Y}",
        title="BIÊN LAI THU PHÍ, LỆ PHÍ",
        subtitle="(Biên lai điện tử)",
        blocks=[
            Field("Tên người nộp tiền", r.payer_name),
            Field("Số định danh", r.payer_id_number or "—"),
            Field("Địa chỉ", r.payer_address or "—"),
            Field("Hồ sơ", r.dossier_code),
            Field("Hình thức thanh toán", channel),
            Field("Mã giao dịch / chứng từ", r.reference or "—"),
            Field("Thời điểm thanh toán", f"{local:%H:%M} ngày {local:%d/%m/%Y}"),
            Table(["STT", "Khoản thu", "Số tiền"], rows, [1, 7, 3]),
            Field("Số tiền bằng chữ", amount_in_words(r.amount_vnd)),
            Para(
                "Biên lai được lập tự động bởi hệ thống thông tin giải quyết thủ tục hành chính "
                "của tỉnh khi khoản thu được ghi nhận.",
                italic=True,
            ),
            Signatures([("Người nộp tiền", "", r.payer_name), ("Đơn vị thu", "", agency.name)]),
        ],
    )


def receipt_pdf(r: Receipt) -> bytes:
    return render(receipt_doc(r))
