"""Shared argument handling of the report commands: one clear line and exit 2 on bad input."""

from __future__ import annotations

import datetime as dt
import sys
from typing import NoReturn

from motcua.reports.selectors import Period
from motcua.units.models import AdministrativeUnit


def fail(code: str, message: str) -> NoReturn:
    sys.stderr.write(f"lỗi [{code}]: {message}\n")
    sys.exit(2)


def period(first: str | None, last: str | None) -> Period:
    try:
        a = dt.date.fromisoformat(first or "")
        b = dt.date.fromisoformat(last or "")
    except ValueError:
        fail("bad_date", "--from và --to cần ngày dạng YYYY-MM-DD")
    if b < a:
        fail("bad_period", "--to trước --from")
    return Period(a, b)


def unit(code: str | None) -> AdministrativeUnit | None:
    if not code:
        return None
    found = AdministrativeUnit.objects.filter(code=code).order_by("level", "-valid_from").first()
    if found is None:
        fail("unknown_unit", f"không có đơn vị hành chính mã {code}")
    return found
