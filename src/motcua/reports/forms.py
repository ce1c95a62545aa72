"""The period of a report, as people and scripts give it: one place for its types and bounds.

Either ``from`` and ``to`` (ISO dates), or a preset: ``year`` with ``kind`` (6 = first half,
9 = nine months, year, quarter ``n`` 1–4, month ``n`` 1–12). Years run from ``FIRST_YEAR`` to next
year; anything else is refused with a Vietnamese message and a stable code, before a date is
built (so no overflow past year 9999 and no time-zone arithmetic on year 1).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from motcua.reports.selectors import Period, period_preset

FIRST_YEAR = 2000
KINDS = (
    ("6", "6 tháng"),
    ("9", "9 tháng"),
    ("year", "Cả năm"),
    ("quarter", "Quý"),
    ("month", "Tháng"),
)


def last_year() -> int:
    return timezone.localdate().year + 1


class PeriodForm(forms.Form):
    year = forms.IntegerField(required=False)
    kind = forms.ChoiceField(
        required=False,
        choices=KINDS,
        error_messages={
            "invalid_choice": "Kỳ '%(value)s' không có; chọn 6, 9, year, quarter, month"
        },
    )
    n = forms.IntegerField(required=False)

    def __init__(
        self, data: Any = None, names: dict[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        # how the caller names the two dates in messages (``--from``/``--to`` on the command line)
        self.names = {"from": "'Từ ngày'", "to": "'Đến ngày'", **(names or {})}
        date_errors = {"invalid": "Ngày phải có dạng YYYY-MM-DD (ví dụ 2022-06-30)"}
        self.fields["from"] = forms.DateField(
            required=False, input_formats=["%Y-%m-%d"], error_messages=date_errors
        )
        self.fields["to"] = forms.DateField(
            required=False, input_formats=["%Y-%m-%d"], error_messages=date_errors
        )
        for name in ("year", "n"):
            self.fields[name].error_messages["invalid"] = "phải là một số nguyên"

    def _bad(self, field: str | None, message: str, code: str) -> None:
        self.add_error(field, forms.ValidationError(message, code=code))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lo, hi = FIRST_YEAR, last_year()
        first, last = data.get("from"), data.get("to")
        if self.has_error("from") or self.has_error("to"):
            return data
        if (first is None) != (last is None):
            self._bad(
                None, f"Cần cả hai ngày {self.names['from']} và {self.names['to']}", "bad_period"
            )
            return data
        if first is not None and last is not None:
            for d in (first, last):
                if not lo <= d.year <= hi:
                    self._bad(
                        None,
                        f"Ngày {d:%d/%m/%Y} nằm ngoài khoảng cho phép: chỉ nhận ngày "
                        f"từ năm {lo} đến năm {hi}",
                        "out_of_range",
                    )
                    return data
            if last < first:
                self._bad(None, f"{self.names['to']} trước {self.names['from']}", "bad_period")
            return data
        if self.has_error("year") or self.has_error("kind") or self.has_error("n"):
            return data
        year = data.get("year")
        if year is not None and not lo <= year <= hi:
            self._bad("year", f"Năm {year} nằm ngoài khoảng cho phép ({lo}–{hi})", "out_of_range")
        kind = data.get("kind") or "6"
        n = data.get("n")
        if kind == "quarter" and n is not None and not 1 <= n <= 4:
            self._bad("n", f"Quý {n} không có (1–4)", "out_of_range")
        if kind == "month" and n is not None and not 1 <= n <= 12:
            self._bad("n", f"Tháng {n} không có (1–12)", "out_of_range")
        return data

    def error_code(self) -> str:
        """The first error's stable code (for scripts)."""
        for errors in self.errors.as_data().values():
            for e in errors:
                if e.code in ("invalid", "invalid_choice"):
                    return "bad_date" if "YYYY" in " ".join(e.messages) else "bad_value"
                return str(e.code or "bad_value")
        return ""

    def error_text(self, names: dict[str, str] | None = None) -> str:
        """One Vietnamese sentence naming each bad parameter (``names``: how the caller calls
        them, e.g. ``--from`` on the command line)."""
        labels = {
            "year": "Năm",
            "kind": "Kỳ",
            "n": "Quý / tháng",
            "from": "Từ ngày",
            "to": "Đến ngày",
            **(names or {}),
        }
        parts = []
        for field, errors in self.errors.items():
            for message in errors:
                if field == "__all__":
                    parts.append(message)
                elif field == "n":
                    kind = self.data.get("kind")
                    label = "Quý" if kind == "quarter" else "Tháng" if kind == "month" else "Số kỳ"
                    parts.append(message if message.startswith(label) else f"{label}: {message}")
                elif message.startswith(labels[field]):
                    parts.append(message)
                else:
                    parts.append(f"{labels[field]}: {message}")
        return "; ".join(parts)

    def given(self) -> bool:
        return any(self.data.get(k) not in (None, "") for k in ("year", "from", "to"))

    def period(self, default_year: int | None = None) -> Period:
        """The period asked for (call after is_valid())."""
        data = self.cleaned_data
        if data.get("from") and data.get("to"):
            return Period(data["from"], data["to"])
        year = data.get("year") or default_year or timezone.localdate().year
        kind = data.get("kind") or "6"
        return period_preset(year, kind, data.get("n") or 1)


def period_or_error(
    values: dict[str, Any], names: dict[str, str] | None = None
) -> tuple[Period | None, str, str]:
    """(period, code, message): the period, or None with the error's code and message."""
    form = PeriodForm(values, names=names)
    if not form.is_valid():
        return None, form.error_code(), form.error_text(names)
    return form.period(), "", ""
