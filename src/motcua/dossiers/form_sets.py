"""Which set of legal forms a dossier prints, and the forms' numbers and names in each set.

Circular 01/2018/TT-VPCP had six forms (control sheet Mẫu 05, tracking book Mẫu 06); Circular
03/2025/TT-VPCP has seven (Mẫu 05 the stop notice, control sheet Mẫu 06, book Mẫu 07; Mẫu 04
renamed). The set follows the dossier's receipt date (REGULATIONS.md §4): the switch is the
setting ``MOTCUA_FORMS_2025_FROM`` (default 1/7/2025 [verify]). ``FormType`` values are the
system's own keys (the 2025 numbering); what a form is called on paper and on screen comes from
here: ``form_number`` / ``form_name`` / ``form_label`` for the print view and the PDF,
``form_ref`` / ``issued_title`` for the dossier page.
"""

from __future__ import annotations

import datetime as dt
import enum

from django.conf import settings
from django.utils import timezone

from motcua.dossiers.models import Dossier, FormType, IssuedForm

#: The tracking book is not an issued form; its key in the number tables.
BOOK = "book"


class Regime(enum.StrEnum):
    R2018 = "2018"  # Circular 01/2018/TT-VPCP: 6 forms
    R2025 = "2025"  # Circular 03/2025/TT-VPCP: 7 forms


FORM_NUMBERS: dict[Regime, dict[str, str]] = {
    Regime.R2018: {
        FormType.RECEIPT: "01",
        FormType.SUPPLEMENT: "02",
        FormType.REFUSAL: "03",
        FormType.APOLOGY: "04",
        FormType.CONTROL: "05",
        BOOK: "06",
    },
    Regime.R2025: {
        FormType.RECEIPT: "01",
        FormType.SUPPLEMENT: "02",
        FormType.REFUSAL: "03",
        FormType.APOLOGY: "04",
        FormType.STOP: "05",
        FormType.CONTROL: "06",
        BOOK: "07",
    },
}

FORM_NAMES: dict[Regime, dict[str, str]] = {
    Regime.R2018: {
        FormType.RECEIPT: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        FormType.SUPPLEMENT: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        FormType.REFUSAL: "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        FormType.APOLOGY: "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        FormType.STOP: "Thông báo về việc dừng giải quyết hồ sơ",
        FormType.CONTROL: "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        BOOK: "Sổ theo dõi hồ sơ",
    },
    Regime.R2025: {
        FormType.RECEIPT: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        FormType.SUPPLEMENT: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        FormType.REFUSAL: "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        FormType.APOLOGY: "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
        FormType.STOP: "Thông báo dừng giải quyết hồ sơ",
        FormType.CONTROL: "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        BOOK: "Sổ theo dõi hồ sơ",
    },
}

#: The processing agency's refusal after appraisal: its own letter, in no form set.
AGENCY_REFUSAL = "Thông báo về việc từ chối giải quyết hồ sơ"


def switch_date() -> dt.date:
    """The first receipt date of the 2025 set (setting ``MOTCUA_FORMS_2025_FROM``)."""
    value = getattr(settings, "MOTCUA_FORMS_2025_FROM", dt.date(2025, 7, 1))
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def regime_on(day: dt.date) -> Regime:
    return Regime.R2025 if day >= switch_date() else Regime.R2018


def receipt_moment(d: Dossier) -> dt.datetime | None:
    """When the dossier was received; for one never received (refused, or waiting to be
    completed) when it was submitted."""
    return d.received_at or d.submitted_at or d.created_at


def regime_for(d: Dossier) -> Regime:
    """The set of forms of a dossier: by its receipt date in local time."""
    moment = receipt_moment(d)
    day = timezone.localtime(moment).date() if moment else timezone.localdate()
    return regime_on(day)


def form_number(regime: Regime, form: str) -> str | None:
    """'05' for the 2018 control sheet; None for a form the set does not have."""
    return FORM_NUMBERS[regime].get(form)


def form_name(regime: Regime, form: str) -> str:
    return FORM_NAMES[regime][form]


def form_label(regime: Regime, form: str) -> str:
    """The label printed above the form ('Mẫu số 05'), empty when the set has no such form."""
    number = form_number(regime, form)
    return f"Mẫu số {number}" if number else ""


def form_ref(d: Dossier, form: str) -> str:
    """'Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 05)': a link text on the dossier page."""
    regime = regime_for(d)
    number = form_number(regime, form)
    name = form_name(regime, form)
    return f"{name} (Mẫu {number})" if number else name


def after_appraisal(issued: IssuedForm) -> bool:
    return issued.form == FormType.REFUSAL and issued.data.get("stage") == "appraisal"


def issued_title(issued: IssuedForm) -> str:
    """How an issued form is named in lists: 'Mẫu 04 — Phiếu xin lỗi …' by the dossier's set;
    the agency's refusal after appraisal and a pre-2025 stop notice by their own title."""
    if after_appraisal(issued):
        return AGENCY_REFUSAL
    regime = regime_for(issued.dossier)
    number = form_number(regime, issued.form)
    name = form_name(regime, issued.form)
    return f"Mẫu {number} — {name}" if number else name
