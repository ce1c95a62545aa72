"""Lifecycle actions on a dossier: ``POST /api/v1/dossiers/{id}/<action>/``.

One entry per action: a serializer that checks the body's shape (types, lengths, bounds; errors
name the field), and a call of the same ``dossiers.services`` function the back office calls.
Visibility is ``access.dossier_get_for`` (outside the caller's scope: 404); permission and state
are the services' (``access.require_role`` … → 403, illegal transition → 409). Every body carries
``version``, the dossier version the caller last read (``GET dossiers/{id}/``): a stale one is
409 ``stale_dossier`` and nothing changes — as the back office's hidden version field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.api import serializers as s
from motcua.api.errors import PROBLEM_JSON, field_errors
from motcua.api.parsers import SafeJSONParser as JSONParser
from motcua.core.errors import DomainError, NotFound, ValidationFailed
from motcua.dossiers import services as svc
from motcua.dossiers.access import dossier_get_for, require_role
from motcua.dossiers.files import MAX_BYTES, check_file
from motcua.dossiers.models import Consultation, Dossier
from motcua.units.models import Agency, Role

MAX_TEXT = 4000  # as the back office's forms (backoffice.forms.base)
MAX_LINES = 50
MAX_VERSION = 2**31 - 1
MIN_DAYS = Decimal("0.01")
MAX_DAYS = Decimal(365)


# ---- input shapes --------------------------------------------------------------------------------


def _text(label: str, *, required: bool = True, max_length: int = MAX_TEXT) -> Any:
    return serializers.CharField(
        max_length=max_length,
        required=required,
        allow_blank=not required,
        default="" if not required else serializers.empty,
        help_text=label,
    )


def _vn(label: str, f: Any) -> dict[str, str]:
    """Vietnamese messages naming the field (DRF's Vietnamese catalogue is incomplete)."""
    msgs = {
        "required": f"Chưa nhập {label}.",
        "null": f"{label}: không được để trống.",
        "blank": f"{label}: không được để trống.",
        "invalid": f"{label}: giá trị không hợp lệ.",
        "max_length": f"{label}: tối đa {{max_length}} ký tự.",
        "min_length": f"{label}: tối thiểu {{min_length}} ký tự.",
        "max_value": f"{label}: không được lớn hơn {{max_value}}.",
        "min_value": f"{label}: không được nhỏ hơn {{min_value}}.",
        "max_string_length": f"{label}: số quá lớn.",
        "max_digits": f"{label}: số quá lớn.",
        "max_decimal_places": f"{label}: tối đa {{max_decimal_places}} chữ số thập phân.",
        "max_whole_digits": f"{label}: số quá lớn.",
        "not_a_list": f"{label}: phải là một danh sách.",
        "empty": f"{label}: danh sách không được rỗng.",
        "no_name": f"{label}: tệp không có tên.",
        "not_a_dict": f"{label}: phải là một đối tượng.",
    }
    if isinstance(f, serializers.IntegerField | serializers.DecimalField):
        msgs["invalid"] = f"{label}: phải là một số."
    if isinstance(f, serializers.DateTimeField):
        msgs["invalid"] = f"{label}: ngày giờ không hợp lệ (ISO 8601, ví dụ 2026-12-15T16:00)."
    if isinstance(f, serializers.FileField):
        msgs["invalid"] = f"{label}: không phải là tệp."
        msgs["required"] = f"Chọn tệp {label}."
        msgs["empty"] = f"{label}: tệp rỗng."
    if isinstance(f, serializers.ListField | serializers.ListSerializer):
        msgs["max_length"] = f"{label}: tối đa {{max_length}} phần tử."
        msgs["min_length"] = f"{label}: cần ít nhất {{min_length}} phần tử."
    if isinstance(f, serializers.BooleanField):
        msgs["invalid"] = f"{label}: phải là true hoặc false."
    return msgs


#: Django's bound validators that DRF attaches, and the message key of each.
_LIMITS = {
    "MaxLengthValidator": "max_length",
    "MinLengthValidator": "min_length",
    "MaxValueValidator": "max_value",
    "MinValueValidator": "min_value",
}


def _localise(f: Any, label: str) -> None:
    msgs = _vn(label, f)
    f.error_messages = {**f.error_messages, **msgs}
    for v in f.validators:
        if type(v).__name__ == "RegexValidator":  # RegexField's, made with the English message
            v.message = msgs["invalid"]
            continue
        key = _LIMITS.get(type(v).__name__)
        if key:
            text = msgs[key].replace("{" + key + "}", str(v.limit_value))
            v.message = text.replace("%", "%%")


NOT_AN_OBJECT = "Nội dung phải là một đối tượng JSON (các trường tên: giá trị)."


def _localise_fields(serializer: Any) -> None:
    serializer.error_messages = {**serializer.error_messages, "invalid": NOT_AN_OBJECT}
    for name, f in serializer.fields.items():
        label = str(f.help_text or name).split(" (")[0].split(";")[0]
        _localise(f, label)
        child = getattr(f, "child", None)
        if isinstance(child, serializers.Serializer):
            if not isinstance(child, VNSerializer):
                _localise_fields(child)
        elif isinstance(child, serializers.Field):
            _localise(child, label)
        if isinstance(f, serializers.Serializer) and not isinstance(f, VNSerializer):
            _localise_fields(f)


class VNSerializer(serializers.Serializer[Any]):
    """Every field's messages in Vietnamese, naming the field (as ``VNForm`` for forms), nested
    serializers included."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _localise_fields(self)


class VersionIn(VNSerializer):
    version = serializers.IntegerField(
        min_value=0,
        max_value=MAX_VERSION,
        help_text="Phiên bản hồ sơ đã đọc (trường version của GET dossiers/{id}/); khác phiên "
        "bản hiện tại → 409 stale_dossier",
    )


@extend_schema_field({"type": "string", "maxLength": 40, "example": "000.00.16.H10"})
class _AgencyCode(serializers.Field):  # type: ignore[misc]
    """An agency by its code; unknown → a field error (whether it may receive is the service's)."""

    default_error_messages = {
        "invalid": "Mã cơ quan phải là chuỗi, tối đa 40 ký tự",
        "unknown_agency": "Không có cơ quan mã {code}",
    }

    def to_internal_value(self, data: Any) -> Agency:
        if not isinstance(data, str) or not data.strip() or len(data) > 40 or "\x00" in data:
            self.fail("invalid")
        found = Agency.objects.filter(code=data.strip()).first()
        if found is None:
            self.fail("unknown_agency", code=data.strip())
        return found  # type: ignore[return-value]  # fail() raises

    def to_representation(self, value: Any) -> str:
        return value.code if isinstance(value, Agency) else str(value)


def _items() -> Any:
    return serializers.ListField(
        child=serializers.CharField(max_length=500),
        min_length=1,
        max_length=MAX_LINES,
        help_text="Giấy tờ cần bổ sung, hoàn thiện: mỗi phần tử một giấy tờ (tối đa 50)",
    )


def _item_rows(items: list[str]) -> list[dict[str, Any]]:
    return [{"name": name, "originals": 0, "copies": 1} for name in items]


class ItemsIn(VersionIn):
    items = _items()
    reason = _text("Lý do")


class ReasonIn(VersionIn):
    reason = _text("Lý do")


class ReasonsIn(VersionIn):
    reasons = _text("Lý do (ghi trên văn bản gửi người nộp)")


class StepCompleteIn(VersionIn):
    step = serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        required=False,
        allow_null=True,
        default=None,
        help_text="Id của bước đang xử lý (để trống: bước đang xử lý thuộc vai trò của khóa)",
    )
    note = _text("Ý kiến xử lý", required=False)


class StepAssignIn(VersionIn):
    step = serializers.IntegerField(min_value=1, max_value=MAX_VERSION, help_text="Id của bước")
    handler = serializers.CharField(max_length=150, help_text="Tên đăng nhập của cán bộ")

    def validate_handler(self, value: str) -> Any:
        user = get_user_model().objects.filter(username=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError("Không có cán bộ này", code="unknown_handler")
        return user


class SendBackIn(ReasonIn):
    step = serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        required=False,
        allow_null=True,
        default=None,
        help_text="Id của bước đang xử lý (để trống: bước thuộc vai trò của khóa)",
    )


class TransferIn(ReasonIn):
    agency = _AgencyCode(help_text="Mã cơ quan nhận")


class TaskIn(VNSerializer):
    agency = _AgencyCode(help_text="Mã cơ quan phối hợp")
    task = serializers.CharField(max_length=500, help_text="Nhiệm vụ")
    days = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=MIN_DAYS,
        max_value=MAX_DAYS,
        help_text="Thời hạn (ngày làm việc)",
    )


