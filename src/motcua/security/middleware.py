"""Every request of a leader or administrator whose session has not passed a TOTP code goes to
the code page (or, without a confirmed device, the enrolment page) — whatever the door: the staff
pages, the administration, the API by session. API clients with a token are not sessions and are
not concerned (their key is their second factor)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import urlencode

from motcua.security.policy import OTP_OPEN_PREFIXES, otp_required_for, otp_verified
from motcua.security.selectors import has_confirmed_device


class OTPRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OTP_OPEN_PREFIXES)
            and not otp_verified(user)
            and otp_required_for(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": "otp_required",
                        "message": "Tài khoản này phải xác thực hai bước trước khi dùng API "
                        "bằng phiên đăng nhập.",
                    },
                    status=403,
                    content_type="application/problem+json",
                )
            page = (
                "/dang-nhap/ma-xac-thuc/"
                if has_confirmed_device(user)
                else "/dang-nhap/thiet-lap-xac-thuc/"
            )
            return redirect(f"{page}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


# the staff pages of the issue-15 apps too: result drafts, the desk panel, queue statistics
STAFF_PREFIXES = (
    "/can-bo/",
    "/admin/",
    "/du-thao/",
    "/xep-hang/quay/",
    "/xep-hang/thong-ke/",
    "/cai-cach/",
)


class CitizenDoorsMiddleware:
    """A portal account never opens a staff page or the administration, whatever the session
    says (the staff login refuses citizen accounts too; this is the second lock)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path.startswith(STAFF_PREFIXES)
            and hasattr(user, "citizen")
        ):
            from django.core.exceptions import PermissionDenied

            from motcua.backoffice.views.errors import permission_denied

            return permission_denied(
                request,
                PermissionDenied(
                    "Tài khoản công dân, tổ chức không dùng được trang cán bộ và trang quản trị."
                ),
            )
        return self.get_response(request)
