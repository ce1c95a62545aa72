"""The second step of a leader's or administrator's login: enrol a TOTP app once, then a code
at every login. Thin: a form at the door, one service behind it."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from motcua.backoffice.views._common import safe_back
from motcua.core.errors import DomainError
from motcua.security import services
from motcua.security.forms import OTPCodeForm
from motcua.security.policy import otp_required_for, otp_verified
from motcua.security.selectors import has_confirmed_device, pending_device


def _next(request: HttpRequest) -> str:
    return safe_back(request, request.POST.get("next"), request.GET.get("next"))


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if otp_verified(user) or not otp_required_for(user):
        return redirect(_next(request))
    if not has_confirmed_device(user):
        return redirect("/dang-nhap/thiet-lap-xac-thuc/?" + urlencode({"next": _next(request)}))
    form = OTPCodeForm(request.POST or None, initial={"next": _next(request)})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.totp_verify(
                    actor=user,  # type: ignore[arg-type]
                    request=request,
                    token=form.cleaned_data["token"],
                )
            except DomainError as exc:
                form.add_error("token", exc.message)
            else:
                return redirect(_next(request))
        status = 400
    return render(request, "security/otp_verify.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if otp_verified(user) or not otp_required_for(user):
        return redirect(_next(request))
    if has_confirmed_device(user):
        return redirect("/dang-nhap/ma-xac-thuc/?" + urlencode({"next": _next(request)}))
    form = OTPCodeForm(request.POST or None, initial={"next": _next(request)})
    status = 200
    device = pending_device(user)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.totp_enrol_confirm(
                    actor=user,  # type: ignore[arg-type]
                    request=request,
                    token=form.cleaned_data["token"],
                )
            except DomainError as exc:
                form.add_error("token", exc.message)
            else:
                return redirect(_next(request))
        status = 400
    if device is None:
        device = services.totp_enrol_start(actor=user)  # type: ignore[arg-type]
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_inline(scale=5, dark="#000", light="#fff"),
        "secret": b32encode(device.bin_key).decode().rstrip("="),
    }
    response = render(request, "security/otp_setup.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the secret is on this page
    return response
