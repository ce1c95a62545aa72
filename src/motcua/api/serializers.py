"""Read shapes of the API and the validators of its query parameters (no business rules)."""

from __future__ import annotations

import copy
from typing import Any, TypeVar

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.catalog.models import FeeItem, Procedure, ProcessStep, RequiredDocument
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    Dossier,
    DossierEvent,
    DossierStep,
    Status,
)
from motcua.units.models import AdministrativeUnit, Agency, Level

LEVEL_CHOICES = [(lv.value, lv.label) for lv in Level]

_M = TypeVar("_M", bound=models.Model)

#: serializer class → its fields as first built (``ReadSerializer``)
_BUILT: dict[type, dict[str, serializers.Field[Any, Any, Any, Any]]] = {}


class ReadSerializer(serializers.ModelSerializer[_M]):
    """A read shape built from its model once per process, not once per instance.

    DRF's ModelSerializer works its fields out from the model's fields on every instance (the
    field kwargs, choices, validators): six times for one dossier's detail, about a tenth of an
    API intake's CPU (issue 9, BENCHMARKS.md). What it builds depends on the class only (its
    Meta, its declared fields, the model), so the first build is kept and each instance gets a
    deep copy of it — the same copy DRF itself makes of the declared fields."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        built = _BUILT.get(type(self))
        if built is None:
            built = _BUILT[type(self)] = super().get_fields()
        return copy.deepcopy(built)


# ---- catalog ---------------------------------------------------------------------------------


class AgencyRefSerializer(ReadSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["code", "name"]


class AgencySerializer(ReadSerializer[Agency]):
    unit = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Mã đơn vị hành chính"
    )
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="Mã cơ quan cấp trên"
    )

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "level",
            "unit",
            "parent",
            "receives_dossiers",
            "valid_from",
            "valid_to",
            "address",
            "phone",
        ]


class UnitSerializer(ReadSerializer[AdministrativeUnit]):
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="Mã đơn vị cấp trên"
    )
    successor = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Đơn vị kế thừa (sau sáp nhập), theo id"
    )

    class Meta:
        model = AdministrativeUnit
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "level",
            "parent",
            "valid_from",
            "valid_to",
            "successor",
        ]


class FieldRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class ProcedureSerializer(ReadSerializer[Procedure]):
    field = FieldRefSerializer(read_only=True, help_text="Lĩnh vực")
    agency = AgencyRefSerializer(read_only=True, allow_null=True, help_text="Cơ quan thực hiện")

    class Meta:
        model = Procedure
        fields = [
            "code",
            "version",
            "name",
            "field",
            "level",
            "at_province",
            "at_district",
            "at_commune",
            "agency",
            "agency_text",
            "time_limit_days",
            "online_service",
            "is_inter_level",
            "is_vertical",
            "status",
            "valid_from",
            "valid_to",
        ]


class DocumentSpecSerializer(ReadSerializer[RequiredDocument]):
    class Meta:
        model = RequiredDocument
        fields = ["order", "name", "originals", "copies", "mandatory"]


class FeeSerializer(ReadSerializer[FeeItem]):
    class Meta:
        model = FeeItem
        fields = ["order", "name", "amount_vnd"]


class ProcessStepSerializer(ReadSerializer[ProcessStep]):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = ProcessStep
        fields = ["order", "name", "role", "agency", "level", "budget_days"]


class ProcedureDetailSerializer(ProcedureSerializer):
    documents = DocumentSpecSerializer(many=True, read_only=True)
    fees = FeeSerializer(many=True, read_only=True)
    steps = ProcessStepSerializer(many=True, read_only=True)
    application_form = serializers.SerializerMethodField(
        help_text="Tờ khai điện tử của phiên bản thủ tục (định dạng: docs/eforms.md); null nếu "
        "không có"
    )

    @extend_schema_field({"type": "object", "nullable": True, "additionalProperties": True})
    def get_application_form(self, obj: Procedure) -> dict[str, Any] | None:
        from motcua.eforms.services import definition_of

        return definition_of(obj)

    class Meta(ProcedureSerializer.Meta):
        fields = [
            *ProcedureSerializer.Meta.fields,
            "result",
            "result_kind",
            "legal_basis",
            "decision",
            "documents",
            "fees",
            "steps",
            "application_form",
        ]


class ProcedureQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Tìm theo mã, tên (không phân biệt dấu)",
    )
    level = serializers.ChoiceField(
        choices=LEVEL_CHOICES, required=False, help_text="Cấp thực hiện: 1 tỉnh, 2 huyện, 3 xã"
    )
    agency = serializers.CharField(required=False, max_length=40, help_text="Mã cơ quan thực hiện")
    field = serializers.CharField(required=False, max_length=40, help_text="Mã lĩnh vực")


class AgencyQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Tìm theo tên, mã (không phân biệt dấu)",
    )
    level = serializers.ChoiceField(choices=LEVEL_CHOICES, required=False, help_text="Cấp")
    unit = serializers.CharField(required=False, max_length=10, help_text="Mã đơn vị hành chính")
    receives_dossiers = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Chỉ nơi tiếp nhận hồ sơ"
    )


class UnitQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Tìm theo tên, mã (không phân biệt dấu)",
    )
    level = serializers.ChoiceField(choices=LEVEL_CHOICES, required=False, help_text="Cấp")
    parent = serializers.CharField(required=False, max_length=10, help_text="Mã đơn vị cấp trên")
    on = serializers.DateField(required=False, help_text="Chỉ đơn vị có hiệu lực vào ngày này")


# ---- dossiers --------------------------------------------------------------------------------


class DossierSerializer(ReadSerializer[Dossier]):
    procedure = serializers.SerializerMethodField(help_text="Mã thủ tục")
    receiving_agency = AgencyRefSerializer(read_only=True, help_text="Nơi tiếp nhận")
    processing_agency = AgencyRefSerializer(
        read_only=True, allow_null=True, help_text="Cơ quan giải quyết"
    )

    class Meta:
        model = Dossier
        fields = [
            "id",
            "code",
            "procedure",
            "applicant_name",
            "channel",
            "status",
            "receiving_agency",
            "processing_agency",
            "submitted_at",
            "received_at",
            "due_at",
            "appointment_at",
            "finished_at",
            "returned_at",
            "level",
            "version",
        ]

    @extend_schema_field(serializers.CharField())
    def get_procedure(self, obj: Dossier) -> str:
        return obj.procedure.code


class StepSerializer(ReadSerializer[DossierStep]):
    agency = AgencyRefSerializer(read_only=True)
    handler = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = DossierStep
        fields = [
            "id",
            "order",
            "group",
            "kind",
            "name",
            "role",
            "agency",
            "budget_days",
            "status",
            "handler",
            "started_at",
            "due_at",
            "finished_at",
            "outcome",
            "note",
        ]


class EventSerializer(ReadSerializer[DossierEvent]):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = DossierEvent
        fields = [
            "id",
            "type",
            "at",
            "actor_label",
            "agency",
            "from_status",
            "to_status",
            "step",
            "note",
        ]


class DossierDetailSerializer(DossierSerializer):
    steps = StepSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta(DossierSerializer.Meta):
        fields = [
            *DossierSerializer.Meta.fields,
            "applicant_kind",
            "applicant_id_number",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
            "proxy_name",
            "request",
            "sets",
            "clock_started_at",
            "handed_over_at",
            "paused_at",
            "result_place",
            "return_method",
            "book_number",
            "book_year",
            "apology_breach",
            "form_data",
            "steps",
            "events",
        ]


class DossierQuerySerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Status.choices, required=False, help_text="Trạng thái")
    agency = serializers.CharField(
        required=False, max_length=40, help_text="Mã cơ quan (tiếp nhận hoặc giải quyết)"
    )
    received_from = serializers.DateField(
        required=False, help_text="Tiếp nhận từ ngày (giờ Việt Nam, tính cả ngày này)"
    )
    received_to = serializers.DateField(
        required=False, help_text="Tiếp nhận đến ngày (giờ Việt Nam, tính cả ngày này)"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        a, b = attrs.get("received_from"), attrs.get("received_to")
        if a and b and b < a:
            raise serializers.ValidationError(
                {"received_to": "Ngày kết thúc trước ngày bắt đầu"}, code="bad_period"
            )
        return attrs


# ---- dossier creation (partner systems) -----------------------------------------------------


class ApplicantInSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=ApplicantKind.choices, default=ApplicantKind.PERSON, help_text="Loại người nộp"
    )
    name = serializers.CharField(max_length=255, help_text="Họ tên / tên tổ chức")
    id_number = serializers.CharField(
        max_length=20, help_text="Số định danh: CCCD 12 số (CMND 9 số) hoặc mã số tổ chức"
    )
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DocumentInSerializer(serializers.Serializer[Any]):
    order = serializers.IntegerField(
        min_value=1, max_value=999, help_text="Thứ tự thành phần hồ sơ trong danh mục thủ tục"
    )
    submitted = serializers.BooleanField(default=True, help_text="Đã nộp")
    originals = serializers.IntegerField(
        min_value=0, max_value=99, required=False, help_text="Số bản chính (mặc định theo thủ tục)"
    )
    copies = serializers.IntegerField(
        min_value=0, max_value=99, required=False, help_text="Số bản sao (mặc định theo thủ tục)"
    )


class DossierCreateSerializer(serializers.Serializer[Any]):
    procedure = serializers.CharField(max_length=40, help_text="Mã thủ tục")
    desk = serializers.CharField(max_length=40, help_text="Mã nơi tiếp nhận (Bộ phận Một cửa)")
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        default=Channel.COUNTER,
        help_text="counter/postal: tiếp nhận ngay; online: vào hàng chờ trực tuyến",
    )
    applicant = ApplicantInSerializer()
    request = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="Nội dung yêu cầu"
    )
    documents = DocumentInSerializer(
        many=True,
        required=False,
        default=list,
        help_text="Thành phần hồ sơ đã nộp (theo thứ tự trong danh mục); thành phần không nêu "
        "là chưa nộp",
    )
    proxy_name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    proxy_id_number = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    sets = serializers.IntegerField(min_value=1, max_value=99, default=1, help_text="Số bộ hồ sơ")
    result_place = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", help_text="Nơi trả kết quả"
    )
    form_data = serializers.JSONField(
        required=False,
        default=dict,
        help_text="Tờ khai điện tử đã điền (đối tượng theo định nghĩa tờ khai của thủ tục, xem "
        "application_form); kiểm tra bằng chính biểu mẫu của tờ khai",
    )

    def validate_documents(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        orders = [d["order"] for d in value]
        if len(orders) != len(set(orders)):
            raise serializers.ValidationError(
                "Một thành phần hồ sơ được nêu hai lần", code="duplicate"
            )
        return value


# ---- errors ----------------------------------------------------------------------------------


class FieldErrorSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="Tên trường hoặc tham số (a.b cho trường lồng nhau)")
    code = serializers.CharField(help_text="Mã lỗi ổn định")
    message = serializers.CharField(help_text="Mô tả bằng tiếng Việt")


class ProblemSerializer(serializers.Serializer[Any]):
    """RFC 9457 problem details with our stable code."""

    type = serializers.CharField(help_text="Luôn là about:blank")
    title = serializers.CharField(help_text="Tên trạng thái HTTP bằng tiếng Việt")
    status = serializers.IntegerField(help_text="Mã trạng thái HTTP")
    detail = serializers.CharField(help_text="Mô tả lỗi bằng tiếng Việt (bằng message)")
    code = serializers.CharField(help_text="Mã lỗi ổn định cho máy, ví dụ dossier_not_found")
    message = serializers.CharField(help_text="Mô tả lỗi bằng tiếng Việt")
    errors = FieldErrorSerializer(many=True, required=False, help_text="Lỗi theo từng trường")
