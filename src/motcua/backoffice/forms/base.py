"""The staff web's validation layer: one place for types, lengths, bounds and their messages.

Every POST of the back office goes through a Django form built on ``VNForm``: the messages are
Vietnamese and name the field, the typed data stay in the bound form for re-display, and the
view hands ``cleaned_data`` to exactly one service. Domain rules (completeness, permissions,
states) stay in the services; the forms only refuse what can never be valid input.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from motcua.core.errors import DomainError
from motcua.dossiers.files import MAX_BYTES, CheckedFile, check_file

#: Bounds shared by the forms (the model columns are PositiveSmallIntegerField: at most 32767).
MAX_COUNT = 999  # originals / copies of one document, sets of one dossier
MAX_TEXT = 4000  # free text: reasons, notes, requests
MAX_VERSION = 2**31 - 1
MAX_DAYS = Decimal(365)
MAX_LINES = 50  # documents listed in one supplement request


def _label(field: forms.Field, name: str) -> str:
    return str(field.label or name)


class VNForm(forms.Form):
    """A form whose every message is Vietnamese and names its field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.vn_messages()

    def vn_messages(self) -> None:
        """Vietnamese messages for every field (call again after adding fields)."""
        for name, f in self.fields.items():
            label = _label(f, name)
            msgs = {
                "required": f"Chưa nhập {label[:1].lower()}{label[1:]}.",
                "invalid": f"{label}: giá trị không hợp lệ.",
                "max_length": f"{label}: tối đa %(limit_value)d ký tự (đã nhập %(show_value)d).",
                "min_value": f"{label}: không được nhỏ hơn %(limit_value)s.",
                "max_value": f"{label}: không được lớn hơn %(limit_value)s.",
                "invalid_choice": f"{label}: lựa chọn không hợp lệ.",
                "invalid_list": f"{label}: lựa chọn không hợp lệ.",
                "max_digits": f"{label}: số quá lớn.",
                "max_decimal_places": f"{label}: quá nhiều chữ số thập phân.",
                "max_whole_digits": f"{label}: số quá lớn.",
            }
            if isinstance(f, forms.EmailField):
                msgs["invalid"] = f"{label}: địa chỉ thư điện tử không hợp lệ."
            if isinstance(f, forms.IntegerField | forms.DecimalField):
                msgs["invalid"] = f"{label}: phải là một số."
            if isinstance(f, forms.DateTimeField):
                msgs["invalid"] = f"{label}: Ngày giờ không hợp lệ."
            if isinstance(f, forms.ChoiceField | forms.ModelChoiceField):
                msgs["required"] = f"Chọn {label[:1].lower()}{label[1:]}."  # a select: chosen
            if isinstance(f, forms.ModelChoiceField):
                msgs["invalid_choice"] = f"{label}: lựa chọn không tồn tại."
            if isinstance(f, forms.FileField):
                msgs["required"] = f"Chọn tệp {label[:1].lower()}{label[1:]}."
                msgs["empty"] = f"{label}: tệp rỗng."
                msgs["invalid"] = f"{label}: không phải là tệp."
            f.error_messages = {**f.error_messages, **msgs}

    def messages(self) -> list[str]:
        """Every error of the form, one line each (for the message bar)."""
        out: list[str] = []
        for errors in self.errors.values():
            out.extend(str(e) for e in errors)
        return out


class VersionField(forms.IntegerField):
    """The dossier version the officer saw: the services' stale-write check needs it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            min_value=0, max_value=MAX_VERSION, widget=forms.HiddenInput, label="Phiên bản hồ sơ"
        )

    def validate(self, value: Any) -> None:
        try:
            super().validate(value)
        except ValidationError:
            raise ValidationError(VERSION_MESSAGE, code="version_required") from None

    def to_python(self, value: Any) -> int | None:
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(VERSION_MESSAGE, code="version_invalid") from None

    def run_validators(self, value: Any) -> None:
        try:
            super().run_validators(value)
        except ValidationError:
            raise ValidationError(VERSION_MESSAGE, code="version_invalid") from None


VERSION_MESSAGE = (
    "Thiếu hoặc sai phiên bản hồ sơ đang xem. Vui lòng tải lại trang rồi thực hiện lại."
)


class DaysField(forms.DecimalField):
    """A number of working days, > 0, at most a year; a decimal comma is accepted."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 6)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault("max_value", MAX_DAYS)
        super().__init__(**kwargs)
        # NaN and infinities pass ``to_python`` and are refused by ``validate`` as "invalid"
        self.error_messages["invalid"] = f"{self.label}: phải là một số."

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        try:
            return super().to_python(value)
        except (ValidationError, InvalidOperation):
            raise ValidationError(f"{self.label}: phải là một số.", code="invalid") from None


class TextField(forms.CharField):
    """Free text, NFC is applied by the services; bounded so that no page grows without end."""

    def __init__(self, *, max_length: int = MAX_TEXT, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea)
        super().__init__(max_length=max_length, **kwargs)


def checked_upload(upload: Any, label: str) -> CheckedFile:
    """Refuse an oversized upload before reading it, then check its bytes (a ValidationError)."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            f"{label}: tệp {upload.name} vượt quá {MAX_BYTES // (1024 * 1024)} MB",
            code="file_too_large",
        )
    try:
        return check_file(upload.name or "", upload)
    except DomainError as exc:
        raise ValidationError(exc.message, code=exc.code) from None


def lines(text: str, label: str) -> list[dict[str, Any]]:
    """Documents to supplement, one per line of a text box."""
    rows = [line.strip() for line in text.splitlines() if line.strip()]
    if len(rows) > MAX_LINES:
        raise ValidationError(f"{label}: tối đa {MAX_LINES} dòng.", code="too_many_lines")
    for row in rows:
        if len(row) > 500:
            raise ValidationError(f"{label}: mỗi dòng tối đa 500 ký tự.", code="line_too_long")
    return [{"name": row, "originals": 0, "copies": 1} for row in rows]
