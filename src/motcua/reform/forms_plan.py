"""Every input of the reform-plan pages goes through one of these forms (Vietnamese messages)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from motcua.backoffice.forms.base import MAX_TEXT, VNForm, checked_upload
from motcua.reform.models import Area, Indicator, LegalDocKind, TaskStatus
from motcua.units.models import AdministrativeUnit, Agency
from motcua.units.selectors import unit_subtree_ids

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
MAX_PERIOD_DAYS = 366 * 5
FIRST_YEAR = 1990
THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")


class VNDateField(forms.DateField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        try:
            day = super().to_python(value)
        except ValidationError:
            raise ValidationError(
                f"{self.label}: ngày không hợp lệ (dd/mm/yyyy).", code="invalid"
            ) from None
        # a period ending on 31/12/9999 took every report of it past the last year a date holds
        # (the fourth probe: a 500); plans, tasks and periods stand within these years
        last = timezone.localdate().year + 10
        if day is not None and not FIRST_YEAR <= day.year <= last:
            raise ValidationError(
                f"{self.label}: năm phải từ {FIRST_YEAR} đến {last}.", code="out_of_range"
            )
        return day


class AmountField(forms.DecimalField):
    """A number written the Vietnamese way: a decimal comma, dots grouping thousands (7.250,5;
    7.250 is seven thousand two hundred and fifty). A dot that groups no thousands (7.25) is
    refused rather than guessed: read as a decimal point it stored 7.250 as 7,25, a thousand
    times too small (the fourth probe)."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(" ", "")
            if "," in value:
                value = value.replace(".", "").replace(",", ".")
            elif THOUSANDS.fullmatch(value):
                value = value.replace(".", "")
            elif "." in value:
                raise ValidationError(
                    f"{self.label}: dùng dấu phẩy cho phần thập phân (7,25) và dấu chấm để nhóm "
                    "hàng nghìn (7.250).",
                    code="invalid",
                )
        try:
            return super().to_python(value)
        except InvalidOperation:
            raise ValidationError(f"{self.label}: phải là một số.", code="invalid") from None


class PeriodMixin(VNForm):
    period_from = VNDateField(label="Từ ngày")
    period_to = VNDateField(label="Đến ngày")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        a, b = data.get("period_from"), data.get("period_to")
        if a and b:
            if b < a:
                self.add_error("period_to", "Đến ngày phải sau hoặc bằng từ ngày.")
            elif (b - a).days > MAX_PERIOD_DAYS:
                self.add_error("period_to", "Kỳ báo cáo dài tối đa 5 năm.")
        return data


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return obj.name


class PlanForm(VNForm):
    unit = UnitChoice(label="Tỉnh", queryset=AdministrativeUnit.objects.none())
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    title = forms.CharField(label="Tên kế hoạch", max_length=300)
    number = forms.CharField(label="Số hiệu văn bản", max_length=60, required=False)
    issued_on = VNDateField(label="Ngày ban hành", required=False)

    def __init__(self, units: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.vn_messages()


class TaskForm(VNForm):
    area = forms.ChoiceField(label="Lĩnh vực", choices=Area.choices)
    title = forms.CharField(label="Tên nhiệm vụ", max_length=500)
    description = forms.CharField(
        label="Sản phẩm, yêu cầu", max_length=MAX_TEXT, required=False, widget=forms.Textarea
    )
    agency = forms.ModelChoiceField(label="Cơ quan chủ trì", queryset=Agency.objects.none())
    deadline = VNDateField(label="Thời hạn")

    def __init__(self, unit: AdministrativeUnit, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            unit_id__in=unit_subtree_ids(unit)
        ).order_by("level", "code")
        self.vn_messages()


class ProgressForm(VNForm):
    status = forms.ChoiceField(label="Tình trạng", choices=TaskStatus.choices)
    progress = forms.IntegerField(label="Tiến độ (phần trăm)", min_value=0, max_value=100)
    completed_on = VNDateField(label="Ngày hoàn thành", required=False)
    text = forms.CharField(label="Nội dung cập nhật", max_length=MAX_TEXT, widget=forms.Textarea)
    version = forms.IntegerField(label="Phiên bản", min_value=0, widget=forms.HiddenInput)


class EvidenceForm(VNForm):
    title = forms.CharField(label="Tên tài liệu", max_length=300)
    file = forms.FileField(label="Tệp minh chứng (PDF, JPEG, PNG)")

    def clean_file(self) -> Any:
        return checked_upload(self.cleaned_data["file"], "Tệp minh chứng")


class LegalCountForm(PeriodMixin):
    kind = forms.ChoiceField(label="Loại văn bản", choices=LegalDocKind.choices)
    count = forms.IntegerField(label="Số lượng", min_value=0, max_value=1_000_000)
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)


class IndicatorValueForm(PeriodMixin):
    indicator = forms.ModelChoiceField(label="Chỉ tiêu", queryset=Indicator.objects.all())
    value = AmountField(label="Giá trị", max_digits=20, decimal_places=4)
    source = forms.CharField(label="Nguồn số liệu", max_length=500)


class NarrativeForm(PeriodMixin):
    area = forms.ChoiceField(label="Lĩnh vực", choices=Area.choices)
    text = forms.CharField(label="Nội dung đánh giá", max_length=20000, widget=forms.Textarea)


class ReportForm(PeriodMixin):
    format = forms.ChoiceField(
        label="Định dạng", choices=[("docx", "Văn bản Word (DOCX)"), ("json", "JSON")]
    )


class ImportForm(VNForm):
    file = forms.FileField(label="Tệp Excel (.xlsx)")

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise ValidationError("Chỉ nhận tệp .xlsx.", code="bad_file_type")
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError("Tệp Excel vượt quá 5 MB.", code="file_too_large")
        return upload.read()


class TaskFilterForm(VNForm):
    """The task list's filters (GET): every field optional; a bad value is ignored."""

    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100, required=False)
    area = forms.ChoiceField(
        label="Lĩnh vực", choices=[("", "Tất cả"), *Area.choices], required=False
    )
    status = forms.ChoiceField(
        label="Tình trạng", choices=[("", "Tất cả"), *TaskStatus.choices], required=False
    )
    overdue = forms.BooleanField(label="Chỉ nhiệm vụ quá hạn", required=False)

    def values(self) -> dict[str, Any]:
        if self.is_valid():
            return self.cleaned_data
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
