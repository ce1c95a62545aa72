"""Enrolling and using a TOTP device (django-otp). Each step writes an audit row.

Enrolment: ``totp_enrol_start`` makes an unconfirmed device with a fresh secret (shown once, as a
QR code and as text); ``totp_enrol_confirm`` confirms it when the person types a valid code from
their app, and the session is verified. Afterwards ``totp_verify`` checks the code at each login.
django-otp throttles wrong codes on the device (growing delay after each failure).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.audit.services import audit_record
from motcua.core.errors import IllegalTransition, ValidationFailed
from motcua.security.policy import otp_required_for

DEVICE_NAME = "Ứng dụng xác thực"
WRONG_CODE = (
    "Mã xác thực không đúng hoặc đã hết hạn. Kiểm tra giờ trên điện thoại rồi nhập mã mới; sau "
    "nhiều lần sai, phải chờ lâu hơn mới được thử lại."
)


def totp_enrol_start(*, actor: AbstractBaseUser) -> TOTPDevice:
    """A new unconfirmed device for ``actor`` (an earlier unconfirmed one is replaced).
    Refused when the actor already has a confirmed device: changing it is an administrator's
    reset (``totp_reset``), never a logged-in session's, so that a stolen password alone cannot
    swap the second factor."""
    with transaction.atomic():
        if TOTPDevice.objects.filter(user_id=actor.pk, confirmed=True).exists():
            raise IllegalTransition(
                "Tài khoản đã có thiết bị xác thực. Muốn đổi thiết bị, đề nghị quản trị viên "
                "đặt lại xác thực hai bước.",
                code="otp_already_enrolled",
            )
        TOTPDevice.objects.filter(user_id=actor.pk, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)
        audit_record(
            actor=actor,
            action="otp.enrol_start",
            object_type="TOTPDevice",
            object_id=device.pk,
        )
    return device


def totp_enrol_confirm(*, actor: AbstractBaseUser, request: HttpRequest, token: str) -> TOTPDevice:
    # a wrong code is refused AFTER the transaction commits: django-otp's throttle (the failure
    # count and the growing delay it stores on the device) must survive the refusal
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user_id=actor.pk, confirmed=False)
            .order_by("-id")
            .first()
        )
        if device is None:
            raise IllegalTransition(
                "Chưa có thiết bị đang thiết lập. Vui lòng tải lại trang.", code="otp_no_device"
            )
        ok = device.verify_token(token)
        if ok:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(
                actor=actor,
                action="otp.enrol_confirm",
                object_type="TOTPDevice",
                object_id=device.pk,
            )
    if not ok:
        raise ValidationFailed(WRONG_CODE, code="otp_wrong_code")
    otp_login(request, device)
    return device


def totp_verify(*, actor: AbstractBaseUser, request: HttpRequest, token: str) -> TOTPDevice:
    """Check a code against the actor's confirmed devices; on success the session is verified.
    As above, a refusal is raised after the commit so that the throttle counts it."""
    matched = None
    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(
            user_id=actor.pk, confirmed=True
        ):
            if device.verify_token(token):
                matched = device
                audit_record(
                    actor=actor, action="otp.verify", object_type="TOTPDevice", object_id=device.pk
                )
                break
    if matched is None:
        raise ValidationFailed(WRONG_CODE, code="otp_wrong_code")
    otp_login(request, matched)
    return matched


def totp_reset(*, actor: Any, user: AbstractBaseUser) -> int:
    """An administrator removes ``user``'s devices (lost phone); the next login enrols anew.
    Only a superuser may reset, and never their own devices (that would be the stolen-password
    swap again); ``actor=None`` is the server's operator (``motcua otp-reset``), who already
    holds the database."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise IllegalTransition(
            "Chỉ quản trị hệ thống được đặt lại xác thực hai bước.", code="otp_reset_forbidden"
        )
    if actor is not None and actor.pk == user.pk:
        raise IllegalTransition(
            "Không tự đặt lại xác thực hai bước của chính mình; đề nghị quản trị viên khác.",
            code="otp_reset_self",
        )
    with transaction.atomic():
        count, _ = TOTPDevice.objects.filter(user_id=user.pk).delete()
        audit_record(
            actor=actor,
            action="otp.reset",
            object_type="User",
            object_id=user.pk,
            after={"devices_removed": count, "still_required": otp_required_for(user)},
        )
    return count


def totp_demo_devices() -> list[dict[str, str]]:
    """For the demo only: a confirmed TOTP device for every user who needs one and has none.
    Returns each such user's secret (base32) and otpauth URL, to be written under the var dir
    (never the repository). Existing devices are kept, so an app already set up goes on working.
    Refused in production."""
    from base64 import b32encode

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    if settings.PRODUCTION:
        raise IllegalTransition("Không tạo thiết bị xác thực mẫu khi chạy thật.", code="production")
    users = (
        get_user_model()
        .objects.filter(
            Q(is_superuser=True)
            | Q(memberships__active=True, memberships__role__in=settings.MOTCUA_OTP_ROLES),
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )
    out = []
    with transaction.atomic():
        for user in users:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
                audit_record(
                    actor=None,
                    action="otp.demo_device",
                    object_type="TOTPDevice",
                    object_id=device.pk,
                )
            out.append(
                {
                    "username": user.get_username(),
                    "secret": b32encode(device.bin_key).decode().rstrip("="),
                    "url": device.config_url,
                }
            )
    return out


def totp_current_code(*, username: str) -> str:
    """The code a demo user's app would show now (``motcua otp-code``); refused in production."""
    from django.conf import settings
    from django_otp.oath import totp

    from motcua.core.errors import NotFound

    if settings.PRODUCTION:
        raise IllegalTransition("Lệnh này chỉ dùng cho bản trình diễn.", code="production")
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        raise NotFound(f"Tài khoản {username} chưa có thiết bị xác thực.", code="no_device")
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"
