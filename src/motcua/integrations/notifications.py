"""Messages to applicants, in Vietnamese, from outbox rows (never inside a request)."""

from __future__ import annotations

from typing import Any

from motcua.dossiers.forms import hm_date
from motcua.dossiers.models import Dossier


def _when(value: Any) -> str:
    import datetime as dt

    if not value:
        return ""
    return hm_date(dt.datetime.fromisoformat(value))


def compose(topic: str, payload: dict[str, Any], dossier: Dossier) -> tuple[str, str] | None:
    """(subject, body) for the applicant, or None when the row is not for them."""
    code = dossier.code or "(chưa cấp mã)"
    name = dossier.applicant_name
    proc = dossier.procedure.name
    if topic == "dossier.received":
        return (
            f"Hồ sơ {code} đã được tiếp nhận",
            f"Kính gửi {name},\n\n{dossier.receiving_agency.name} đã tiếp nhận hồ sơ {code} "
            f"về thủ tục {proc}.\nThời gian hẹn trả kết quả: {_when(payload.get('due_at'))}.",
        )
    if topic != "applicant.notify":
        return None
    template = payload.get("template", "")
    texts = {
        "supplement_request": (
            "cần bổ sung",
            "Hồ sơ cần được bổ sung, hoàn thiện. Vui lòng xem "
            "Phiếu yêu cầu bổ sung (Mẫu 02) và nộp bổ sung một lần, đầy đủ.",
        ),
        "refusal": (
            "bị từ chối tiếp nhận",
            "Hồ sơ không được tiếp nhận; lý do ghi trong Phiếu từ chối (Mẫu 03).",
        ),
        "apology": (
            "chậm trả kết quả — thư xin lỗi",
            "Cơ quan giải quyết xin lỗi vì chưa trả kết quả đúng hẹn. Ngày hẹn trả mới: "
            f"{_when(payload.get('appointment'))}.",
        ),
        "new_appointment": (
            "có ngày hẹn mới",
            f"Đã nhận đủ hồ sơ bổ sung. Ngày hẹn trả kết quả: {_when(payload.get('appointment'))}.",
        ),
        "result_ready": (
            "đã có kết quả",
            "Hồ sơ đã có kết quả giải quyết. Vui lòng nhận kết quả "
            f"tại {dossier.result_place or dossier.receiving_agency.name}.",
        ),
        "withdrawn": (
            "đã dừng giải quyết",
            "Theo đề nghị của ông/bà, hồ sơ đã được dừng giải "
            "quyết (Thông báo dừng giải quyết hồ sơ).",
        ),
        "returned_unresolved": (
            "không được giải quyết",
            "Hồ sơ được trả lại, không giải quyết; lý do ghi trong văn bản trả lời.",
        ),
    }
    if template not in texts:
        return None
    short, body = texts[template]
    return (
        f"Hồ sơ {code} {short}",
        f"Kính gửi {name},\n\nVề hồ sơ {code} (thủ tục {proc}): {body}\n\n"
        f"Tra cứu tình trạng hồ sơ bằng mã {code}.",
    )