class ParallelIn(VersionIn):
    tasks = TaskIn(many=True, min_length=1, max_length=MAX_LINES, help_text="Cơ quan phối hợp")


class ConsultIn(VersionIn):
    agency = _AgencyCode(help_text="Mã cơ quan được lấy ý kiến")
    question = _text("Nội dung lấy ý kiến")
    days = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=MIN_DAYS,
        max_value=MAX_DAYS,
        help_text="Thời hạn trả lời (ngày làm việc)",
    )


class AnswerIn(VersionIn):
    consultation = serializers.IntegerField(
        min_value=1, max_value=MAX_VERSION, help_text="Id của yêu cầu lấy ý kiến"
    )
    answer = _text("Ý kiến trả lời")


class SupplementIn(ItemsIn):
    contact = _text("Liên hệ (cán bộ, điện thoại)", required=False, max_length=255)


def _checked(upload: Any, label: str) -> Any:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise serializers.ValidationError(
            f"{label}: tệp vượt quá {MAX_BYTES // (1024 * 1024)} MB", code="file_too_large"
        )
    try:
        return check_file(upload.name or "", upload)
    except DomainError as exc:
        raise serializers.ValidationError(exc.message, code=exc.code) from None


class SupplementReceiveIn(VersionIn):
    document = _text("Thành phần hồ sơ của các tệp", required=False, max_length=500)
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_LINES,
        help_text="Tệp hồ sơ bổ sung (PDF, JPEG, PNG; multipart)",
    )

    def validate_files(self, value: list[Any]) -> list[Any]:
        return [_checked(f, "Hồ sơ bổ sung") for f in value]


