"""``POST /api/v1/lookup/``: the portal's dossier look-up for other applications (a mobile app,
Zalo, the national portal's redirect). Same rule, same selector, same per-client counter as the
web page (``portal.selectors.lookup_answer``, ``portal.throttle``); no authentication; errors
are the API's RFC 9457 problems."""

from __future__ import annotations

import unicodedata
from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.api.errors import PROBLEM_JSON
from motcua.api.serializers import ProblemSerializer
from motcua.core.errors import NotFound
from motcua.portal.selectors import MAX_CODE, lookup_attempt

CONTROL = "có ký tự điều khiển không hợp lệ"


def _no_controls(value: str) -> str:
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise serializers.ValidationError(CONTROL, code="control")
    return value


class LookupInput(serializers.Serializer[Any]):
    code = serializers.CharField(
        max_length=MAX_CODE,
        validators=[_no_controls],
        help_text="Mã hồ sơ in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        error_messages={
            "required": "Chưa nhập mã hồ sơ",
            "blank": "Chưa nhập mã hồ sơ",
            "max_length": f"Mã hồ sơ tối đa {MAX_CODE} ký tự",
            "null_characters_not_allowed": CONTROL,
            "invalid": "Mã hồ sơ phải là chuỗi ký tự",
        },
    )
    factor = serializers.CharField(
        min_length=6,
        max_length=30,
        validators=[_no_controls],
        help_text="Số định danh cá nhân (CCCD) hoặc số điện thoại của người nộp, như đã ghi "
        "khi nộp hồ sơ",
        error_messages={
            "required": "Chưa nhập số định danh hoặc số điện thoại",
            "blank": "Chưa nhập số định danh hoặc số điện thoại",
            "min_length": "Số định danh hoặc số điện thoại: ít nhất 6 ký tự",
            "max_length": "Số định danh hoặc số điện thoại: tối đa 30 ký tự",
            "null_characters_not_allowed": CONTROL,
            "invalid": "Số định danh hoặc số điện thoại phải là chuỗi ký tự",
        },
    )


class StepOut(serializers.Serializer[Any]):
    name = serializers.CharField()
    agency = serializers.CharField()
    finished_at = serializers.DateTimeField(allow_null=True)


class ApologyOut(serializers.Serializer[Any]):
    issued_at = serializers.DateTimeField()
    reason = serializers.CharField()
    new_appointment = serializers.DateTimeField(help_text="Ngày hẹn trả kết quả mới")


class LookupOutput(serializers.Serializer[Any]):
    code = serializers.CharField()
    procedure = serializers.CharField()
    procedure_code = serializers.CharField()
    status = serializers.CharField(help_text="Mã trạng thái ổn định (dossiers.Status)")
    status_label = serializers.CharField()
    status_text = serializers.CharField(help_text="Tình trạng hồ sơ bằng lời dễ hiểu")
    received_at = serializers.DateTimeField(allow_null=True)
    appointment_at = serializers.DateTimeField(
        allow_null=True, help_text="Ngày hẹn trả (ngày hẹn mới khi đã có thư xin lỗi)"
    )
    due_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    result_place = serializers.CharField()
    late = serializers.BooleanField()
    apology = ApologyOut(allow_null=True)
    steps = StepOut(many=True)
    rated = serializers.BooleanField()


def _problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ProblemSerializer, description=description)


class DossierLookup(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []  # public; no session, so no CSRF either

    @extend_schema(
        tags=["Tra cứu hồ sơ"],
        summary="Tra cứu tình trạng hồ sơ (công khai)",
        description=(
            "Mã hồ sơ cùng số định danh hoặc số điện thoại của người nộp như đã ghi trên hồ sơ. "
            "Sai mã hay sai thông tin xác minh đều nhận cùng một lỗi 404 `dossier_not_found`. "
            "Mỗi địa chỉ IP được tra cứu số lần giới hạn trong một khoảng thời gian (mặc định "
            "10 lần / 10 phút, chung với trang /tra-cuu/); vượt quá: 429 `throttled` kèm "
            "`Retry-After`."
        ),
        request=LookupInput,
        responses={
            200: LookupOutput,
            (400, PROBLEM_JSON): _problem("Dữ liệu gửi lên không hợp lệ"),
            (404, PROBLEM_JSON): _problem("Không có hồ sơ khớp mã và thông tin xác minh"),
            (429, PROBLEM_JSON): _problem("Quá nhiều lần tra cứu"),
        },
        examples=[
            OpenApiExample(
                "Tra cứu",
                value={"code": "000.00.03.H10-220601-0001", "factor": "070123456789"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        checked = LookupInput(data=request.data) if isinstance(request.data, dict) else None
        valid = checked is not None and checked.is_valid()
        data = checked.validated_data if checked is not None and valid else None
        cleaned = (data["code"], data["factor"]) if data is not None else None
        wait, d = lookup_attempt(request._request, cleaned)  # counted, valid or not
        if wait is not None:
            raise exceptions.Throttled(wait=wait, detail="Quá nhiều lần tra cứu")
        if checked is None:
            raise exceptions.ValidationError({"code": ["Nội dung phải là một đối tượng JSON"]})
        if not valid:
            raise exceptions.ValidationError(checked.errors)
        if d is None:
            raise NotFound(
                "Không tìm thấy hồ sơ khớp mã hồ sơ và thông tin xác minh",
                code="dossier_not_found",
            )
        return Response(d.as_json())
