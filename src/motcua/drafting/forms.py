"""The drafting doors: choosing a template, editing the draft, returning it, the admin's form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from motcua.backoffice.forms.base import TextField, VersionField, VNForm
from motcua.core.errors import DomainError
from motcua.core.forms import JSONField
from motcua.drafting.docx_render import MAX_DOCX_BYTES
from motcua.drafting.models import ResultTemplate, TemplateKind
from motcua.drafting.services import template_check

#: the longest draft accepted (characters of HTML)
MAX_CONTENT = 200_000


class CreateDraftForm(VNForm):
    template = forms.ModelChoiceField(label="Mẫu kết quả", queryset=ResultTemplate.objects.none())

    def __init__(self, *args: Any, templates: list[ResultTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["template"]
        field.queryset = ResultTemplate.objects.filter(  # type: ignore[attr-defined]
            pk__in=[t.pk for t in templates]
        )
        field.error_messages["invalid_choice"] = "Mẫu kết quả không dùng cho thủ tục này."


class DraftVersionForm(VNForm):
    version = VersionField()


class DraftEditForm(DraftVersionForm):
    content = TextField(label="Nội dung dự thảo", max_length=MAX_CONTENT)


class DraftReturnForm(DraftVersionForm):
    reason = TextField(label="Nội dung cần sửa", max_length=2000)


class ResultTemplateAdminForm(forms.ModelForm):
    """The syntax is checked here, so that the administrator sees the reason next to the field."""

    class Meta:
        model = ResultTemplate
        fields = ["procedure_code", "name", "kind", "body", "file", "active"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and getattr(upload, "size", 0) and upload.size > MAX_DOCX_BYTES:
            raise ValidationError("Tệp mẫu vượt quá 5 MB.", code="docx_too_large")
        return upload

    def clean(self) -> dict[str, Any]:
        c = super().clean() or {}
        kind = c.get("kind")
        if self.errors or not kind:
            return c
        docx = None
        upload = c.get("file")
        if kind == TemplateKind.DOCX and upload:
            upload.seek(0)
            docx = upload.read()
            upload.seek(0)
        try:
            template_check(kind=kind, body=c.get("body") or "", docx=docx)
        except DomainError as exc:
            field = "body" if kind == TemplateKind.HTML else "file"
            self.add_error(field, exc.message)
        return c


class PreviewForm(VNForm):
    dossier = forms.CharField(
        label="Mã hồ sơ (để trống: dữ liệu mẫu)", required=False, max_length=60
    )
    form_data = JSONField(
        label="Dữ liệu tờ khai mẫu (JSON)", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
