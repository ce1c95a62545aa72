"""The e-sign doors: the public verification form and the leader's signing form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from motcua.backoffice.forms.actions import VersionedForm
from motcua.backoffice.forms.base import VNForm, checked_upload
from motcua.esign.verify import code_prefix

#: A result to verify is read in memory: a signed decision is a few hundred kilobytes.
VERIFY_MAX_BYTES = 10 * 1024 * 1024


class VerifyForm(VNForm):
    file = forms.FileField(label="Tệp kết quả (PDF)", required=False)
    code = forms.CharField(label="Mã xác thực", max_length=40, required=False)

    def clean_file(self) -> bytes | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size is None or upload.size > VERIFY_MAX_BYTES:
            raise ValidationError(
                f"Tệp vượt quá {VERIFY_MAX_BYTES // (1024 * 1024)} MB.", code="file_too_large"
            )
        data: bytes = upload.read(VERIFY_MAX_BYTES + 1)
        if len(data) > VERIFY_MAX_BYTES:  # pragma: no cover - size said otherwise
            raise ValidationError("Tệp quá lớn.", code="file_too_large")
        if not data.startswith(b"%PDF-"):
            raise ValidationError("Tệp không phải PDF.", code="not_pdf")
        return data

    def clean_code(self) -> str | None:
        text = self.cleaned_data.get("code") or ""
        if not text.strip():
            return None
        prefix = code_prefix(text)
        if prefix is None:
            raise ValidationError(
                "Mã xác thực gồm 16 chữ số và chữ cái A–F, dạng XXXX-XXXX-XXXX-XXXX.",
                code="bad_code",
            )
        return prefix

    def clean(self) -> dict[str, Any]:
        c = super().clean() or {}
        if not self.errors and not c.get("file") and not c.get("code"):
            raise ValidationError(
                "Chọn tệp kết quả hoặc nhập mã xác thực in trên kết quả.", code="nothing"
            )
        return c


class SignResultForm(VersionedForm):
    file = forms.FileField(label="Dự thảo kết quả (PDF chưa ký)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = "Chọn tệp kết quả cần ký."

    def clean_file(self) -> Any:
        checked = checked_upload(self.cleaned_data["file"], "Kết quả")
        if checked.content_type != "application/pdf":
            raise ValidationError("Kết quả điện tử phải là tệp PDF.", code="result_not_pdf")
        return checked
