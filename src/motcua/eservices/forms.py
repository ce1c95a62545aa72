"""Forms of the online public services: every input of the portal's pages goes through one.

Uploads are checked here by their content (``dossiers.files.check_upload_file``: PDF, JPEG or
PNG read from the bytes, size, SHA-256) from the temporary file the upload was streamed to; the
services only ever see checked files.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from motcua.backoffice.forms.base import MAX_TEXT, TextField, VNForm
from motcua.catalog.models import Procedure, RequiredDocument
from motcua.core.errors import DomainError
from motcua.dossiers.files import MAX_BYTES, CheckedFile, check_upload_file
from motcua.dossiers.services.applicants import phone_ok
from motcua.eservices.models import Slot, StoredDocument
from motcua.eservices.selectors import STATUS_FILTERS
from motcua.units.models import Agency

TOO_LARGE = f"vượt quá {MAX_BYTES // (1024 * 1024)} MB"


def checked_file(upload: Any, label: str, too_large: set[str], field: str) -> CheckedFile:
    """An uploaded file checked by content, or a ValidationError naming the document."""
    if field in too_large or (upload.size is not None and upload.size > MAX_BYTES):
        raise ValidationError(f"{label}: tệp {TOO_LARGE}.", code="file_too_large")
    try:
        return check_upload_file(upload.name or "", upload, upload.size or 0)
    except DomainError as exc:
        raise ValidationError(f"{label}: {exc.message}", code=exc.code) from None


class UploadMixin:
    """Per-form set of file fields the upload handler skipped for being too large."""

    too_large: set[str]

    def mark_too_large(self, fields: set[str]) -> None:
        self.too_large = set(fields)
        for name in fields:
            if name in self.fields:  # type: ignore[attr-defined]
                self.add_error(  # type: ignore[attr-defined]
                    name,
                    ValidationError(
                        f"{self.fields[name].label}: tệp {TOO_LARGE}.",  # type: ignore[attr-defined]
                        code="file_too_large",
                    ),
                )


class SubmitForm(UploadMixin, VNForm):
    """An online submission (or its draft): the receiving desk, the contact data (the
    applicant's identity comes from the account, not from the form), the request, and per
    required document an upload or a document from the personal data store."""

    desk = forms.ModelChoiceField(label="Nơi nộp hồ sơ", queryset=Agency.objects.none())
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    email = forms.EmailField(label="Thư điện tử", max_length=254, required=False)
    address = forms.CharField(label="Địa chỉ", max_length=500, required=False)
    request = TextField(label="Nội dung yêu cầu", required=False, max_length=MAX_TEXT)
    action = forms.ChoiceField(
        label="Thao tác",
        choices=[("save", "Lưu bản nháp"), ("submit", "Nộp hồ sơ")],
        initial="save",
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        procedure: Procedure,
        desks: list[Agency],
        store: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = set()
        self.procedure = procedure
        self.fields["desk"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            pk__in=[d.pk for d in desks]
        ).order_by("level", "name")
        self.documents: list[RequiredDocument] = list(procedure.documents.all())
        for doc in self.documents:
            key = f"doc_{doc.pk}"
            self.fields[f"{key}_file"] = forms.FileField(label=doc.name, required=False)
            self.fields[f"{key}_stored"] = forms.ModelChoiceField(
                label=f"{doc.name}: dùng giấy tờ trong kho dữ liệu",
                queryset=store,
                required=False,
            )
            self.fields[f"{key}_clear"] = forms.BooleanField(
                label=f"{doc.name}: bỏ tệp đã chọn", required=False
            )
        self.vn_messages()

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        if phone and not phone_ok(phone):
            raise ValidationError("Điện thoại: chỉ gồm chữ số 0–9 (8 đến 15 số).")
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for doc in self.documents:
            name = f"doc_{doc.pk}_file"
            upload = data.get(name)
            if upload and name not in self.too_large:
                try:
                    data[name] = checked_file(upload, doc.name, self.too_large, name)
                except ValidationError as exc:
                    self.add_error(name, exc)
        return data

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "doc": doc,
                "file": self[f"doc_{doc.pk}_file"],
                "stored": self[f"doc_{doc.pk}_stored"],
                "clear": self[f"doc_{doc.pk}_clear"],
            }
            for doc in self.documents
        ]

    def uploads(self) -> dict[str, CheckedFile]:
        return {
            d.name: self.cleaned_data[f"doc_{d.pk}_file"]
            for d in self.documents
            if self.cleaned_data.get(f"doc_{d.pk}_file")
        }

    def picks(self) -> dict[str, StoredDocument]:
        return {
            d.name: self.cleaned_data[f"doc_{d.pk}_stored"]
            for d in self.documents
            if self.cleaned_data.get(f"doc_{d.pk}_stored")
            and not self.cleaned_data.get(f"doc_{d.pk}_file")
        }

    def cleared(self) -> set[str]:
        return {d.name for d in self.documents if self.cleaned_data.get(f"doc_{d.pk}_clear")}


class StoreUploadForm(UploadMixin, VNForm):
    title = forms.CharField(label="Tên giấy tờ", max_length=500)
    file = forms.FileField(label="Tệp (PDF, JPEG hoặc PNG)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = set()

    def clean_file(self) -> CheckedFile:
        return checked_file(self.cleaned_data["file"], "Tệp", self.too_large, "file")


class SendDocumentsForm(UploadMixin, VNForm):
    """The documents the desk asked for (Mẫu 02): up to five files, each with what it is."""

    SLOTS = 5

    def __init__(self, *args: Any, items: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = set()
        choices = [(n, n) for n in items] + [("Giấy tờ khác", "Giấy tờ khác")]
        for i in range(1, self.SLOTS + 1):
            self.fields[f"what_{i}"] = forms.ChoiceField(
                label=f"Giấy tờ {i}", choices=choices, required=False
            )
            self.fields[f"file_{i}"] = forms.FileField(label=f"Tệp {i}", required=False)
        self.vn_messages()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        files = []
        for i in range(1, self.SLOTS + 1):
            name = f"file_{i}"
            upload = data.get(name)
            if upload and name not in self.too_large:
                try:
                    checked = checked_file(upload, f"Tệp {i}", self.too_large, name)
                except ValidationError as exc:
                    self.add_error(name, exc)
                    continue
                files.append((data.get(f"what_{i}") or "Giấy tờ bổ sung", checked))
        if not files and not self.errors:
            raise ValidationError("Chưa chọn tệp nào để gửi.", code="files_required")
        data["files"] = files
        return data

    def rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"what_{i}"], self[f"file_{i}"]) for i in range(1, self.SLOTS + 1)]


class WithdrawForm(VNForm):
    reason = TextField(label="Lý do rút hồ sơ", max_length=2000)

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not any(ch.isalnum() for ch in reason):
            raise ValidationError("Cần nêu lý do rút hồ sơ.", code="reason_required")
        return reason


class StatusFilterForm(VNForm):
    trang_thai = forms.ChoiceField(
        label="Trạng thái",
        choices=[("", "Tất cả")] + [(k, v[0]) for k, v in STATUS_FILTERS.items()],
        required=False,
    )


class BookingChoiceForm(VNForm):
    """Which procedure and which desk (query string of the booking page)."""

    procedure = forms.ModelChoiceField(label="Thủ tục", queryset=Procedure.objects.none())
    desk = forms.ModelChoiceField(
        label="Nơi nộp hồ sơ", queryset=Agency.objects.none(), required=False
    )

    def __init__(self, *args: Any, procedures: Any, desks: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures  # type: ignore[attr-defined]
        self.fields["desk"].queryset = (  # type: ignore[attr-defined]
            desks if desks is not None else Agency.objects.filter(receives_dossiers=True)
        )


class BookForm(VNForm):
    procedure = forms.ModelChoiceField(label="Thủ tục", queryset=Procedure.objects.none())
    slot = forms.ModelChoiceField(label="Khung giờ", queryset=Slot.objects.none())

    def __init__(self, *args: Any, procedures: Any, slots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures  # type: ignore[attr-defined]
        self.fields["slot"].queryset = slots  # type: ignore[attr-defined]


class WithdrawalDecisionForm(VNForm):
    request = forms.IntegerField(
        label="Yêu cầu", min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )
    decision = forms.ChoiceField(
        label="Quyết định", choices=[("confirm", "Xác nhận rút"), ("decline", "Không chấp nhận")]
    )
    answer = TextField(label="Lý do không chấp nhận", required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "decline" and not (data.get("answer") or "").strip():
            self.add_error("answer", ValidationError("Cần nêu lý do không chấp nhận."))
        return data
