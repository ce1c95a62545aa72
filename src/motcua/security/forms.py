from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator

from motcua.backoffice.forms.base import VNForm


class OTPCodeForm(VNForm):
    token = forms.CharField(
        label="Mã xác thực (6 chữ số)",
        min_length=6,
        max_length=6,
        strip=True,
        validators=[RegexValidator(r"^[0-9]{6}$", "Mã xác thực gồm đúng 6 chữ số 0–9.")],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].error_messages["min_length"] = "Mã xác thực gồm đúng 6 chữ số 0–9."
        self.fields["token"].error_messages["max_length"] = "Mã xác thực gồm đúng 6 chữ số 0–9."
