"""The data a result template is filled with: plain values only (see ``sandbox``).

Names are Vietnamese without diacritics, as administrators write them; ``form`` is the dossier's
electronic application form (``Dossier.form_data``: a repeated group is a list of dicts), e.g.
``{{ form.ho_ten }}``, ``{{ form.thanh_vien.0.ho_ten }}``,
``{% for tv in form.thanh_vien %}{{ tv.ho_ten }}{% endfor %}``. docs/drafting.md lists them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from motcua.core.text import person_name

#: a repeated group longer than this is cut: the applicant's data must not make a template's
#: nested loops run without end
MAX_ITEMS = 500


def _plain(value: Any, depth: int = 0) -> Any:
    """A copy of JSON data with only dicts, lists, strings, numbers, booleans and None."""
    if depth > 20:
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in list(value.items())[:MAX_ITEMS]}
    if isinstance(value, list | tuple):
        return [_plain(v, depth + 1) for v in value[:MAX_ITEMS]]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def date_parts(day: dt.date) -> dict[str, Any]:
    """Decree 30/2020/NĐ-CP: day below 10 and month below 3 are written with a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return {
        "ngay": f"{day.day:02d}",
        "thang": month,
        "nam": str(day.year),
        "day_du": f"ngày {day.day:02d} tháng {month} năm {day.year}",
        "ngay_thang": day.strftime("%d/%m/%Y"),
        "gia_tri": day,
    }


def _when(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H giờ %M, ngày %d/%m/%Y") if moment else ""


def dossier_context(dossier: Any, *, actor: Any = None, today: dt.date | None = None) -> dict:
    from motcua.dossiers.forms import letterhead, place_of

    d = dossier
    agency = d.processing_agency
    governing, agency_upper = letterhead(agency) if agency else ("", "")
    day = today or timezone.localdate()
    return {
        "ho_so": {
            "ma": d.code or "",
            "ngay_tiep_nhan": _when(d.received_at),
            "hen_tra": _when(d.appointment_at),
            "noi_dung_yeu_cau": d.request or "",
            "hinh_thuc_nop": d.get_channel_display(),
        },
        "nguoi_nop": {
            "ho_ten": d.applicant_name,
            "so_dinh_danh": d.applicant_id_number,
            "dia_chi": d.applicant_address,
            "dien_thoai": d.applicant_phone,
            "email": d.applicant_email,
            "nguoi_duoc_uy_quyen": d.proxy_name,
        },
        "thu_tuc": {"ma": d.procedure.code, "ten": d.procedure.name},
        "co_quan": {
            "ten": agency.name if agency else "",
            "ten_in_hoa": agency_upper,
            "co_quan_chu_quan": governing,
            "ten_viet_tat": agency.short_name if agency else "",
            "ma": agency.code if agency else "",
            "dia_danh": place_of(agency) if agency else "",
        },
        "ngay": date_parts(day),
        "can_bo": person_name(actor) if actor is not None else "",
        "form": _plain(d.form_data or {}),
    }


def sample_context(form_data: dict | None = None, *, today: dt.date | None = None) -> dict:
    """Sample values for the admin's preview when no dossier is chosen."""
    day = today or timezone.localdate()
    return {
        "ho_so": {
            "ma": "000.00.03.H10-260105-0001",
            "ngay_tiep_nhan": "09 giờ 00, ngày 05/01/2026",
            "hen_tra": "09 giờ 00, ngày 15/01/2026",
            "noi_dung_yeu_cau": "Đề nghị giải quyết thủ tục",
            "hinh_thuc_nop": "Trực tiếp",
        },
        "nguoi_nop": {
            "ho_ten": "Nguyễn Văn An",
            "so_dinh_danh": "070123456789",
            "dia_chi": "Phường Tân Phú, thành phố Đồng Xoài, tỉnh Bình Phước",
            "dien_thoai": "0912345678",
            "email": "an@example.vn",
            "nguoi_duoc_uy_quyen": "",
        },
        "thu_tuc": {"ma": "1.000001", "ten": "Thủ tục mẫu"},
        "co_quan": {
            "ten": "Sở Tư pháp",
            "ten_in_hoa": "SỞ TƯ PHÁP",
            "co_quan_chu_quan": "UBND TỈNH BÌNH PHƯỚC",
            "ten_viet_tat": "STP",
            "ma": "000.00.03.H10",
            "dia_danh": "Bình Phước",
        },
        "ngay": date_parts(day),
        "can_bo": "Trần Thị Bình",
        "form": _plain(form_data or {}),
    }
