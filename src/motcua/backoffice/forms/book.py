"""The tracking book's filter (GET): the year and an optional date range."""

from __future__ import annotations

from typing import Any

from django import forms

from motcua.backoffice.forms.base import VNForm

FIRST_YEAR, LAST_YEAR = 1990, 2100


class BookFilterForm(VNForm):
    year = forms.IntegerField(
        label="Năm", required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    first = forms.DateField(label="Từ ngày", required=False, input_formats=["%Y-%m-%d"])
    last = forms.DateField(label="Đến ngày", required=False, input_formats=["%Y-%m-%d"])

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        # the page's query names are ``from`` and ``to`` (Python keywords as field names)
        if data is not None:
            data = {
                "year": data.get("year", ""),
                "first": data.get("from", ""),
                "last": data.get("to", ""),
            }
        super().__init__(data, **kwargs)
        for name in ("first", "last"):
            self.fields[name].error_messages["invalid"] = "Ngày phải có dạng YYYY-MM-DD"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last and last < first:
            raise forms.ValidationError("Đến ngày phải sau hoặc bằng Từ ngày")
        return data
