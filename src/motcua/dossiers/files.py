"""Safe uploads: the type is read from the bytes, never trusted from the name or the browser."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from motcua.core.errors import ValidationFailed

MAX_BYTES = 20 * 1024 * 1024
ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    data: bytes
    content_type: str
    sha256: str
    pages: int

    @property
    def size(self) -> int:
        return len(self.data)


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ValidationFailed(f"Tệp PDF bị hỏng: {exc}", code="bad_pdf") from None


def check_upload(name: str, data: bytes) -> CheckedFile:
    """Refuse empty, oversized, and non PDF/JPEG/PNG files; count PDF pages."""
    clean = (name or "tep").replace("\\", "/").rsplit("/", 1)[-1][:200] or "tep"
    if not data:
        raise ValidationFailed(f"Tệp {clean} rỗng", code="empty_file")
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            f"Tệp {clean} vượt quá {MAX_BYTES // (1024 * 1024)} MB", code="file_too_large"
        )
    kind = sniff(data)
    if kind is None:
        raise ValidationFailed(
            f"Tệp {clean} không phải PDF, JPEG hoặc PNG", code="file_type_not_allowed"
        )
    pages = pdf_pages(data) if kind == "application/pdf" else 1
    if not clean.lower().endswith(ALLOWED[kind]) and not (
        kind == "image/jpeg" and clean.lower().endswith(".jpeg")
    ):
        clean = f"{clean.rsplit('.', 1)[0]}{ALLOWED[kind]}"
    return CheckedFile(clean, data, kind, hashlib.sha256(data).hexdigest(), pages)
