"""Safe uploads: the type is read from the bytes, never trusted from the name or the browser."""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import struct
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from motcua.core.errors import ValidationFailed

MAX_BYTES = 20 * 1024 * 1024
ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}


CHUNK = 64 * 1024


@dataclass(frozen=True)
class CheckedFile:
    """A checked upload: its bytes (``data``), or, for a large upload streamed to a temporary
    file, the open file (``source``, read in chunks by the storage, never whole) and its size."""

    name: str
    data: bytes
    content_type: str
    sha256: str
    pages: int
    source: IO[bytes] | None = None
    length: int | None = None

    @property
    def size(self) -> int:
        return self.length if self.length is not None else len(self.data)

    def read_all(self) -> bytes:
        """The whole content, for a reader that needs it at once (signature validation); the
        storage never uses this (``content``)."""
        if self.source is not None:
            self.source.seek(0)
            data = self.source.read()
            self.source.seek(0)
            return data
        return self.data

    def content(self) -> Any:
        """What the storage saves: a Django File over the source, or the bytes."""
        from django.core.files.base import ContentFile, File

        if self.source is not None:
            self.source.seek(0)
            return File(self.source)
        return ContentFile(self.data)


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


#: the keys ``_runs_code`` reads: one of them defined twice in a dictionary is a doubt
_CODE_KEYS = {"/OpenAction", "/AA", "/A", "/S", "/JS", "/Names", "/JavaScript", "/Annots", "/F"}


