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
    swap again)."""
    if not getattr(actor, "is_superuser", False):
        raise IllegalTransition(
            "Chỉ quản trị hệ thống được đặt lại xác thực hai bước.", code="otp_reset_forbidden"
        )
    if actor.pk == user.pk:
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