class ApologyIn(ReasonIn):
    new_appointment = serializers.DateTimeField(
        help_text="Ngày giờ hẹn trả mới (ISO 8601; không có múi giờ: giờ Việt Nam)"
    )


class ResultAttachIn(VersionIn):
    file = serializers.FileField(help_text="Tệp kết quả (PDF, JPEG, PNG)")
    signer = serializers.CharField(max_length=255, help_text="Người ký")
    electronic = serializers.BooleanField(
        default=True, help_text="Kết quả điện tử (false: bản quét kết quả giấy)"
    )

    def validate_file(self, value: Any) -> Any:
        return _checked(value, "Kết quả")


class ResultReturnIn(VersionIn):
    method = serializers.CharField(
        max_length=80,
        required=False,
        allow_blank=True,
        default="Trực tiếp",
        help_text="Hình thức nhận kết quả",
    )


class RateIn(VNSerializer):
    score = serializers.IntegerField(min_value=1, max_value=5, help_text="Mức hài lòng (1–5)")
    comment = _text("Góp ý", required=False)


# ---- the actions: each one service call ------------------------------------------------------


Run = Callable[[Any, Dossier, dict[str, Any]], object]


@dataclass(frozen=True)
class Action:
    slug: str
    serializer: type[serializers.Serializer[Any]]
    run: Run
    summary: str
    description: str
    example: dict[str, Any] = field(default_factory=dict)
    multipart: bool = False
    json_too: bool = True


def _consultation(d: Dossier, pk: int) -> Consultation:
    found = Consultation.objects.filter(dossier=d, pk=pk).first()
    if found is None:
        raise ValidationFailed(
            "Không có yêu cầu lấy ý kiến này",
            code="consultation_not_found",
            details=[
                {
                    "field": "consultation",
                    "code": "consultation_not_found",
                    "message": "Không có yêu cầu lấy ý kiến này trong hồ sơ",
                }
            ],
        )
    return found


def _rate(actor: Any, d: Dossier, c: dict[str, Any]) -> object:
    # the desk records the applicant's rating (the national portal forwards it as the desk);
    # the service refuses a dossier whose result was not returned, as at the portal's doors
    require_role(actor, d.receiving_agency, Role.COUNTER)
    return svc.dossier_rate(
        dossier=d, score=c["score"], comment=c["comment"], actor=actor, via="api"
    )


