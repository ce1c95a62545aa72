"""The doors of the citizens' pages: types, lengths and choices; the rules are in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from motcua.backoffice.forms.base import VNForm
from motcua.citizens.models import AccountKind

LOGIN_FAILED = (
    "Số định danh, mã số thuế hoặc thư điện tử, hoặc mật khẩu không đúng. Lưu ý: đăng nhập sai "
    "nhiều lần liên tiếp sẽ bị tạm khóa."
)
NOT_ACTIVATED = (
    "Tài khoản chưa được kích hoạt: hãy mở liên kết trong thư xác thực đã gửi tới hộp thư của "
    "bạn, hoặc yêu cầu gửi lại thư xác thực."
)


def _no_controls(value: str, label: str) -> None:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValidationError(f"{label}: có ký tự điều khiển không hợp lệ.", code="control_chars")


class RegisterForm(VNForm):
    kind = forms.ChoiceField(
        label="Loại tài khoản", choices=AccountKind.choices, widget=forms.RadioSelect
    )
    id_number = forms.CharField(
        label="Số định danh cá nhân / mã số thuế",
        max_length=14,
        help_text="Công dân: 12 chữ số trên căn cước. Tổ chức: mã số thuế 10 số (hoặc 10-3 số).",
    )
    name = forms.CharField(label="Họ và tên / tên tổ chức", max_length=255)
    email = forms.EmailField(
        label="Thư điện tử",
        max_length=254,
        help_text="Bắt buộc: liên kết kích hoạt tài khoản được gửi tới địa chỉ này.",
    )
    phone = forms.CharField(label="Số điện thoại", max_length=20, required=False)
    password1 = forms.CharField(label="Mật khẩu", max_length=128, widget=forms.PasswordInput)
    password2 = forms.CharField(
        label="Nhập lại mật khẩu", max_length=128, widget=forms.PasswordInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("id_number", "name", "phone"):
            if data.get(name):
                try:
                    _no_controls(data[name], str(self.fields[name].label))
                except ValidationError as exc:
                    self.add_error(name, exc)
        if data.get("password1") and data.get("password2") != data.get("password1"):
            self.add_error("password2", "Hai lần nhập mật khẩu không khớp.")
        return data


class LoginForm(VNForm):
    identifier = forms.CharField(label="Số định danh, mã số thuế hoặc thư điện tử", max_length=254)
    password = forms.CharField(label="Mật khẩu", max_length=128, widget=forms.PasswordInput)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: Any = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        identifier, password = data.get("identifier"), data.get("password")
        if identifier is None or password is None:
            return data
        self.user = authenticate(self.request, identifier=identifier, password=password)
        if self.user is None:
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError("Tạm khóa đăng nhập.", code="locked_out")
            if getattr(self.request, "citizen_not_activated", False):
                raise ValidationError(NOT_ACTIVATED, code="inactive")
            raise ValidationError(LOGIN_FAILED, code="invalid_login")
        return data


class EmailForm(VNForm):
    email = forms.EmailField(label="Thư điện tử của tài khoản", max_length=254)


class SetPasswordForm(VNForm):
    password1 = forms.CharField(label="Mật khẩu mới", max_length=128, widget=forms.PasswordInput)
    password2 = forms.CharField(
        label="Nhập lại mật khẩu mới", max_length=128, widget=forms.PasswordInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") != data.get("password1"):
            self.add_error("password2", "Hai lần nhập mật khẩu không khớp.")
        return data


class ProfileForm(VNForm):
    email = forms.EmailField(
        label="Thư điện tử",
        max_length=254,
        required=False,
        help_text=(
            "Đổi địa chỉ: thư xác thực gửi tới địa chỉ mới; địa chỉ cũ dùng đến khi xác thực."
        ),
    )
    phone = forms.CharField(label="Số điện thoại", max_length=20, required=False)
    address = forms.CharField(label="Địa chỉ liên hệ", max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("phone", "address"):
            if data.get(name):
                try:
                    _no_controls(data[name], str(self.fields[name].label))
                except ValidationError as exc:
                    self.add_error(name, exc)
        return data
