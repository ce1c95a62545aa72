"""Text: NFC for storage, diacritic-free folding for search; names, numbers, money for display."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

_SPACES = re.compile(r"\s+")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(text: str) -> str:
    """Unicode NFC with surrounding white space removed and inner runs folded to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Lower-case, without Vietnamese diacritics: 'Thành lập' → 'thanh lap', 'Đồng' → 'dong'."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def person_name(user: Any) -> str:
    """A person's name in Vietnamese order, family name first: 'Nguyễn Thị Hoa'.

    Django's ``get_full_name()`` is 'first last' ('Hoa Nguyễn Thị'); our users keep the family
    and middle names in ``last_name`` and the given name in ``first_name``. Falls back to the
    login name; '' for no user."""
    if user is None:
        return ""
    full = f"{getattr(user, 'last_name', '') or ''} {getattr(user, 'first_name', '') or ''}"
    return nfc(full) or str(user.get_username())


def number(value: float | int | Decimal | None, decimals: int = 0) -> str:
    """Vietnamese notation: '.' between thousands, ',' before decimals: 1234.5 → '1.234,50'."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vnd(amount: int | Decimal | None) -> str:
    """Money as people read it: 100000 → '100.000 đồng'."""
    return "" if amount is None else f"{number(amount)} đồng"


def shorten(text: str, width: int) -> str:
    """At most ``width`` characters, cut at a word boundary with '…' (never mid-word)."""
    text = nfc(text or "")
    if len(text) <= width:
        return text
    head = text[: width - 1]
    if text[width - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip() + "…"
