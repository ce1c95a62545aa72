"""``POST /api/v1/portal/dossiers/``: dossiers filed on the national public-service portal.

Only a client of kind ``national_portal`` may call it (``motcua api-client create --kind
national_portal``). The body's shape is checked here; the rest (procedure in force at the desk,
applicant, permission) is ``integrations.inbound`` and the services'.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.api import serializers as s
from motcua.api.actions import PROBLEM, VNSerializer
from motcua.api.errors import PROBLEM_JSON, field_errors, summary
from motcua.api.intake import _named
from motcua.catalog.selectors import procedures_valid_on
from motcua.core.errors import DomainError, ValidationFailed
from motcua.dossiers import services as svc
from motcua.dossiers.files import MAX_BYTES, check_upload
from motcua.integrations.inbound import portal_dossier_receive
from motcua.units.models import Agency

MAX_FILES = 10


class PortalFileIn(VNSerializer):
    document = serializers.CharField(max_length=500, help_text="Thành phần hồ sơ")
    name = serializers.CharField(max_length=255, help_text="Tên tệp")
    content_base64 = serializers.CharField(
        max_length=(MAX_BYTES * 4) // 3 + 8, help_text="Nội dung tệp (base64; PDF, JPEG, PNG)"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            data = base64.b64decode(attrs["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(
                {"content_base64": "Nội dung tệp không phải base64"}, code="bad_base64"
            ) from None
        try:
            attrs["checked"] = check_upload(attrs["name"], data)
        except DomainError as exc:
            raise serializers.ValidationError(
                {"content_base64": exc.message}, code=exc.code
            ) from None
        return attrs


class PortalDossierIn(VNSerializer):
    national_id = serializers.RegexField(
        r"^[\x21-\x7e]{1,64}$",
        max_length=64,
        help_text="Mã hồ sơ trên Cổng DVC quốc gia (ASCII in được, tối đa 64 ký tự)",
    )
    procedure = serializers.CharField(max_length=40, help_text="Mã thủ tục")
    desk = serializers.CharField(max_length=40, help_text="Mã nơi tiếp nhận (Bộ phận Một cửa)")
    applicant = s.ApplicantInSerializer(help_text="Người nộp")
    request = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="Nội dung yêu cầu"
    )
    files = PortalFileIn(
        many=True, required=False, default=list, max_length=MAX_FILES, help_text="Tệp đính kèm"
    )


class PortalDossierOut(serializers.Serializer[Any]):
    national_id = serializers.CharField(help_text="Mã hồ sơ trên Cổng DVC quốc gia")
    dossier = s.DossierSerializer(help_text="Hồ sơ trong hàng chờ tiếp nhận trực tuyến")


EXAMPLE = {
    "national_id": "G22.99-241129-000123",
    "procedure": "1.000001",
    "desk": "000.01.01.H10",
    "applicant": {"name": "Nguyễn Văn An", "id_number": "070123456789", "phone": "0912345678"},
    "request": "Đề nghị cấp bản sao trích lục",
    "files": [],
}


def _bad(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        message, code=code, details=[{"field": field, "code": code, "message": message}]
    )


class PortalDossierCreate(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="portal_dossier_create",
        tags=["Cổng DVC quốc gia"],
        summary="Nhận hồ sơ nộp trên Cổng Dịch vụ công quốc gia",
        description=(
            "Chỉ khóa loại national_portal. Hồ sơ vào hàng chờ tiếp nhận trực tuyến của nơi "
            "tiếp nhận, như nộp trên cổng của tỉnh. Gửi lại cùng national_id, cùng nội dung → "
            "cùng hồ sơ (200, Idempotent-Replayed: true); cùng national_id, nội dung khác → 409 "
            "national_id_reused."
        ),
        request=PortalDossierIn,
        responses={
            201: OpenApiResponse(PortalDossierOut, description="Đã nhận"),
            200: OpenApiResponse(PortalDossierOut, description="Đã nhận trước đó (gửi lại)"),
            **{(c, PROBLEM_JSON): PROBLEM for c in (400, 401, 403, 409, 415)},
        },
        examples=[OpenApiExample("Hồ sơ từ Cổng DVC quốc gia", value=EXAMPLE, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        checked = PortalDossierIn(data=request.data)
        if not checked.is_valid():
            problems = field_errors(checked.errors)
            first = problems[0]
            raise ValidationFailed(summary(first), code="validation_failed", details=problems)
        c = checked.validated_data
        procedure = (
            procedures_valid_on(timezone.localdate())
            .filter(code=c["procedure"])
            .order_by("-version")
            .first()
        )
        if procedure is None:
            raise _bad(
                "procedure",
                "unknown_procedure",
                f"Không có thủ tục mã {c['procedure']} đang có hiệu lực",
            )
        desk = Agency.objects.filter(code=c["desk"]).first()
        if desk is None:
            raise _bad("desk", "unknown_agency", f"Không có cơ quan mã {c['desk']}")
        a = c["applicant"]
        digest = hashlib.sha256(
            # surrogatepass: a lone surrogate (\ud800) in an ignored field is no 500 (intake)
            json.dumps(request.data, sort_keys=True, ensure_ascii=False).encode(
                "utf-8", "surrogatepass"
            )
        ).hexdigest()
        try:
            dossier, replayed = portal_dossier_receive(
                actor=request.user,
                national_id=c["national_id"],
                digest=digest,
                applicant=svc.ApplicantData(
                    name=a["name"],
                    id_number=a["id_number"],
                    kind=a["kind"],
                    phone=a["phone"],
                    email=a["email"],
                    address=a["address"],
                ),
                procedure=procedure,
                desk=desk,
                request=c["request"],
                files=[(f["document"], f["checked"]) for f in c["files"]],
            )
        except ValidationFailed as exc:
            raise _named(exc) from exc
        body = PortalDossierOut({"national_id": c["national_id"], "dossier": dossier}).data
        response = Response(body, status=200 if replayed else 201)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response
