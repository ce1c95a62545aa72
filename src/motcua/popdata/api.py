"""``POST /api/v1/dossiers/{ref}/verify-applicant/``: a staff API client checks a dossier's
applicant against the national population database.

Visibility is ``access.dossier_get_for`` (outside the caller's scope: 404), permission the
service's (staff of the receiving desk or the processing agency, else 403); an organisation
applicant or an ID number the database cannot know is 409 ``not_a_person`` / ``bad_id_number``.
An unavailable service is an answer (200, ``outcome: "unavailable"``), not an error.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.api.actions import PROBLEM, VNSerializer
from motcua.api.errors import PROBLEM_JSON, field_errors
from motcua.core.errors import IllegalTransition, ValidationFailed
from motcua.dossiers.access import dossier_get_for
from motcua.popdata import services
from motcua.popdata.backends import FIELDS
from motcua.popdata.models import Context, Outcome


class VerifyIn(VNSerializer):
    birth_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Ngày sinh của người nộp (YYYY-MM-DD; để trống: chỉ xác thực số định danh và "
        "họ tên)",
    )

    def validate_birth_date(self, value: Any) -> Any:
        import datetime as dt

        from django.utils import timezone

        if value is not None and not (dt.date(1900, 1, 1) <= value <= timezone.localdate()):
            raise serializers.ValidationError(
                "Ngày sinh phải từ 1900-01-01 đến hôm nay.", code="bad_birth_date"
            )
        return value


class VerificationOut(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="Id của lần xác thực")
    dossier = serializers.CharField(help_text="Mã hồ sơ")
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, help_text="match | mismatch | unavailable"
    )
    # one enum (PopdataField) for both lists: the same choice set under two names is a warning
    fields_checked = serializers.ListField(
        child=serializers.ChoiceField(choices=FIELDS),
        help_text="Trường đã xác thực: id_number, name, birth_date",
    )
    mismatched = serializers.ListField(
        child=serializers.ChoiceField(choices=FIELDS),
        help_text="Trường không khớp (trong các trường đã xác thực)",
    )
    reference = serializers.CharField(help_text="Mã giao dịch của nền tảng chia sẻ dữ liệu")
    reason = serializers.CharField(help_text="Lý do không kết nối được (khi unavailable)")
    checked_at = serializers.DateTimeField(help_text="Thời điểm xác thực")


class VerifyApplicant(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="dossier_verify_applicant",
        summary="Xác thực người nộp với CSDL quốc gia về dân cư",
        description="Xác thực số định danh, họ tên (và ngày sinh nếu gửi) của người nộp hồ sơ "
        "với CSDL quốc gia về dân cư; kết quả được ghi lại cùng hồ sơ. Dịch vụ không kết nối "
        "được: 200 với outcome unavailable. Hồ sơ theo mã hoặc id; ngoài phạm vi được xem: "
        "404. Không phải cán bộ nơi tiếp nhận hoặc cơ quan giải quyết: 403. Người nộp là tổ "
        "chức hoặc số định danh không phải 12 chữ số: 409.",
        tags=["Thao tác trên hồ sơ"],
        request=VerifyIn,
        responses={
            200: OpenApiResponse(VerificationOut, description="Kết quả xác thực"),
            **{(c, PROBLEM_JSON): PROBLEM for c in (400, 401, 403, 404, 409, 415)},
        },
        examples=[
            OpenApiExample("Xác thực", value={"birth_date": "1990-05-17"}, request_only=True)
        ],
    )
    def post(self, request: Request, ref: str) -> Response:
        d = dossier_get_for(request.user, ref)
        checked = VerifyIn(data=request.data)
        if not checked.is_valid():
            problems = field_errors(checked.errors)
            first = problems[0]
            raise ValidationFailed(
                f"{first['field']}: {first['message']}" if first["field"] else first["message"],
                code="validation_failed",
                details=problems,
            )
        try:
            v = services.dossier_check(
                actor=request.user,
                dossier=d,
                birth_date=checked.validated_data["birth_date"],
                context=Context.API,
            )
        except ValidationFailed as exc:  # about the dossier, not the body: a conflict
            raise IllegalTransition(exc.message, code=exc.code) from exc
        return Response(
            VerificationOut(
                {
                    "id": v.pk,
                    "dossier": d.code or str(d.pk),
                    "outcome": v.outcome,
                    "fields_checked": v.fields_checked,
                    "mismatched": v.mismatched,
                    "reference": v.reference,
                    "reason": v.reason,
                    "checked_at": v.checked_at,
                }
            ).data
        )
