"""Safe uploads: the type is read from the bytes, never trusted from the name or the browser.

Files are streamed, never read whole into memory: the type is sniffed from the first bytes, the
hash and size are computed chunk by chunk, pypdf reads the PDF from the (seekable) upload itself
(Django spools uploads over ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file), and the storage
(local folder or S3) copies the same stream.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import ContentFile, File

from motcua.core.errors import ValidationFailed

MAX_BYTES = 20 * 1024 * 1024
ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}


CHUNK = 64 * 1024
HEAD = 16


@dataclass(frozen=True)
class CheckedFile:
    """A checked upload: ``file`` is a seekable Django File the storage copies chunk by chunk."""

    name: str
    file: File
    content_type: str
    sha256: str
    pages: int
    size: int


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


_CODE_ACTIONS = {"/JavaScript", "/Launch"}


def _is_code(action: Any) -> bool:
    """An action dictionary that runs JavaScript or launches a program, or a chain holding one."""
    seen = 0
    while action is not None and seen < 100:
        action = action.get_object()
        if not hasattr(action, "get"):
            return False
        if action.get("/S") in _CODE_ACTIONS:
            return True
        action = action.get("/Next")
        if isinstance(action, list):
            return any(_is_code(a) for a in action)
        seen += 1
    return False


def _runs_code(reader: Any) -> bool:
    """True when opening, reading or clicking the PDF would run code: a document-level script
    (the /JavaScript name tree), an open action, additional actions (/AA) of the document, a
    page or an annotation, or a link whose action is JavaScript or a launch. Names are read
    after pypdf resolved object streams and #xx escapes, so spelling them differently does not
    hide them. A scan or a signed result never needs any of these."""
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    if "/AA" in root or (names is not None and "/JavaScript" in names.get_object()):
        return True
    if _is_code(root.get("/OpenAction")):
        return True
    for page in reader.pages:
        if "/AA" in page:
            return True
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if hasattr(a, "get") and ("/AA" in a or _is_code(a.get("/A"))):
                return True
    return False


def pdf_pages(stream: IO[bytes]) -> int:
    """The number of pages, or ValidationFailed(code="bad_pdf") for any file pypdf cannot read.

    A PDF whose only password is the empty user password (owner restrictions only, common on
    scanners) is opened; a file that needs a password, whose page tree holds no page, or that
    runs code (``_runs_code``) is refused.
    """
    from pypdf import PdfReader

    try:
        stream.seek(0)
        reader = PdfReader(stream)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationFailed(
                "Tệp PDF có mật khẩu; hãy nộp bản không đặt mật khẩu", code="bad_pdf"
            )
        pages = len(reader.pages)
        if _runs_code(reader):
            raise ValidationFailed(
                "Tệp PDF chứa mã lệnh (JavaScript hoặc lệnh mở chương trình); hãy quét hoặc "
                "in lại ra PDF thường rồi nộp",
                code="pdf_active_content",
            )
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


def _clean_name(name: str) -> str:
    return (name or "tep").replace("\\", "/").rsplit("/", 1)[-1][:200] or "tep"


def check_file(name: str, upload: IO[bytes] | File) -> CheckedFile:
    """Refuse empty, oversized, and non PDF/JPEG/PNG files; count PDF pages. Reads ``upload``
    in chunks (hash and size), never whole; the PDF check reads it through pypdf."""
    clean = _clean_name(name)
    stream = upload if isinstance(upload, File) else File(upload, name=clean)
    stream.seek(0)
    head = stream.read(HEAD)
    if not head:
        raise ValidationFailed(f"Tệp {clean} rỗng", code="empty_file")
    kind = sniff(head)
    digest = hashlib.sha256(head)
    size = len(head)
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise ValidationFailed(
                f"Tệp {clean} vượt quá {MAX_BYTES // (1024 * 1024)} MB", code="file_too_large"
            )
        digest.update(chunk)
    if kind is None:
        raise ValidationFailed(
            f"Tệp {clean} không phải PDF, JPEG hoặc PNG", code="file_type_not_allowed"
        )
    pages = pdf_pages(stream) if kind == "application/pdf" else 1
    stream.seek(0)
    if not clean.lower().endswith(ALLOWED[kind]) and not (
        kind == "image/jpeg" and clean.lower().endswith(".jpeg")
    ):
        clean = f"{clean.rsplit('.', 1)[0]}{ALLOWED[kind]}"
    return CheckedFile(clean, stream, kind, digest.hexdigest(), pages, size)


def check_upload(name: str, data: bytes) -> CheckedFile:
    """``check_file`` for bytes already in memory (files the application makes: the demo's,
    generated PDFs)."""
    if len(data) > MAX_BYTES:  # refused before wrapping, as the stream would be
        clean = _clean_name(name)
        raise ValidationFailed(
            f"Tệp {clean} vượt quá {MAX_BYTES // (1024 * 1024)} MB", code="file_too_large"
        )
    return check_file(name, ContentFile(data, name=_clean_name(name)))