V = {"version": 3}
ACTIONS: list[Action] = [
    Action(
        "accept-online",
        VersionIn,
        lambda a, d, c: svc.dossier_accept_online(
            actor=a, dossier=d, expected_version=c["version"]
        ),
        "Tiếp nhận hồ sơ nộp trực tuyến",
        "Hồ sơ đang chờ tiếp nhận (submitted) được tiếp nhận: cấp mã, hẹn trả, Mẫu 01. Vai "
        "trò một cửa tại nơi tiếp nhận.",
        V,
    ),
    Action(
        "return-for-completion",
        ItemsIn,
        lambda a, d, c: svc.dossier_return_for_completion(
            actor=a,
            dossier=d,
            items=_item_rows(c["items"]),
            reason=c["reason"],
            expected_version=c["version"],
        ),
        "Hướng dẫn hoàn thiện hồ sơ trực tuyến (Mẫu 02, chưa tiếp nhận)",
        "Vai trò một cửa tại nơi tiếp nhận; hồ sơ đang chờ tiếp nhận.",
        {**V, "items": ["Bản sao Giấy khai sinh"], "reason": "Thiếu giấy khai sinh"},
    ),
    Action(
        "refuse",
        ReasonsIn,
        lambda a, d, c: svc.dossier_refuse(
            actor=a, dossier=d, reasons=c["reasons"], expected_version=c["version"]
        ),
        "Từ chối tiếp nhận (Mẫu 03)",
        "Vai trò một cửa tại nơi tiếp nhận; hồ sơ đang chờ tiếp nhận hoặc chờ hoàn thiện.",
        {**V, "reasons": "Thủ tục không thuộc thẩm quyền"},
    ),
    Action(
        "step-complete",
        StepCompleteIn,
        lambda a, d, c: svc.step_complete(
            actor=a, dossier=d, step=c["step"], note=c["note"], expected_version=c["version"]
        ),
        "Hoàn thành bước đang xử lý, chuyển bước tiếp theo",
        "Vai trò của bước (chuyên viên, lãnh đạo, một cửa) tại cơ quan của bước. Bước cuối "
        "trước trả kết quả: hồ sơ có kết quả (resolved).",
        {**V, "note": "Đủ điều kiện"},
    ),
    Action(
        "step-assign",
        StepAssignIn,
        lambda a, d, c: svc.step_assign(
            actor=a, dossier=d, step=c["step"], handler=c["handler"], expected_version=c["version"]
        ),
        "Phân công cán bộ xử lý bước",
        "Lãnh đạo cơ quan của bước; người được phân công phải có vai trò của bước tại cơ quan "
        "đó (khóa API không được phân công).",
        {**V, "step": 12, "handler": "cv_tuphap"},
    ),
    Action(
        "step-send-back",
        SendBackIn,
        lambda a, d, c: svc.step_send_back(
            actor=a, dossier=d, reason=c["reason"], step=c["step"], expected_version=c["version"]
        ),
        "Trả lại bước trước",
        "Vai trò của bước đang xử lý; bước trước được làm lại.",
        {**V, "reason": "Cần thẩm định lại"},
    ),
    Action(
        "transfer",
        TransferIn,
        lambda a, d, c: svc.dossier_transfer(
            actor=a,
            dossier=d,
            to_agency=c["agency"],
            reason=c["reason"],
            expected_version=c["version"],
        ),
        "Chuyển hồ sơ đến cơ quan khác",
        "Bước đang xử lý chuyển sang cơ quan nhận, với thời hạn của bước.",
        {**V, "agency": "000.00.16.H10", "reason": "Thuộc thẩm quyền Sở Y tế"},
    ),
    Action(
        "dispatch-parallel",
        ParallelIn,
        lambda a, d, c: svc.dossier_dispatch_parallel(
            actor=a,
            dossier=d,
            tasks=[svc.ParallelTask(t["agency"], t["task"], t["days"]) for t in c["tasks"]],
            expected_version=c["version"],
        ),
        "Chuyển liên thông đồng thời",
        "Các cơ quan phối hợp xử lý cùng lúc, mỗi cơ quan một nhiệm vụ và thời hạn; bước tiếp "
        "theo bắt đầu khi tất cả xong.",
        {**V, "tasks": [{"agency": "000.00.16.H10", "task": "Xác minh", "days": "2"}]},
    ),
    Action(
        "consultation-request",
        ConsultIn,
        lambda a, d, c: svc.consultation_request(
            actor=a,
            dossier=d,
            to_agency=c["agency"],
            question=c["question"],
            days=float(c["days"]),
            expected_version=c["version"],
        ),
        "Lấy ý kiến cơ quan khác",
        "Vai trò của bước đang xử lý; cơ quan được hỏi trả lời bằng consultation-answer.",
        {**V, "agency": "000.00.16.H10", "question": "Đề nghị cho ý kiến", "days": "3"},
    ),
    Action(
        "consultation-answer",
        AnswerIn,
        lambda a, d, c: svc.consultation_answer(
            actor=a,
            consultation=_consultation(d, c["consultation"]),
            answer=c["answer"],
            expected_version=c["version"],
        ),
        "Trả lời ý kiến",
        "Chuyên viên hoặc lãnh đạo của cơ quan được hỏi ý kiến.",
        {**V, "consultation": 1, "answer": "Thống nhất"},
    ),
    Action(
        "supplement-request",
        SupplementIn,
        lambda a, d, c: svc.supplement_request(
            actor=a,
            dossier=d,
            items=_item_rows(c["items"]),
            reason=c["reason"],
            contact=c["contact"],
            expected_version=c["version"],
        ),
        "Yêu cầu bổ sung hồ sơ (Mẫu 02, tạm dừng thời hạn)",
        "Cơ quan giải quyết hồ sơ hoặc nơi tiếp nhận (không phải cơ quan phối hợp liên thông); "
        "một lần, đầy đủ, trong thời hạn được yêu cầu bổ sung kể từ khi tiếp nhận.",
        {**V, "items": ["Bản sao hợp đồng"], "reason": "Thiếu hợp đồng"},
    ),
    Action(
        "supplement-receive",
        SupplementReceiveIn,
        lambda a, d, c: svc.supplement_receive(
            actor=a,
            dossier=d,
            files=[(c["document"] or "Hồ sơ bổ sung", f) for f in c["files"]],
            expected_version=c["version"],
        ),
        "Nhận hồ sơ bổ sung",
        "Vai trò một cửa tại nơi tiếp nhận; thời hạn được tính lại. Tệp gửi dạng multipart "
        "(files), hoặc JSON không tệp.",
        V,
        multipart=True,
    ),
    Action(
        "apology",
        ApologyIn,
        lambda a, d, c: svc.apology_issue(
            actor=a,
            dossier=d,
            reason=c["reason"],
            new_appointment=c["new_appointment"],
            expected_version=c["version"],
        ),
        "Xin lỗi và hẹn lại ngày trả (Mẫu 04)",
        "Lãnh đạo cơ quan giải quyết hồ sơ (không phải cơ quan phối hợp liên thông); một lần "
        "mỗi hồ sơ.",
        {**V, "reason": "Cần xác minh thêm", "new_appointment": "2026-12-15T16:00:00+07:00"},
    ),
    Action(
        "withdraw",
        ReasonIn,
        lambda a, d, c: svc.dossier_withdraw(
            actor=a, dossier=d, reason=c["reason"], expected_version=c["version"]
        ),
        "Dừng giải quyết theo đề nghị rút hồ sơ",
        "Vai trò một cửa tại nơi tiếp nhận; hồ sơ đang giải quyết.",
        {**V, "reason": "Người nộp đề nghị rút hồ sơ"},
    ),
    Action(
        "return-unresolved",
        ReasonsIn,
        lambda a, d, c: svc.dossier_return_unresolved(
            actor=a, dossier=d, reasons=c["reasons"], expected_version=c["version"]
        ),
        "Trả lại hồ sơ, không giải quyết",
        "Lãnh đạo cơ quan giải quyết, kèm lý do.",
        {**V, "reasons": "Không đủ điều kiện"},
    ),
    Action(
        "result-attach",
        ResultAttachIn,
        lambda a, d, c: svc.result_attach(
            actor=a,
            dossier=d,
            checked=c["file"],
            signer=c["signer"],
            electronic=c["electronic"],
            expected_version=c["version"],
        ),
        "Đính kèm kết quả (multipart)",
        "Chuyên viên hoặc lãnh đạo đang xử lý hồ sơ. Gửi multipart/form-data: file, signer, "
        "electronic, version.",
        {**V, "signer": "Nguyễn Văn B", "electronic": True},
        multipart=True,
        json_too=False,
    ),
    Action(
        "result-return",
        ResultReturnIn,
        lambda a, d, c: svc.result_return(
            actor=a, dossier=d, method=c["method"] or "Trực tiếp", expected_version=c["version"]
        ),
        "Trả kết quả cho người nộp",
        "Vai trò một cửa (bước trả kết quả) khi hồ sơ đã có kết quả.",
        {**V, "method": "Trực tiếp"},
    ),
    Action(
        "rate",
        RateIn,
        _rate,
        "Ghi nhận đánh giá của người nộp",
        "Vai trò một cửa tại nơi tiếp nhận, khi hồ sơ đã kết thúc; một lần mỗi hồ sơ. Không "
        "cần version.",
        {"score": 5, "comment": "Hài lòng"},
    ),
]

