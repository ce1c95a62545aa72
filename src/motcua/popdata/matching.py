"""How a legal name and a birth date are compared, and the keyed digest that stands for a check's
inputs in our records (the inputs themselves are never stored).

Names: Unicode NFC, white space collapsed, compared case-insensitively (``casefold``), WITH
their diacritics: "Nguyễn Văn An" and "Nguyen Van An" are different legal names (the civil
status record and the chip of the CCCD carry the diacritics; folding them would match "Lê" with
"Lệ"). Birth dates: the exact day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings

from motcua.core.text import nfc


def name_key(name: str) -> str:
    """The form in which two names are equal: NFC, one space between words, case folded."""
    return nfc(name or "").casefold()


def same_name(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


def id_key(id_number: str) -> str:
    return "".join((id_number or "").split())


def inputs_digest(id_number: str, full_name: str, birth_date: dt.date | None) -> str:
    """HMAC-SHA256 (keyed by the site's secret) of the normalised inputs: equal for the same
    person as typed differently in case or spacing, and not reversible by trying every ID
    number and birth date (as a bare SHA-256 of 12 digits and a date would be)."""
    key = hashlib.sha256(b"motcua.popdata:" + settings.SECRET_KEY.encode()).digest()
    text = "\x1f".join(
        [id_key(id_number), name_key(full_name), birth_date.isoformat() if birth_date else ""]
    )
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
