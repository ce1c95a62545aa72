"""Text: NFC for storage, diacritic-free folding for search; names, numbers, money for display."""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal
from typing import Any

_SPACES = re.compile(r"\s+")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(text: str) -> str:
    """Unicode NFC with surrounding white space removed and inner runs folded to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def strip_format(text: str) -> str:
    """``text`` without Unicode format characters (category Cf: zero-width space U+200B, soft
    hyphen U+00AD, byte order mark U+FEFF, word joiner U+2060…), which a code or a number copied
    from a PDF or a chat app carries unseen. For typed identifiers (dossier codes, ID numbers:
    no dossier code holds one, ``dossiers.legacy.rules.code_problem``, so removing them never
    changes which code is meant) and lines of typed text (``typed_line``)."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def typed_line(text: str) -> str:
    """One line a person typed (a name, a phone number, an address, a desk's name) as pages and
    forms show it: NFC, white space folded, without unseen format characters — a right-to-left
    override (U+202E) showed the rest of a name backwards on every page, a zero-width space made
    another name that looks the same."""
    return nfc(strip_format(text))


#: the embeddings, overrides and isolates of the bidirectional algorithm (and LRM, RLM, ALM)
_DIRECTION_CONTROLS = dict.fromkeys(
    [0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def strip_direction(text: str) -> str:
    """``text`` without the direction controls, its other format characters kept (in a text of
    several lines a zero-width joiner may join an emoji)."""
    return text.translate(_DIRECTION_CONTROLS)


def fold(text: str) -> str:
    """Lower-case, without Vietnamese diacritics: 'Thành lập' → 'thanh lap', 'Đồng' → 'dong'.
    Control characters (NUL included, which PostgreSQL refuses in text) separate words."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(
        " " if unicodedata.category(ch) == "Cc" else ch
        for ch in decomposed
        if not unicodedata.combining(ch)
    )
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


def json_loads(data: str | bytes) -> Any:
    """``json.loads`` for text from outside: nesting too deep for the parser (a 30 KB body of
    brackets) is a ``ValueError`` like any other bad JSON, not a ``RecursionError`` that every
    ``except ValueError`` lets through (a 500 on the public look-up, found by a probe)."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("JSON lồng quá sâu") from None


def ascii_digits(text: str, most: int = 18) -> bool:
    """Whether ``text`` is 1 to ``most`` of the digits 0–9 — what ``int()`` reads and a bigint
    holds. ``str.isdigit`` alone also says yes to "²" (which ``int`` refuses: a 500 where it
    guarded an id, found by a probe) and to other scripts' digits."""
    return 0 < len(text) <= most and text.isascii() and text.isdigit()
