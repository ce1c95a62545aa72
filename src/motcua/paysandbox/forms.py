from django import forms

from motcua.backoffice.forms.base import VNForm


class DecisionForm(VNForm):
    decision = forms.ChoiceField(
        label="Lựa chọn", choices=[("pay", "Thanh toán"), ("cancel", "Hủy giao dịch")]
    )
