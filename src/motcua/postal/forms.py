"""The postal inputs: the applicant's choice at submission (counter intake and online filing, with
the prefix ``postal``) and the desk's hand-over."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from motcua.backoffice.forms.base import MAX_VERSION, VNForm
from motcua.core.text import nfc
from motcua.dossiers.services.applicants import phone_ok
from motcua.postal.models import ShipmentKind
from motcua.postal.services import PostalChoice
from motcua.units.models import AdministrativeUnit, Level
from motcua.units.selectors import units_valid_on

PREFIX = "postal"


def wards() -> Any:
    """The communes and wards in force today (the delivery address's unit)."""
    return (
        units_valid_on(timezone.localdate())
        .filter(level=Level.COMMUNE)
        .select_related("parent__parent")
        .order_by("parent__parent__name", "parent__name", "name")
    )


class WardField(forms.CharField):
    """A commune by its official code (typed, or picked from the page's list)."""

    def clean(self, value: Any) -> AdministrativeUnit | None:  # type: ignore[override]
        code = super().clean(value)
        if not code:
            return None
        unit = wards().filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(
                "Phường/xã: không có đơn vị hành chính cấp xã đang có hiệu lực với mã này."
            )
        return unit


class PostalChoiceForm(VNForm):
    RETURN_CHOICES = [
        ("counter", "Tại nơi nộp hồ sơ"),
        ("postal", "Qua dịch vụ bưu chính công ích"),
    ]
    return_method = forms.ChoiceField(
        label="Nhận kết quả", choices=RETURN_CHOICES, initial="counter", required=False
    )
    pickup = forms.BooleanField(label="Thu gom hồ sơ giấy tại nhà", required=False)
    recipient_name = forms.CharField(label="Người nhận", max_length=255, required=False)
    phone = forms.CharField(label="Điện thoại người nhận", max_length=20, required=False)
    street = forms.CharField(label="Số nhà, đường, thôn/xóm", max_length=255, required=False)
    ward = WardField(label="Phường/xã (mã)", max_length=10, required=False)

    def __init__(self, *args: Any, online: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", PREFIX)
        super().__init__(*args, **kwargs)
        if not online:  # pickup of paper documents is for online filing only
            del self.fields["pickup"]

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        if phone and not phone_ok(phone):
            raise forms.ValidationError("Điện thoại người nhận: số điện thoại không hợp lệ.")
        return phone

    def clean(self) -> dict[str, Any]:
        c = super().clean() or {}
        if c.get("return_method") == "postal" or c.get("pickup"):
            for name in ("recipient_name", "phone", "street", "ward"):
                if not c.get(name) and name not in self.errors:
                    label = str(self.fields[name].label)
                    self.add_error(name, f"{label}: cần nhập khi chọn dịch vụ bưu chính.")
        return c

    def choice(self) -> PostalChoice:
        c = self.cleaned_data
        return PostalChoice(
            return_by_post=c.get("return_method") == "postal",
            pickup=bool(c.get("pickup")),
            recipient_name=nfc(c.get("recipient_name") or ""),
            phone=c.get("phone") or "",
            street=nfc(c.get("street") or ""),
            ward=c.get("ward"),
        )


class HandoverForm(VNForm):
    version = forms.IntegerField(label="Phiên bản", min_value=0, max_value=MAX_VERSION)
    kind = forms.ChoiceField(
        label="Loại bưu gửi", choices=ShipmentKind.choices, required=False, initial="result"
    )
    weight_g = forms.IntegerField(
        label="Khối lượng (gam)", min_value=1, max_value=30_000, initial=200
    )
