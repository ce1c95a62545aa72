"""What a citizen's or organisation's identity number looks like."""

from __future__ import annotations

import re

from motcua.dossiers.services.applicants import person_id_ok

_TAX_CODE = re.compile(r"[0-9]{10}(-[0-9]{3})?")


def personal_id_ok(value: str) -> bool:
    """A personal ID number as accounts use it: the 12-digit number (CCCD / số định danh cá
    nhân); the old 9-digit CMND that ``person_id_ok`` also takes is not enough for an account."""
    return person_id_ok(value) and len(value) == 12


def tax_code_ok(value: str) -> bool:
    """An organisation's tax code: 10 digits, or 10 digits, a hyphen and 3 digits (a branch)."""
    return value.isascii() and bool(_TAX_CODE.fullmatch(value))
