"""Every input of the counter queue goes through one of these forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from motcua.backoffice.forms.base import VNForm
from motcua.catalog.models import Field, Procedure
from motcua.counterqueue.models import Desk
from motcua.units.models import Agency


class TakeForm(VNForm):
    """The kiosk: a field, optionally one of its procedures."""

    field = forms.ModelChoiceField(label="Lĩnh vực", queryset=Field.objects.none())
    procedure = forms.ModelChoiceField(
        label="Thủ tục", queryset=Procedure.objects.none(), required=False
    )

    def __init__(self, agency: Agency, *args: Any, **kwargs: Any) -> None:
        from motcua.counterqueue.selectors import agency_fields, agency_procedures

        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = Field.objects.filter(  # type: ignore[attr-defined]
            pk__in=[f.pk for f in agency_fields(agency)]
        )
        self.fields["procedure"].queryset = agency_procedures(agency)  # type: ignore[attr-defined]
        self.vn_messages()


class BookingCodeForm(VNForm):
    code = forms.CharField(label="Mã đặt lịch", max_length=20, strip=True)

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        if not code:
            raise forms.ValidationError("Mã đặt lịch chỉ gồm chữ và số.")
        return code


class DeskActionForm(VNForm):
    """The officer's buttons: which desk, which ticket (the one the page showed), what to do."""

    ACTIONS = [
        ("next", "Gọi số tiếp theo"),
        ("recall", "Gọi lại"),
        ("serve", "Bắt đầu tiếp nhận"),
        ("skip", "Bỏ qua"),
        ("transfer", "Chuyển quầy"),
        ("finish", "Hoàn thành"),
    ]
    desk = forms.ModelChoiceField(label="Quầy", queryset=Desk.objects.none())
    action = forms.ChoiceField(label="Thao tác", choices=ACTIONS)
    ticket = forms.IntegerField(label="Số thứ tự", required=False, min_value=1)
    to_desk = forms.ModelChoiceField(
        label="Quầy nhận chuyển", queryset=Desk.objects.none(), required=False
    )

    def __init__(self, desks: list[Desk], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [d.pk for d in desks]
        self.fields["desk"].queryset = Desk.objects.filter(pk__in=ids)  # type: ignore[attr-defined]
        # any desk: the service says when it belongs to another agency (a clear refusal)
        self.fields["to_desk"].queryset = Desk.objects.all()  # type: ignore[attr-defined]
        self.vn_messages()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action and action != "next" and not data.get("ticket"):
            self.add_error("ticket", "Quầy chưa có số nào đang được gọi.")
        if action == "transfer" and not data.get("to_desk"):
            self.add_error("to_desk", "Chọn quầy nhận chuyển.")
        return data


class StatsForm(VNForm):
    first = forms.DateField(label="Từ ngày", required=False, input_formats=["%Y-%m-%d"])
    last = forms.DateField(label="Đến ngày", required=False, input_formats=["%Y-%m-%d"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        first = data.get("first") or today.replace(day=1)
        last = data.get("last") or today
        if first > last:
            self.add_error("last", "'Đến ngày' phải sau 'Từ ngày'.")
        elif (last - first) > dt.timedelta(days=366):
            self.add_error("last", "Kỳ thống kê tối đa một năm.")
        data["first"], data["last"] = first, last
        return data
