"""Indicator values from an Excel sheet: all or nothing.

The first sheet's first row names the columns (``COLUMNS``, in any order, case ignored); each
further row is one value. Every row is checked before anything is written; one bad row refuses
the whole file with every bad row listed (line number and reason, in Vietnamese). A value
already entered for the same indicator, unit and period is replaced (audited, before → after).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from motcua.core.errors import DomainError, ImportFailed
from motcua.core.text import nfc
from motcua.reform import plan_access as access
from motcua.reform import plan_services as services
from motcua.reform.models import Indicator
from motcua.units.models import AdministrativeUnit, Level

COLUMNS = {
    "mã chỉ tiêu": "indicator",
    "mã địa bàn": "unit",
    "từ ngày": "period_from",
    "đến ngày": "period_to",
    "giá trị": "value",
    "nguồn số liệu": "source",
}
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return nfc(str(v)).strip()


def _date(v: Any, label: str) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    text = _text(v)
    if not text:
        raise ValueError(f"thiếu {label}")
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    raise ValueError(f"{label} “{text}” không phải ngày (dd/mm/yyyy)")


def _decimal(v: Any) -> Decimal:
    if isinstance(v, bool):
        raise ValueError("giá trị phải là một số")
    if isinstance(v, int | float):
        return Decimal(str(v))
    text = _text(v).replace(" ", "")
    if not text:
        raise ValueError("thiếu giá trị")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"giá trị “{_text(v)}” không phải là số") from None
    if not value.is_finite():
        raise ValueError(f"giá trị “{_text(v)}” không phải là số")
    return value


def _rows(data: bytes) -> tuple[list[str], list[tuple[int, tuple[Any, ...]]]]:
    from openpyxl import load_workbook

    if len(data) > MAX_BYTES:
        raise ImportFailed("Tệp Excel vượt quá 5 MB", code="file_too_large")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise ImportFailed("Không đọc được tệp XLSX", code="bad_xlsx") from None
    it = wb.worksheets[0].iter_rows(values_only=True)
    header = next(it, None)
    if header is None:
        raise ImportFailed("Tệp rỗng", code="empty_file")
    cols = [_text(h).lower() for h in header]
    missing = [c for c in COLUMNS if c not in cols]
    unknown = [c for c in cols if c and c not in COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"thiếu cột: {', '.join(missing)}")
        if unknown:
            problems.append(f"cột không xác định: {', '.join(unknown)}")
        raise ImportFailed(
            "Dòng tiêu đề không đúng mẫu: " + "; ".join(problems),
            code="bad_header",
            details=[(1, p) for p in problems],
        )
    rows = []
    for line, values in enumerate(it, start=2):
        if not any(_text(v) for v in values):
            continue
        rows.append((line, values))
        if len(rows) > MAX_ROWS:
            raise ImportFailed(f"Tệp có quá {MAX_ROWS} dòng số liệu", code="too_many_rows")
    return cols, rows


def indicators_import(*, actor: Any, data: bytes, now: dt.datetime | None = None) -> int:
    """Check every row, then write them all in one transaction; returns the number written.
    Raises ImportFailed (``details``: [(line, reason), …]) and writes nothing on any error."""
    at = now or timezone.now()
    access.require_manager(actor)
    cols, rows = _rows(data)
    if not rows:
        raise ImportFailed("Tệp không có dòng số liệu nào", code="empty_file")
    indicators = {i.code: i for i in Indicator.objects.all()}
    units: dict[str, AdministrativeUnit] = {}
    # a code reused after a reorganisation names the latest province that had it
    for u in AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by(
        F("valid_from").desc(nulls_last=True)
    ):
        units.setdefault(u.code, u)
    errors: list[tuple[int, str]] = []
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[str, str, dt.date, dt.date], int] = {}
    for line, values in rows:
        cells = dict(zip(cols, list(values) + [None] * (len(cols) - len(values)), strict=False))
        raw = {COLUMNS[c]: cells.get(c) for c in COLUMNS}
        reasons = []
        ind = indicators.get(_text(raw["indicator"]))
        if ind is None:
            reasons.append(f"không có chỉ tiêu mã “{_text(raw['indicator'])}”")
        unit = units.get(_text(raw["unit"]))
        if unit is None:
            reasons.append(f"không có tỉnh mã “{_text(raw['unit'])}”")
        elif not access.is_manager(actor, unit):
            reasons.append(f"bạn không quản lý số liệu của {unit.name}")
        dates = []
        for key, label in (("period_from", "từ ngày"), ("period_to", "đến ngày")):
            try:
                dates.append(_date(raw[key], label))
            except ValueError as exc:
                reasons.append(str(exc))
        if len(dates) == 2 and dates[1] < dates[0]:
            reasons.append("đến ngày trước từ ngày")
        value = None
        try:
            value = _decimal(raw["value"])
            if ind is not None:
                services.check_value(ind, value)
        except ValueError as exc:
            reasons.append(str(exc))
        except DomainError as exc:
            reasons.append(exc.message[:1].lower() + exc.message[1:])
        source = _text(raw["source"])
        if not source:
            reasons.append("thiếu nguồn số liệu")
        elif len(source) > 500:
            reasons.append("nguồn số liệu dài quá 500 ký tự")
        if not reasons and ind and unit:
            key = (ind.code, unit.code, dates[0], dates[1])
            if key in seen:
                reasons.append(f"trùng với dòng {seen[key]} (cùng chỉ tiêu, địa bàn và kỳ)")
            seen[key] = line
        if reasons:
            errors.append((line, "; ".join(reasons)))
            continue
        parsed.append(
            (
                line,
                {
                    "indicator": ind,
                    "unit": unit,
                    "period_from": dates[0],
                    "period_to": dates[1],
                    "value": value,
                    "source": source,
                },
            )
        )
    if errors:
        raise ImportFailed(
            f"Không nhập tệp: {len(errors)} dòng có lỗi, chưa ghi dòng nào",
            code="import_failed",
            details=errors,
        )
    with transaction.atomic():
        for _line, row in parsed:
            services._value_row(**row, actor=actor, at=at)
    return len(parsed)


def template_xlsx() -> bytes:
    """An empty sheet with the header row and one example line (for the indicators page)."""
    from openpyxl import Workbook

    from motcua.core.sheets import text_only

    wb = Workbook()
    ws = wb.active
    ws.title = "Chỉ tiêu"
    ws.append([c[:1].upper() + c[1:] for c in COLUMNS])
    ws.append(["thu-nsnn", "70", "01/01/2022", "30/06/2022", "7250", "Sở Tài chính"])
    buf = io.BytesIO()
    text_only(wb).save(buf)
    return buf.getvalue()
