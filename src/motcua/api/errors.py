"""One mapping of errors for the API: RFC 9457 problem details carrying our stable code.

Every error body is ``application/problem+json``::

    {"type": "about:blank", "title": "Không tìm thấy", "status": 404,
     "detail": "Không tìm thấy hồ sơ", "code": "dossier_not_found",
     "message": "Không tìm thấy hồ sơ"}

``code`` is for machines (stable), ``message``/``detail`` for people (Vietnamese). Validation
errors add ``errors``: one ``{"field", "code", "message"}`` per problem.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from motcua.core.errors import (
    DomainError,
    IllegalTransition,
    NotFound,
    PermissionDenied,
)

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa xác thực",
    403: "Không có quyền",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    406: "Không đáp ứng được định dạng yêu cầu",
    409: "Xung đột",
    413: "Nội dung quá lớn",
    415: "Kiểu nội dung không được hỗ trợ",
    429: "Quá nhiều yêu cầu",
}

#: DRF's own exceptions, in our words and codes.
DRF_CODES: dict[type[exceptions.APIException], tuple[str, str]] = {
    exceptions.NotAuthenticated: ("not_authenticated", "Cần đăng nhập hoặc khóa API"),
    exceptions.AuthenticationFailed: ("bad_token", "Xác thực không thành công"),
    exceptions.PermissionDenied: ("permission_denied", "Bạn không có quyền thực hiện việc này"),
    exceptions.NotFound: ("not_found", "Không tìm thấy"),
    exceptions.MethodNotAllowed: ("method_not_allowed", "Phương thức không được hỗ trợ"),
    exceptions.NotAcceptable: ("not_acceptable", "Không đáp ứng được định dạng yêu cầu"),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "Nội dung phải là JSON"),
    exceptions.ParseError: ("bad_json", "Nội dung JSON không đọc được"),
    exceptions.Throttled: ("throttled", "Quá nhiều yêu cầu, hãy thử lại sau"),
}


def problem(status_code: int, code: str, message: str, **extra: Any) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status_code, "Lỗi"),
        "status": status_code,
        "detail": message,
        "code": code,
        "message": message,
        **extra,
    }
    return Response(body, status=status_code, content_type=PROBLEM_JSON)


def field_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail flattened to (field, code, message) rows."""
    out: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            out += field_errors(value, f"{prefix}.{name}" if prefix and name else prefix or name)
    elif isinstance(detail, list):
        for i, value in enumerate(detail):
            if isinstance(value, dict | list) and not isinstance(value, exceptions.ErrorDetail):
                out += field_errors(value, f"{prefix}[{i}]")
            else:
                out += field_errors(value, prefix)
    else:
        code = getattr(detail, "code", None) or "invalid"
        message = str(detail)
        out.append({"field": prefix, "code": str(code), "message": ENGLISH.get(message, message)})
    return out


#: DRF's own messages its Vietnamese catalogue lacks, said in Vietnamese (a body of null was
#: answered "No data provided": the fourth probe)
ENGLISH = {
    "No data provided": "Chưa có nội dung: cần một đối tượng JSON (các trường tên: giá trị).",
}


def summary(row: dict[str, str]) -> str:
    """One error row as a sentence: the field's name first, where there is one."""
    return f"{row['field']}: {row['message']}" if row["field"] else row["message"]


def domain_problem(exc: DomainError) -> Response:
    if getattr(exc, "http_status", None):
        status_code = int(exc.http_status)  # type: ignore[attr-defined]
    elif isinstance(exc, PermissionDenied):
        status_code = status.HTTP_403_FORBIDDEN
    elif isinstance(exc, NotFound):
        status_code = status.HTTP_404_NOT_FOUND
    elif isinstance(exc, IllegalTransition):
        status_code = status.HTTP_409_CONFLICT
    else:
        status_code = status.HTTP_400_BAD_REQUEST
    extra: dict[str, Any] = {}
    if exc.details is not None:
        extra["errors"] = _rows(exc)
    return problem(status_code, exc.code, exc.message, **extra)


def _rows(exc: DomainError) -> list[dict[str, str]]:
    """``details`` as {field, code, message} rows whatever shape the raiser gave."""
    items = exc.details if isinstance(exc.details, list) else [exc.details]
    rows = []
    for item in items:
        if isinstance(item, dict) and {"field", "code", "message"} <= set(item):
            rows.append({k: str(item[k]) for k in ("field", "code", "message")})
        else:
            rows.append({"field": "", "code": exc.code, "message": str(item)})
    return rows


def _too_large() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or limit < 1024 * 1024:
        return "Nội dung gửi lên quá lớn"
    return f"Nội dung gửi lên quá lớn (tối đa {limit // (1024 * 1024)} MB)"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK['EXCEPTION_HANDLER']: domain errors and DRF's own, one shape."""
    if isinstance(exc, DomainError):
        set_rollback()
        return domain_problem(exc)
    if isinstance(exc, RequestDataTooBig):
        # the body read by DRF (request.data) past DATA_UPLOAD_MAX_MEMORY_SIZE: Django's 400
        # page (HTML) otherwise
        return problem(413, "too_large", _too_large())
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        # over DATA_UPLOAD_MAX_NUMBER_FIELDS / _FILES (the query, a form body): the HTML 400 page
        return problem(400, "too_many_fields", "Yêu cầu có quá nhiều tham số hoặc tệp")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's 500 handling (logged), never a traceback to the client
    set_rollback()
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
    if isinstance(exc, exceptions.ValidationError):
        errors = field_errors(exc.detail)
        first = errors[0] if errors else {"field": "", "message": "Dữ liệu không hợp lệ"}
        response = problem(exc.status_code, "validation_failed", summary(first), errors=errors)
    else:
        code, message = next(
            (v for k, v in DRF_CODES.items() if isinstance(exc, k)),
            (str(exc.default_code), str(exc.default_detail)),
        )
        detail_code = getattr(exc.detail, "code", None)
        # our own raises carry a specific Vietnamese message and code; DRF's defaults do not
        if isinstance(exc, exceptions.AuthenticationFailed) and detail_code not in (
            None,
            "authentication_failed",
        ):
            code, message = str(detail_code), str(exc.detail)
        if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF"):
            code = "csrf_failed"
            message = "Thiếu hoặc sai mã CSRF: yêu cầu ghi bằng phiên đăng nhập phải gửi kèm mã này"
        response = problem(exc.status_code, code, message)
    for k, v in headers.items():
        response[k] = v
    return response
