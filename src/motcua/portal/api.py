"""``POST /api/v1/lookup/``: the portal's dossier look-up for other applications (a mobile app,
Zalo, the national portal's redirect). Same rule, same selector, same per-client counter as the
web page (``portal.selectors.lookup_answer``, ``portal.throttle``); no authentication; errors
are the API's RFC 9457 problems."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from motcua.api.errors import PROBLEM_JSON
from motcua.api.parsers import SafeJSONParser
from motcua.api.serializers import ProblemSerializer
from motcua.core.errors import NotFound
from motcua.portal.selectors import MAX_CODE, PublicDossier, lookup_attempt

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

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """The look-up found (the common case) is answered here, without DRF's per-request
        machinery (its request, negotiation, permission and throttle objects: about a fifth
        of the look-up's CPU, BENCHMARKS.md), with the bytes and headers DRF would send; every
        other case goes through DRF (``post``), counted once (``_OUTCOME``)."""
        answered = _found_at_once(request)
        if answered is not None:
            return answered
        return super().dispatch(request, *args, **kwargs)

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
        checked, cleaned = _checked(request.data)
        outcome = getattr(request._request, _OUTCOME, None)  # counted by _found_at_once
        # counted, valid or not
        wait, d = outcome if outcome is not None else lookup_attempt(request._request, cleaned)
        if wait is not None:
            raise exceptions.Throttled(wait=wait, detail="Quá nhiều lần tra cứu")
        if checked is None:
            raise exceptions.ValidationError({"code": ["Nội dung phải là một đối tượng JSON"]})
        if cleaned is None:
            raise exceptions.ValidationError(checked.errors)
        if d is None:
            raise NotFound(
                "Không tìm thấy hồ sơ khớp mã hồ sơ và thông tin xác minh",
                code="dossier_not_found",
            )
        return Response(d.as_json())


def _checked(body: Any) -> tuple[LookupInput | None, tuple[str, str] | None]:
    """The body checked by ``LookupInput`` (None: not a JSON object) and, when valid, the
    (code, factor) the look-up takes (None: refused) — for ``post`` and ``_found_at_once``."""
    if not isinstance(body, dict):
        return None, None
    checked = LookupInput(data=body)
    if not checked.is_valid():
        return checked, None
    return checked, (checked.validated_data["code"], checked.validated_data["factor"])


def _plain(body: Any) -> tuple[str, str] | None:
    """(code, factor) when the body is plainly what ``LookupInput`` accepts — two strings of
    printable ASCII within its lengths once stripped — and exactly what it would clean them to;
    None for anything else (``_checked`` decides, with its messages). A look-up typed by a
    citizen is nearly always plain: ``LookupInput``'s fields copied and bound for every request
    were a sixth of the look-up's CPU (issue 9). A property test holds the two together."""
    if type(body) is not dict:
        return None
    code, factor = body.get("code"), body.get("factor")
    if type(code) is not str or type(factor) is not str:
        return None
    code, factor = code.strip(), factor.strip()
    if not (0 < len(code) <= MAX_CODE and 6 <= len(factor) <= 30):
        return None
    if not (code.isascii() and code.isprintable() and factor.isascii() and factor.isprintable()):
        return None
    return code, factor


#: the request attribute where ``_found_at_once`` leaves an attempt it counted but does not answer
_OUTCOME = "motcua_lookup_outcome"
#: DRF's ``Allow`` header for this view
_ALLOW = ", ".join(DossierLookup().allowed_methods)
#: a look-up's body is two short strings; a larger one goes the whole way (DRF, its limits)
_FAST_BODY = 4096
#: Accept entries for which DRF's negotiation (one renderer, JSON) answers plain
#: "application/json": an entry with parameters (``indent=4``: DRF indents) or an Accept with none
#: of these (DRF: 406) goes the whole way
_JSON_ACCEPT = frozenset({"application/json", "application/*", "*/*"})


def _negotiated_as_json(request: HttpRequest) -> bool:
    """Whether DRF's content negotiation would render this request's answer as the fast path
    does: no ``format`` in the query (DRF: 404 for an unknown one), and an Accept header absent
    (DRF reads it as */*) or naming JSON without parameters."""
    if request.META.get("QUERY_STRING"):
        try:
            if api_settings.URL_FORMAT_OVERRIDE in request.GET:
                return False
        except TooManyFieldsSent:  # DRF's to answer, as it does when its negotiation reads it
            return False
    accept = request.META.get("HTTP_ACCEPT")
    if accept is None:
        return True
    if ";" in accept:
        return False
    return any(entry.strip() in _JSON_ACCEPT for entry in accept.split(","))


def _found_at_once(request: HttpRequest) -> HttpResponse | None:
    """The answer to a well-formed look-up that finds its dossier, or None for DRF to answer.
    The body is read by the API's own parser and checked by ``LookupInput``, as ``post`` does;
    only a valid input is counted here, and a refusal after counting (over the limit, nothing
    found) is left to ``post`` with its outcome, so no attempt is counted twice."""
    if request.method != "POST" or request.content_type != "application/json":
        return None
    if not _negotiated_as_json(request):
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if not 0 < length <= (_FAST_BODY if limit is None else min(_FAST_BODY, limit)):
        return None
    try:
        body = SafeJSONParser().parse(
            io.BytesIO(request.body),
            request.content_type,
            {"encoding": request.encoding or settings.DEFAULT_CHARSET},
        )
    except exceptions.ParseError:
        return None
    cleaned = _plain(body) or _checked(body)[1]
    if cleaned is None:
        return None
    wait, d = lookup_attempt(request, cleaned)
    if wait is not None or d is None:
        setattr(request, _OUTCOME, (wait, d))
        return None
    return _json(d)


def _json(d: PublicDossier) -> HttpResponse:
    """What DRF sends for ``Response(d.as_json())`` from this view: its JSON renderer's bytes,
    its content type, its ``Allow`` header."""
    response = HttpResponse(JSONRenderer().render(d.as_json()), content_type="application/json")
    response["Allow"] = _ALLOW
    return response
