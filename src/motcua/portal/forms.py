"""The portal's doors: every query string and every POST goes through one of these forms."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms

from motcua.backoffice.forms import VNForm
from motcua.catalog.models import Field
from motcua.portal.selectors import MAX_CODE
from motcua.portal.services import Satisfaction
from motcua.units.models import Agency, Level

CONTROL_MESSAGE = "{label}: có ký tự điều khiển không hợp lệ."
LEVEL_CHOICES = [("", "Tất cả các cấp"), *[(str(v), label) for v, label in Level.choices]]


def _no_controls(value: str, label: str, *, keep_lines: bool = False) -> str:
    allowed = {"\n", "\r", "\t"} if keep_lines else set()
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
        raise forms.ValidationError(CONTROL_MESSAGE.format(label=label), code="control")
    return value


class PortalForm(VNForm):
    """VNForm whose NUL message is Vietnamese too; text fields refuse control characters."""

    def vn_messages(self) -> None:
        super().vn_messages()
        for name, f in self.fields.items():
            label = str(f.label or name)
            f.error_messages["null_characters_not_allowed"] = CONTROL_MESSAGE.format(label=label)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, f in self.fields.items():
            value = data.get(name)
            if isinstance(value, str) and isinstance(f, forms.CharField):
                try:
                    _no_controls(value, str(f.label or name), keep_lines=name == "comment")
                except forms.ValidationError as e:
                    self.add_error(name, e)
        return data


class CatalogForm(PortalForm):
    q = forms.CharField(
        label="Tìm thủ tục (gõ có dấu hoặc không dấu)", max_length=200, required=False
    )
    level = forms.TypedChoiceField(
        label="Cấp thực hiện", choices=LEVEL_CHOICES, coerce=int, required=False, empty_value=None
    )
    agency = forms.ModelChoiceField(
        label="Cơ quan thực hiện",
        queryset=Agency.objects.filter(procedures__isnull=False)
        .distinct()
        .order_by("level", "name"),
        required=False,
        empty_label="Tất cả cơ quan",
    )
    field = forms.ModelChoiceField(
        label="Lĩnh vực",
        queryset=Field.objects.order_by("name"),
        required=False,
        empty_label="Tất cả lĩnh vực",
    )


class AgencyListForm(PortalForm):
    q = forms.CharField(label="Tìm cơ quan", max_length=200, required=False)
    level = forms.TypedChoiceField(
        label="Cấp", choices=LEVEL_CHOICES, coerce=int, required=False, empty_value=None
    )


class LookupForm(PortalForm):
    code = forms.CharField(
        label="Mã hồ sơ",
        max_length=MAX_CODE,
        help_text="In trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
    )
    factor = forms.CharField(
        label="Số định danh cá nhân (CCCD) hoặc số điện thoại của người nộp",
        max_length=30,
        min_length=6,
        help_text="Như đã ghi khi nộp hồ sơ.",
    )

    def vn_messages(self) -> None:
        super().vn_messages()
        f = self.fields["factor"]
        f.error_messages["min_length"] = f"{f.label}: ít nhất %(limit_value)d ký tự."


class RatingForm(PortalForm):
    level = forms.ChoiceField(
        label="Mức độ hài lòng", choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="Góp ý (không bắt buộc)", max_length=2000, required=False, widget=forms.Textarea
    )
    next = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


class CounterCodeForm(PortalForm):
    code = forms.CharField(label="Mã hồ sơ", max_length=MAX_CODE)


class CounterRatingForm(CounterCodeForm):
    level = forms.ChoiceField(label="Mức độ hài lòng", choices=Satisfaction.choices)
    comment = forms.CharField(
        label="Góp ý (không bắt buộc)", max_length=2000, required=False, widget=forms.Textarea
    )