#: Which body field a service's refusal is about, so that its problem names the field.
FIELD_OF_CODE = {
    "reason_required": "reason",
    "signer_required": "signer",
    "bad_handler": "handler",
    "same_agency": "agency",
    "bad_new_appointment": "new_appointment",
    "naive_datetime": "new_appointment",
    "bad_score": "score",
    "question_required": "question",
    "answer_required": "answer",
    "supplement_items_required": "items",
    "bad_parallel_tasks": "tasks",
}


def _named(exc: ValidationFailed) -> ValidationFailed:
    if exc.details:
        return exc
    name = FIELD_OF_CODE.get(exc.code, "")
    return ValidationFailed(
        exc.message,
        code=exc.code,
        details=[{"field": name, "code": exc.code, "message": exc.message}],
    )


class ActionView(APIView):
    permission_classes = [IsAuthenticated]
    action: Action

    def handle(self, request: Request, ref: str) -> Response:
        from motcua.api.views import DossierDetail

        d = dossier_get_for(request.user, ref)
        checked = self.action.serializer(data=request.data)
        if not checked.is_valid():
            problems = field_errors(checked.errors)
            first = problems[0]
            raise ValidationFailed(
                f"{first['field']}: {first['message']}" if first["field"] else first["message"],
                code="validation_failed",
                details=problems,
            )
        try:
            self.action.run(request.user, d, dict(checked.validated_data))
        except ValidationFailed as exc:
            raise _named(exc) from exc
        try:
            fresh = DossierDetail.load(request.user, d.pk)
        except NotFound:  # pragma: no cover - the acting agency keeps seeing the dossier
            fresh = Dossier.objects.get(pk=d.pk)
        return Response(s.DossierDetailSerializer(fresh).data)


