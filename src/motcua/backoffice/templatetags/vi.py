"""Display filters for the staff pages, loaded in every template (``TEMPLATES`` builtins).

``{{ user|person_name }}`` 'Nguyễn Thị Hoa' · ``{{ fee.amount_vnd|vnd }}`` '100.000 đồng' ·
``{{ n|num }}`` '340.000' · ``{{ days|days }}`` '0,5' · ``{{ name|shorten:70 }}`` (at a word) ·
``{{ event.to_status|status_label }}`` 'Đang giải quyết'.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from motcua.core import text
from motcua.dossiers.models import Status

register = template.Library()


@register.filter
def person_name(user: Any) -> str:
    return text.person_name(user)


@register.filter
def vnd(amount: Any) -> str:
    return text.vnd(amount) if amount not in (None, "") else ""


@register.filter
def num(value: Any, decimals: int = 0) -> str:
    if value in (None, ""):
        return ""
    return text.number(value, int(decimals))


@register.filter
def days(value: Any) -> str:
    """Working days without trailing zeros: 0.50 → '0,5', 5.00 → '5', 2.25 → '2,25'."""
    if value in (None, ""):
        return ""
    shown = text.number(Decimal(str(value)), 2)
    return shown.rstrip("0").rstrip(",") if "," in shown else shown


@register.filter
def shorten(value: Any, width: int = 70) -> str:
    return text.shorten(str(value or ""), int(width))


@register.filter
def status_label(value: Any) -> str:
    """A dossier status code as its Vietnamese label ('in_progress' → 'Đang giải quyết')."""
    try:
        return str(Status(value).label)
    except ValueError:
        return str(value or "")
