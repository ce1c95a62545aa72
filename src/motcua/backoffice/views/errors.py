"""The 403 and 404 pages: Vietnamese, inside the site's layout, with a way back.

Wired as ``handler403`` / ``handler404`` in ``config.urls``; Django calls them when DEBUG is off
(as in production and under the test client). The reason is shown when our own code gave one
(``core.errors`` messages are Vietnamese); Django's own reasons (the URL patterns tried, English
texts) never reach the page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404
from django.utils.http import url_has_allowed_host_and_scheme


def _reason(exception: Exception | None) -> str:
    if exception is None or isinstance(exception, Resolver404) or not exception.args:
        return ""
    message = exception.args[0]
    # only our own messages: Vietnamese text (Django's built-in ones are English)
    if not isinstance(message, str) or message.isascii():
        return ""
    return message


def _back(request: HttpRequest) -> str:
    """The page the person came from, when it is on this site; else ''."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context = {
        "title": "Không tìm thấy trang",
        "lead": "Trang hoặc hồ sơ bạn tìm không có, đã bị chuyển đi, hoặc không thuộc phạm vi "
        "cơ quan của bạn.",
        "reason": _reason(exception),
        "back": _back(request),
        "code": 404,
    }
    return render(request, "backoffice/error.html", context, status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context = {
        "title": "Không có quyền truy cập",
        "lead": "Vai trò của bạn không được mở trang này. Nếu cần, hãy đề nghị quản trị cơ quan "
        "cấp thêm vai trò.",
        "reason": _reason(exception),
        "back": _back(request),
        "code": 403,
    }
    return render(request, "backoffice/error.html", context, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (expired session, page open too long, cookies off): say what to do."""
    context = {
        "title": "Không gửi được biểu mẫu",
        "lead": "Trang đã mở quá lâu hoặc phiên đăng nhập đã hết hạn. Hãy quay lại, tải lại trang "
        "rồi gửi lại; nếu vẫn không được, hãy bật cookie cho trang này.",
        "reason": "",
        "back": _back(request),
        "code": 403,
    }
    return render(request, "backoffice/error.html", context, status=403)
