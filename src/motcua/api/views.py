"""The API's views: parse and validate input, call selectors / services / access, shape output.

No business rule lives here: visibility is ``dossiers.access``, search is ``catalog.selectors``,
figures are ``reports.selectors``; errors are mapped once in ``api.errors``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.api import serializers as s
from motcua.api.errors import PROBLEM_JSON, field_errors
from motcua.api.pagination import CatalogPagination, DossierCursor
from motcua.catalog.models import Procedure, ProcedureStatus
from motcua.catalog.selectors import procedure_search
from motcua.core.errors import NotFound, ValidationFailed
from motcua.core.models import search_matching
from motcua.dossiers.access import dossier_get_for, dossiers_visible_to, report_agency_ids
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.services import written
from motcua.reports.aggregates import in_one_reading
from motcua.units.models import AdministrativeUnit, Agency

PROBLEM = OpenApiResponse(
    response=s.ProblemSerializer,
    description="Lỗi (RFC 9457): code cho máy, message tiếng Việt cho người",
)


def errors(*codes: int) -> dict[Any, OpenApiResponse]:
    return {(code, PROBLEM_JSON): PROBLEM for code in codes}


ERRORS = errors(400, 401, 403, 404)
LEVEL_FLAGS = {1: "at_province", 2: "at_district", 3: "at_commune"}


def query(serializer: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    """Validated query parameters, or 400 ``bad_parameter`` naming each bad field."""
    checked = serializer(data=request.query_params)
    if not checked.is_valid():
        problems = field_errors(checked.errors)
        first = problems[0]
        raise ValidationFailed(
            f"Tham số {first['field']} không hợp lệ: {first['message']}",
            code="bad_parameter",
            details=problems,
        )
    return dict(checked.validated_data)


def clean(text: str) -> bool:
    """A code from a URL or a parameter that can be looked up (a NUL breaks PostgreSQL)."""
    return "\x00" not in text and len(text) <= 100


@extend_schema(exclude=True)
class NoSuchResource(APIView):
    """Anything else under /api/: a 404 problem, not the site's HTML page."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        raise NotFound("Không có tài nguyên này trong API", code="not_found")


# ---- catalog (public) ------------------------------------------------------------------------


