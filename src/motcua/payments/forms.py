"""The doors of the payment pages: every input through a form (Vietnamese messages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from motcua.backoffice.forms.base import VNForm
from motcua.payments.models import PaymentChannel


class CounterPaymentForm(VNForm):
    channel = forms.ChoiceField(
        label="Hình thức thanh toán",
        choices=[
            (PaymentChannel.CASH.value, PaymentChannel.CASH.label),
            (PaymentChannel.TRANSFER.value, PaymentChannel.TRANSFER.label),
        ],
    )
    reference = forms.CharField(label="Số chứng từ chuyển khoản", max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ref = (data.get("reference") or "").strip()
        if any(ord(c) < 32 for c in ref):
            self.add_error("reference", "Số chứng từ chuyển khoản: có ký tự không hợp lệ.")
        if data.get("channel") == PaymentChannel.TRANSFER and not ref:
            self.add_error("reference", "Chưa nhập số chứng từ chuyển khoản.")
        return data


class CancelForm(VNForm):
    reason = forms.CharField(label="Lý do hủy", max_length=500, widget=forms.Textarea)


class ReconcileForm(VNForm):
    ngay = forms.DateField(label="Ngày đối soát", input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    cong = forms.BooleanField(label="Đối chiếu với cổng thanh toán", required=False)

    def clean_ngay(self) -> dt.date:
        day: dt.date = self.cleaned_data["ngay"]
        if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
            raise forms.ValidationError("Ngày đối soát: ngoài khoảng cho phép.")
        return day