PROBLEM = OpenApiResponse(
    response=s.ProblemSerializer,
    description="Lỗi (RFC 9457): code cho máy, message tiếng Việt cho người",
)


def _view(act: Action) -> type[APIView]:
    def post(self: ActionView, request: Request, ref: str) -> Response:
        return self.handle(request, ref)

    if act.multipart:
        request_schema: Any = {"multipart/form-data": act.serializer}
        if act.json_too:
            request_schema["application/json"] = act.serializer
    else:
        request_schema = act.serializer
    post = extend_schema(
        operation_id="dossier_" + act.slug.replace("-", "_"),
        summary=act.summary,
        description=act.description
        + " Hồ sơ theo mã hoặc id; ngoài phạm vi được xem: 404. Thiếu quyền: 403. Trạng thái "
        "không cho phép hoặc phiên bản cũ (stale_dossier): 409.",
        tags=["Thao tác trên hồ sơ"],
        request=request_schema,
        responses={
            200: OpenApiResponse(s.DossierDetailSerializer, description="Hồ sơ sau thao tác"),
            **{(c, PROBLEM_JSON): PROBLEM for c in (400, 401, 403, 404, 409, 415)},
        },
        examples=[OpenApiExample(act.summary, value=act.example, request_only=True)]
        if act.example and not act.multipart
        else [],
    )(post)
    parsers = [JSONParser]
    if act.multipart:
        parsers = [MultiPartParser, JSONParser] if act.json_too else [MultiPartParser]
    name = "".join(p.title() for p in act.slug.split("-")) + "Action"
    return type(name, (ActionView,), {"action": act, "post": post, "parser_classes": parsers})


VIEWS: dict[str, type[APIView]] = {act.slug: _view(act) for act in ACTIONS}