class _DuplicateKeys(logging.Handler):
    """pypdf keeps the first of a key defined twice in one dictionary and only logs a warning;
    a reader keeping the other would run an action the check never saw (a probe put a
    JavaScript /OpenAction beside a harmless one). Collects those warnings of one thread."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.keys: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, dict) else {}
        if record.thread == self.thread and "Multiple definitions" in str(record.msg):
            self.keys.append(str(args.get("key", "")))


@contextlib.contextmanager
def _duplicate_keys() -> Iterator[_DuplicateKeys]:
    handler = _DuplicateKeys()
    log = logging.getLogger("pypdf")
    level = log.level
    log.addHandler(handler)
    if not log.isEnabledFor(logging.WARNING):  # the warning must be made to be seen
        log.setLevel(logging.WARNING)
    try:
        yield handler
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


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


def pdf_pages(data: bytes | IO[bytes]) -> int:
    """The number of pages, or ValidationFailed(code="bad_pdf") for any file pypdf cannot read.

    A PDF whose only password is the empty user password (owner restrictions only, common on
    scanners) is opened; a file that needs a password, whose page tree holds no page, or that
    runs code (``_runs_code``) is refused.
    """
    from pypdf import PdfReader

    try:
        with _duplicate_keys() as doubled:
            reader = PdfReader(io.BytesIO(data) if isinstance(data, bytes) else data)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ValidationFailed(
                    "Tệp PDF có mật khẩu; hãy nộp bản không đặt mật khẩu", code="bad_pdf"
                )
            pages = len(reader.pages)
            code = _runs_code(reader)
        if code or _CODE_KEYS.intersection(doubled.keys):
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


class _Bad(Exception):
    pass


def _read(f: IO[bytes], n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise _Bad
    return data


def _png_ok(f: IO[bytes]) -> bool:
    """The PNG's chunk structure: IHDR first, every chunk's CRC right, IEND last, nothing after
    it (an HTML page or a script glued behind an image is refused)."""
    try:
        f.seek(8)
        first = True
        while True:
            length, ctype = struct.unpack(">I4s", _read(f, 8))
            if first and (ctype != b"IHDR" or length != 13):
                return False
            first = False
            if length > 2**31 - 1 or not ctype.isalpha():
                return False
            crc = zlib.crc32(ctype)
            left = length
            while left:
                part = _read(f, min(CHUNK, left))
                crc = zlib.crc32(part, crc)
                left -= len(part)
            if struct.unpack(">I", _read(f, 4))[0] != crc & 0xFFFFFFFF:
                return False
            if ctype == b"IEND":
                return f.read(1) == b""
    except (_Bad, struct.error):
        return False


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_ok(f: IO[bytes], size: int) -> bool:
    """The JPEG's segments up to the start of scan (a frame header among them), and the end
    marker at the end of the file (trailing padding of zero bytes allowed, nothing else)."""
    try:
        f.seek(2)
        frame = False
        while True:
            marker = _read(f, 2)
            if marker[0] != 0xFF:
                return False
            kind = marker[1]
            if kind == 0xFF:  # fill byte
                f.seek(-1, io.SEEK_CUR)
                continue
            if kind == 0xD9:
                return False  # an image that ends before any scan
            (length,) = struct.unpack(">H", _read(f, 2))
            if length < 2:
                return False
            if kind in _SOF:
                frame = True
            if kind == 0xDA:
                break
            f.seek(length - 2, io.SEEK_CUR)
            if f.tell() > size:
                return False
        if not frame:
            return False
        tail_at = max(0, size - CHUNK)
        f.seek(tail_at)
        tail = f.read().rstrip(b"\x00")
        return tail.endswith(b"\xff\xd9")
    except (_Bad, struct.error, OSError):
        return False


def _image_ok(kind: str, f: IO[bytes], size: int) -> bool:
    return _png_ok(f) if kind == "image/png" else _jpeg_ok(f, size)


def _clean_name(name: str) -> str:
    return (name or "tep").replace("\\", "/").rsplit("/", 1)[-1][:200] or "tep"


def _named(clean: str, kind: str) -> str:
    if not clean.lower().endswith(ALLOWED[kind]) and not (
        kind == "image/jpeg" and clean.lower().endswith(".jpeg")
    ):
        clean = f"{clean.rsplit('.', 1)[0]}{ALLOWED[kind]}"
    return clean


def _check_content(clean: str, f: IO[bytes], size: int) -> tuple[str, int]:
    """(type, pages) of the file, read from its bytes; a ValidationFailed if it is none of the
    allowed types or its structure is broken."""
    if size <= 0:
        raise ValidationFailed(f"Tệp {clean} rỗng", code="empty_file")
    if size > MAX_BYTES:
        raise ValidationFailed(
            f"Tệp {clean} vượt quá {MAX_BYTES // (1024 * 1024)} MB", code="file_too_large"
        )
    f.seek(0)
    kind = sniff(f.read(16))
    if kind is None:
        raise ValidationFailed(
            f"Tệp {clean} không phải PDF, JPEG hoặc PNG", code="file_type_not_allowed"
        )
    if kind == "application/pdf":
        f.seek(0)
        return kind, pdf_pages(f)
    if not _image_ok(kind, f, size):
        raise ValidationFailed(
            f"Tệp {clean} không phải ảnh {ALLOWED[kind][1:].upper()} hợp lệ (hỏng, hoặc có nội "
            "dung khác ghép vào)",
            code="bad_image",
        )
    return kind, 1


def check_upload_file(name: str, f: IO[bytes], size: int) -> CheckedFile:
    """``check_upload`` for a file on disk (an upload streamed to a temporary file): the same
    checks, the SHA-256 computed in chunks; the result keeps the open file, not its bytes."""
    clean = _clean_name(name)
    kind, pages = _check_content(clean, f, size)
    digest = hashlib.sha256()
    f.seek(0)
    read = 0
    while part := f.read(CHUNK):
        digest.update(part)
        read += len(part)
        if read > MAX_BYTES:
            raise ValidationFailed(
                f"Tệp {clean} vượt quá {MAX_BYTES // (1024 * 1024)} MB", code="file_too_large"
            )
    f.seek(0)
    return CheckedFile(
        _named(clean, kind), b"", kind, digest.hexdigest(), pages, source=f, length=read
    )


def check_upload(name: str, data: bytes) -> CheckedFile:
    """Refuse empty, oversized, and non PDF/JPEG/PNG files (type and structure read from the
    bytes); count PDF pages."""
    clean = _clean_name(name)
    kind, pages = _check_content(clean, io.BytesIO(data), len(data))
    return CheckedFile(_named(clean, kind), data, kind, hashlib.sha256(data).hexdigest(), pages)


def check_file(name: str, upload: IO[bytes] | Any) -> CheckedFile:
    """``check_upload_file`` for any open upload (a Django UploadedFile, in memory or on disk,
    or a plain binary stream): never the whole file into memory. The size is the upload's own
    when it states one; otherwise it is counted in chunks, stopping at the limit (a stream that
    never ends is refused after MAX_BYTES, not read to its end)."""
    stream: Any = upload
    size = getattr(upload, "size", None)
    if not isinstance(size, int):
        stream.seek(0)
        size = 0
        while part := stream.read(CHUNK):
            size += len(part)
            if size > MAX_BYTES:
                raise ValidationFailed(
                    f"Tệp {_clean_name(name)} vượt quá {MAX_BYTES // (1024 * 1024)} MB",
                    code="file_too_large",
                )
    stream.seek(0)
    return check_upload_file(name, stream, size)
