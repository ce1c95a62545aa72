"""The citizens' account pages under ``/cong-dan/``: thin; a form at the door, one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from motcua.citizens import services
from motcua.citizens.access import citizen_of, citizen_required
from motcua.citizens.forms import (
    EmailForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    SetPasswordForm,
)
from motcua.citizens.oidc import oidc_enabled
from motcua.core.errors import DomainError

HOME = "/cong-dan/"
SAME_ANSWER = (
    "Nếu địa chỉ này thuộc một tài khoản phù hợp, thư đã được gửi tới đó. Hãy kiểm tra hộp thư "
    "(cả thư mục thư rác); liên kết có hạn dùng."
)


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _next(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    # never send a citizen to the staff side after login
    if ok and not url.startswith(("/can-bo/", "/admin/", "/api/", "/dang-nhap/")):
        return url
    return HOME


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.citizen_register(
                    data=services.Registration(
                        kind=d["kind"],
                        id_number=d["id_number"],
                        name=d["name"],
                        email=d["email"],
                        phone=d["phone"],
                        password=d["password1"],
                    ),
                    base_url=_base(request),
                )
            except DomainError as exc:
                details = exc.details if isinstance(exc.details, list) else [exc.message]
                for line in details:
                    form.add_error(None, str(line))
            else:
                return _page(request, "citizens/register_done.html", {"email": d["email"]})
        return _page(request, "citizens/register.html", {"form": form}, status=400)
    return _page(request, "citizens/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners that open links must not verify for the person);
    POST verifies."""
    if request.method == "GET":
        return _page(request, "citizens/verify.html", {"token": token})
    try:
        services.citizen_verify_email(token=token[:1000])
    except DomainError as exc:
        return _page(request, "citizens/verify.html", {"error": exc.message}, status=400)
    messages.success(request, "Đã xác thực thư điện tử. Bạn có thể đăng nhập.")
    return redirect("/cong-dan/dang-nhap/" if not citizen_of(request.user) else HOME)


@require_http_methods(["GET", "POST"])
def resend(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.citizen_resend_verification(
                email=form.cleaned_data["email"], base_url=_base(request)
            )
            messages.info(request, SAME_ANSWER)
            return redirect("/cong-dan/gui-lai-xac-thuc/")
        return _page(request, "citizens/resend.html", {"form": form}, status=400)
    return _page(request, "citizens/resend.html", {"form": form})


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request, request.POST or None, initial={"next": _next(request)})
    context = {"form": form, "oidc": oidc_enabled(), "next": _next(request)}
    if request.method == "POST":
        if form.is_valid():
            login(request, form.user)
            return redirect(_next(request))
        return _page(request, "citizens/login.html", context, status=400)
    return _page(request, "citizens/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "Đã đăng xuất.")
    return redirect("/cong-dan/dang-nhap/")


@require_http_methods(["GET", "POST"])
def reset_request(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.citizen_password_reset_request(
                email=form.cleaned_data["email"], base_url=_base(request)
            )
            messages.info(request, SAME_ANSWER)
            return redirect("/cong-dan/quen-mat-khau/")
        return _page(request, "citizens/reset_request.html", {"form": form}, status=400)
    return _page(request, "citizens/reset_request.html", {"form": form})


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    uidb64, token = uidb64[:100], token[:200]
    if services.reset_user(uidb64, token) is None:
        return _page(request, "citizens/reset_confirm.html", {"invalid": True}, status=400)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.citizen_password_reset_confirm(
                    uidb64=uidb64, token=token, password=form.cleaned_data["password1"]
                )
            except DomainError as exc:
                details = exc.details if isinstance(exc.details, list) else [exc.message]
                for line in details:
                    form.add_error("password1", str(line))
            else:
                messages.success(request, "Đã đặt mật khẩu mới. Hãy đăng nhập.")
                return redirect("/cong-dan/dang-nhap/")
        return _page(request, "citizens/reset_confirm.html", {"form": form}, status=400)
    return _page(request, "citizens/reset_confirm.html", {"form": form})


@citizen_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    citizen = request.user.citizen  # type: ignore[union-attr]  # citizen_required checked it
    initial = {"email": citizen.email, "phone": citizen.phone, "address": citizen.address}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                updated = services.citizen_profile_update(
                    actor=request.user,
                    phone=d["phone"],
                    address=d["address"],
                    email=d["email"],
                    base_url=_base(request),
                )
            except DomainError as exc:
                details = exc.details if isinstance(exc.details, list) else [exc.message]
                for line in details:
                    form.add_error(None, str(line))
            else:
                msg = "Đã lưu thông tin liên hệ."
                if updated.pending_email:
                    msg += (
                        f" Thư xác thực đã gửi tới {updated.pending_email}; địa chỉ mới có hiệu "
                        "lực khi bạn mở liên kết trong thư."
                    )
                messages.success(request, msg)
                return redirect(HOME)
        return _page(request, "citizens/profile.html", {"form": form, "c": citizen}, status=400)
    return _page(request, "citizens/profile.html", {"form": form, "c": citizen})
