"""The look-up token printed as a QR code on the receipt (Mẫu 01): the portal's URL
``<MOTCUA_PUBLIC_URL>/tra-cuu/q/<token>/`` where the token is the dossier id signed with a key
derived from SECRET_KEY (``django.core.signing``, HMAC-SHA256, its own salt). Whoever holds the
receipt sees the dossier's status without a second factor; nobody can forge a token for another
id. Read by ``portal.selectors.dossier_by_qr``; rotating SECRET_KEY invalidates printed codes
(keep the old key in SECRET_KEY_FALLBACKS)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

SALT = "motcua.portal.lookup-qr"
# where the QR leads when MOTCUA_PUBLIC_URL is not set (the demo, `./dev demo`)
DEMO_URL = "http://127.0.0.1:8000"
SEP = "."


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, sep=SEP, algorithm="sha256")


def lookup_token(dossier_id: int) -> str:
    """'<id>.<signature>' (URL-safe: digits, a dot, base64url)."""
    return _signer().sign(str(int(dossier_id)))


def lookup_url(dossier_id: int) -> str:
    return f"{settings.MOTCUA_PUBLIC_URL or DEMO_URL}/tra-cuu/q/{lookup_token(dossier_id)}/"


def lookup_id(token: str) -> int | None:
    """The dossier id a token carries, or None (forged, altered, malformed). The signature is
    compared in constant time by ``Signer.unsign``."""
    text = str(token)
    if len(text) > 120 or not text.isascii() or "\x00" in text:
        return None
    try:
        raw = _signer().unsign(text)
    except signing.BadSignature:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        return None
    return int(raw)
