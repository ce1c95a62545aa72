"""The inputs of a check: at the counter (the intake form's own field names, so the button
sends what the officer typed), on a dossier, and the reason to go on despite a mismatch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from motcua.backoffice.forms.base import TextField, VNForm
from motcua.units.models import Agency

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _birth_date(value: dt.date | None) -> dt.date | None:
    if value is not None and not (dt.date(1900, 1, 1) <= value <= timezone.localdate()):
        raise ValidationError("Ngày sinh phải từ 01/01/1900 đến hôm nay.", code="bad_birth_date")
    return value


class CounterCheckForm(VNForm):
    desk = forms.ModelChoiceField(label="Nơi tiếp nhận", queryset=Agency.objects.none())
    kind = forms.CharField(label="Loại người nộp", max_length=20, required=False)
    name = forms.CharField(label="Họ tên", max_length=255)
    id_number = forms.CharField(label="Số CCCD", max_length=20)
    popdata_birth_date = forms.DateField(label="Ngày sinh", input_formats=DATE_FORMATS)

    def __init__(self, desks: list[Agency], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            pk__in=[d.pk for d in desks]
        )

    def clean_popdata_birth_date(self) -> dt.date | None:
        return _birth_date(self.cleaned_data["popdata_birth_date"])

    def clean_kind(self) -> str:
        kind: str = self.cleaned_data["kind"] or "person"
        if kind != "person":
            raise ValidationError(
                "Người nộp là tổ chức: chỉ xác thực được thông tin công dân.", code="not_a_person"
            )
        return kind


class DossierCheckForm(VNForm):
    birth_date = forms.DateField(
        label="Ngày sinh (nếu có)", input_formats=DATE_FORMATS, required=False
    )

    def clean_birth_date(self) -> dt.date | None:
        return _birth_date(self.cleaned_data["birth_date"])


class OverrideForm(VNForm):
    reason = TextField(label="Lý do vẫn tiếp tục giải quyết", max_length=2000)