@extend_schema(tags=["Danh mục"])
class ProcedureList(generics.ListAPIView[Procedure]):
    """Thủ tục hành chính đang công bố."""

    permission_classes = [AllowAny]
    serializer_class = s.ProcedureSerializer
    pagination_class = CatalogPagination

    @extend_schema(
        summary="Danh sách thủ tục hành chính",
        description=(
            "Thủ tục đang công bố. `q` tìm theo mã và tên, không phân biệt dấu "
            "('thanh lap' tìm được 'Thành lập'); lọc theo cấp thực hiện, cơ quan, lĩnh vực."
        ),
        parameters=[s.ProcedureQuerySerializer],
        responses={200: s.ProcedureSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Procedure]:
        params = query(s.ProcedureQuerySerializer, self.request)
        qs = procedure_search(params.get("q") or "")
        if "level" in params:
            qs = qs.filter(**{LEVEL_FLAGS[int(params["level"])]: True})
        if params.get("agency"):
            qs = qs.filter(agency__code=params["agency"])
        if params.get("field"):
            qs = qs.filter(field__code=params["field"])
        return qs.select_related("field", "agency").order_by("code", "version")


@extend_schema(tags=["Danh mục"])
class ProcedureDetail(generics.RetrieveAPIView[Procedure]):
    permission_classes = [AllowAny]
    serializer_class = s.ProcedureDetailSerializer

    @extend_schema(
        summary="Một thủ tục (phiên bản đang công bố)",
        description="Thành phần hồ sơ, phí, lệ phí và quy trình nội bộ của thủ tục.",
        responses={200: s.ProcedureDetailSerializer, **errors(404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_object(self) -> Procedure:
        if not clean(self.kwargs["code"]):
            raise NotFound("Không tìm thấy thủ tục", code="procedure_not_found")
        found = (
            Procedure.objects.filter(code=self.kwargs["code"], status=ProcedureStatus.PUBLISHED)
            .select_related("field", "agency")
            .prefetch_related("documents", "fees", "steps__agency")
            .order_by("-version")
            .first()
        )
        if found is None:
            raise NotFound("Không tìm thấy thủ tục", code="procedure_not_found")
        return found


@extend_schema(tags=["Danh mục"])
class AgencyList(generics.ListAPIView[Agency]):
    permission_classes = [AllowAny]
    serializer_class = s.AgencySerializer
    pagination_class = CatalogPagination

    @extend_schema(
        summary="Danh sách cơ quan",
        description="Cơ quan, đơn vị (mã định danh QCVN 102:2016), lọc theo cấp, đơn vị "
        "hành chính, nơi tiếp nhận hồ sơ.",
        parameters=[s.AgencyQuerySerializer],
        responses={200: s.AgencySerializer(many=True), **errors(400)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Agency]:
        params = query(s.AgencyQuerySerializer, self.request)
        qs = search_matching(Agency.objects.all(), params.get("q") or "")
        if "level" in params:
            qs = qs.filter(level=int(params["level"]))
        if params.get("unit"):
            qs = qs.filter(unit__code=params["unit"])
        if params.get("receives_dossiers") is not None:
            qs = qs.filter(receives_dossiers=params["receives_dossiers"])
        return qs.select_related("unit", "parent").order_by("level", "code")


@extend_schema(tags=["Danh mục"])
class AgencyDetail(generics.RetrieveAPIView[Agency]):
    permission_classes = [AllowAny]
    serializer_class = s.AgencySerializer

    @extend_schema(summary="Một cơ quan", responses={200: s.AgencySerializer, **errors(404)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_object(self) -> Agency:
        if not clean(self.kwargs["code"]):
            raise NotFound("Không tìm thấy cơ quan", code="agency_not_found")
        found = Agency.objects.select_related("unit", "parent").filter(code=self.kwargs["code"])
        agency = found.first()
        if agency is None:
            raise NotFound("Không tìm thấy cơ quan", code="agency_not_found")
        return agency


@extend_schema(tags=["Danh mục"])
class UnitList(generics.ListAPIView[AdministrativeUnit]):
    permission_classes = [AllowAny]
    serializer_class = s.UnitSerializer
    pagination_class = CatalogPagination

    @extend_schema(
        summary="Danh sách đơn vị hành chính",
        description="Tỉnh, huyện, xã với thời gian hiệu lực và đơn vị kế thừa sau sáp nhập.",
        parameters=[s.UnitQuerySerializer],
        responses={200: s.UnitSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[AdministrativeUnit]:
        params = query(s.UnitQuerySerializer, self.request)
        qs = search_matching(AdministrativeUnit.objects.all(), params.get("q") or "")
        if "level" in params:
            qs = qs.filter(level=int(params["level"]))
        if params.get("parent"):
            qs = qs.filter(parent__code=params["parent"])
        if params.get("on"):
            day = params["on"]
            qs = qs.filter(
                Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            )
        return qs.select_related("parent").order_by("level", "code", "id")


@extend_schema(tags=["Danh mục"])
class UnitDetail(generics.RetrieveAPIView[AdministrativeUnit]):
    permission_classes = [AllowAny]
    serializer_class = s.UnitSerializer
    queryset = AdministrativeUnit.objects.select_related("parent")

    @extend_schema(
        summary="Một đơn vị hành chính", responses={200: s.UnitSerializer, **errors(404)}
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


# ---- dossiers (scoped by dossiers.access) ----------------------------------------------------


def _local_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@extend_schema(tags=["Hồ sơ"])
class DossierList(generics.ListAPIView[Dossier]):
    permission_classes = [IsAuthenticated]
    serializer_class = s.DossierSerializer
    pagination_class = DossierCursor

    @extend_schema(
        summary="Danh sách hồ sơ",
        description=(
            "Chỉ những hồ sơ mà cán bộ cùng cơ quan, cùng vai trò được xem trên trang cán bộ. "
            "Mới nhất trước; phân trang bằng con trỏ (ổn định khi có hồ sơ mới)."
        ),
        parameters=[s.DossierQuerySerializer],
        responses={200: s.DossierSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Tạo hồ sơ (tiếp nhận tại quầy / bưu chính, hoặc nộp trực tuyến)",
        description=(
            "Cùng kiểm tra như trang tiếp nhận của cán bộ: thủ tục có hiệu lực và thực hiện "
            "tại cấp của nơi tiếp nhận, người nộp hợp lệ, đủ thành phần bắt buộc (nếu thiếu: "
            "400 incomplete_dossier, cần Mẫu 02). Khóa phải có vai trò một cửa tại nơi tiếp "
            "nhận. Bắt buộc tiêu đề Idempotency-Key: gửi lại cùng khóa, cùng nội dung → cùng "
            "hồ sơ (Idempotent-Replayed: true); cùng khóa, nội dung khác → 409."
        ),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="Giá trị riêng cho mỗi hồ sơ (ví dụ UUID), tối đa 200 ký tự ASCII",
            )
        ],
        request=s.DossierCreateSerializer,
        responses={201: s.DossierDetailSerializer, **ERRORS, **errors(409, 415)},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from motcua.api.intake import created_response, dossier_create

        dossier, replayed = dossier_create(request)
        # a dossier created now was received under the caller's counter role at its desk (the
        # service checked it in this request): it is visible to them, no second access query,
        # and the service's own object is shown with its steps and events read (not the whole
        # dossier read back: issue 9); a replayed one is checked again (the caller's roles may
        # have changed since)
        detail = (
            DossierDetail.load(request.user, dossier.pk)
            if replayed
            else DossierDetail.completed(dossier)
        )
        body = s.DossierDetailSerializer(detail).data
        return created_response(dossier, replayed, body)

    def get_queryset(self) -> QuerySet[Dossier]:
        params = query(s.DossierQuerySerializer, self.request)
        qs = dossiers_visible_to(self.request.user)
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("agency"):
            code = params["agency"]
            qs = qs.filter(Q(receiving_agency__code=code) | Q(processing_agency__code=code))
        if params.get("received_from"):
            qs = qs.filter(received_at__gte=_local_start(params["received_from"]))
        if params.get("received_to"):
            end = params["received_to"] + dt.timedelta(days=1)
            qs = qs.filter(received_at__lt=_local_start(end))
        return qs.select_related("procedure", "receiving_agency", "processing_agency")


@extend_schema(tags=["Hồ sơ"])
class DossierDetail(generics.RetrieveAPIView[Dossier]):
    permission_classes = [IsAuthenticated]
    serializer_class = s.DossierDetailSerializer

    @extend_schema(
        summary="Một hồ sơ, với các bước xử lý và nhật ký",
        description="Theo mã hồ sơ hoặc id. Hồ sơ ngoài phạm vi được xem trả về 404.",
        responses={200: s.DossierDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_object(self) -> Dossier:
        return self.load(self.request.user, self.kwargs["ref"])

    @staticmethod
    def load(actor: Any, ref: str | int) -> Dossier:
        return DossierDetail.detail(dossier_get_for(actor, ref).pk)

    @staticmethod
    def _shown() -> tuple[Prefetch, Prefetch]:
        return (
            Prefetch("steps", queryset=DossierStep.objects.select_related("agency", "handler")),
            Prefetch(
                "events",
                queryset=DossierEvent.objects.select_related("agency").order_by("at", "id"),
            ),
        )

    @staticmethod
    def detail(pk: int) -> Dossier:
        """The dossier with what the detail shows; the caller has checked the access."""
        return (
            Dossier.objects.select_related("procedure", "receiving_agency", "processing_agency")
            .prefetch_related(*DossierDetail._shown())
            .get(pk=pk)
        )

    @staticmethod
    def completed(dossier: Dossier) -> Dossier:
        """A dossier a service has just created, as the detail shows it: the row as the service
        left it, its steps and events those the service wrote through it (``written``: not read
        back, two statements and their objects, issue 9) in the detail's order — read when the
        object does not list them. A test compares the answer with a GET of the stored
        dossier, by day and after the hand-over cut-off, at the counter and online."""
        rows = written(dossier)
        if rows is None:
            prefetch_related_objects([dossier], *DossierDetail._shown())
            return dossier
        cache = dossier.__dict__.setdefault("_prefetched_objects_cache", {})
        for name, model, key in (
            ("steps", DossierStep, lambda x: (x.order, x.pk)),  # DossierStep.Meta.ordering
            ("events", DossierEvent, lambda x: (x.at, x.pk)),
        ):
            shown = model.objects.filter(dossier_id=dossier.pk)
            shown._result_cache = sorted(rows[name], key=key)
            shown._prefetch_done = True
            cache[name] = shown
        return dossier


# ---- the period report -----------------------------------------------------------------------


def _period(params: Any) -> Any:
    """The period through the pages' and the commands' own form (one set of types, bounds and
    codes: bad_date, bad_period, out_of_range, bad_value)."""
    from motcua.reports.forms import PeriodForm

    form = PeriodForm(params)
    if not form.is_valid():
        rows = [
            {
                "field": "" if field == "__all__" else field,
                "code": "bad_date"
                if e.code == "invalid" and field in ("from", "to")
                else "bad_value"
                if e.code in ("invalid", "invalid_choice", None)
                else str(e.code),
                "message": " ".join(e.messages),
            }
            for field, errors in form.errors.as_data().items()
            for e in errors
        ]
        raise ValidationFailed(form.error_text(), code=form.error_code(), details=rows)
    if not form.given():
        message = "Cần from và to (YYYY-MM-DD), hoặc year (với kind, n)"
        raise ValidationFailed(
            message,
            code="bad_period",
            details=[{"field": "from", "code": "bad_period", "message": message}],
        )
    return form.period()


@extend_schema(tags=["Báo cáo"])
class PeriodReport(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Báo cáo kết quả giải quyết TTHC trong kỳ",
        description=(
            "Cùng nội dung JSON với lệnh `motcua report` (docs/report-format.md). Kỳ báo cáo: "
            "`from` và `to`, hoặc `year` với `kind` (6, 9, year, quarter, month) và `n`. Lãnh "
            "đạo, quản trị cơ quan thấy số liệu và chỉ số Quyết định 766 của cơ quan mình; "
            "toàn tỉnh kèm chỉ tiêu."
        ),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="Ngày đầu kỳ (YYYY-MM-DD)"),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, description="Ngày cuối kỳ (YYYY-MM-DD), tính cả ngày này"
            ),
            OpenApiParameter("year", OpenApiTypes.INT, description="Năm (thay cho from/to)"),
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                enum=["6", "9", "year", "quarter", "month"],
                description="Loại kỳ: 6 tháng, 9 tháng, cả năm, quý, tháng",
            ),
            OpenApiParameter("n", OpenApiTypes.INT, description="Số quý (1–4) hoặc tháng (1–12)"),
            OpenApiParameter(
                "unit",
                OpenApiTypes.STR,
                description="Mã đơn vị hành chính (để trống: cả phạm vi được xem)",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    @in_one_reading  # the report and the index share their largest read
    def get(self, request: Request) -> Response:
        from motcua.reports.indices import index766, targets_vs_actual
        from motcua.reports.selectors import report

        ids = report_agency_ids(request.user)
        period = _period(request.query_params)
        unit = None
        code = (request.query_params.get("unit") or "").strip()
        if code:
            found = AdministrativeUnit.objects.filter(code=code) if clean(code) else None
            unit = found.order_by("level", "-valid_from").first() if found is not None else None
            if unit is None:
                raise ValidationFailed(
                    f"Không có đơn vị hành chính mã {code!r}",
                    code="unknown_unit",
                    details=[
                        {"field": "unit", "code": "unknown_unit", "message": "Không có mã này"}
                    ],
                )
        rep = report(period, unit=unit, agency_ids=ids)
        # as the leaders' dashboard: the 766 index over the caller's agencies; targets are
        # the province's
        rep["index766"] = index766(period, unit=unit, agency_ids=ids)
        if ids is None:
            rep["targets"] = targets_vs_actual(period)
        return Response(rep)
