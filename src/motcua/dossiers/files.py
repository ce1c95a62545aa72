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
    """The number of pages, or ValidationFailed(code="bad_pdf") for any file pypdf cannot read.

    A PDF whose only password is the empty user password (owner restrictions only, common on
    scanners) is opened; a file that needs a password, or whose page tree holds no page, is
    refused.
    """
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationFailed(
                "Tệp PDF có mật khẩu; hãy nộp bản không đặt mật khẩu", code="bad_pdf"
            )
        pages = len(reader.pages)
    except ValidationFailed:
        raise
    # pypdf is a third-party parser fed untrusted bytes: on garbage it raises its own errors and
    # also OverflowError, NotImplementedError, RecursionError, AttributeError... (a fuzz found a
    # dozen classes). Whatever it raises, the file is unreadable, and that is the user's answer.
    except Exception:
        raise ValidationFailed(
            "Tệp PDF bị hỏng hoặc không đọc được; hãy quét hoặc xuất lại tệp", code="bad_pdf"
        ) from None
    if pages < 1:
        raise ValidationFailed("Tệp PDF không có trang nào", code="bad_pdf")
    return pages


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
