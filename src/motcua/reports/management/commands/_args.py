"""Shared argument handling of the report commands: one clear line and exit 2 on bad input."""

from __future__ import annotations

import sys
from typing import NoReturn

from motcua.reports.forms import period_or_error
from motcua.reports.selectors import Period
from motcua.units.models import AdministrativeUnit


def fail(code: str, message: str) -> NoReturn:
    sys.stderr.write(f"lỗi [{code}]: {message}\n")
    sys.exit(2)


def period(first: str | None, last: str | None) -> Period:
    """--from/--to through the pages' period form: the same types, bounds and messages."""
    found, code, message = period_or_error(
        {"from": first or "", "to": last or ""}, {"from": "--from", "to": "--to"}
    )
    if found is None:
        fail(code, message)
    return found


def unit(code: str | None) -> AdministrativeUnit | None:
    if not code:
        return None
    found = AdministrativeUnit.objects.filter(code=code).order_by("level", "-valid_from").first()
    if found is None:
        fail("unknown_unit", f"không có đơn vị hành chính mã {code}")
    return found
