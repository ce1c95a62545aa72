"""Reads of portal accounts. Lookups by what a person types are exact (no enumeration helper)."""

from __future__ import annotations

from typing import Any

from motcua.citizens.models import CitizenProfile
from motcua.core.text import nfc


def profile_for_login(identifier: str) -> CitizenProfile | None:
    """The one profile whose ID number / tax code, or e-mail (any case), is ``identifier``."""
    value = nfc(identifier)
    if not value or len(value) > 254:
        return None
    qs = CitizenProfile.objects.select_related("user")
    rows = list(
        qs.filter(email__iexact=value)[:2] if "@" in value else qs.filter(id_number=value)[:2]
    )
    return rows[0] if len(rows) == 1 else None


def is_staff_account(user: Any) -> bool:
    """Staff in any sense: the staff flag, superuser, or a back-office membership."""
    return bool(user.is_staff or user.is_superuser or user.memberships.exists())
