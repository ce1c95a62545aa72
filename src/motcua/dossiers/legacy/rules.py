"""The rules of a legacy dossier file (``motcua import-dossiers``): the columns, the check of
one row, the dossier code rule. Each row is checked on its own as it streams by (``read``);
what needs the whole file or the database (duplicates, codes already stored) is checked in SQL
on the staging table (``stage.py``).

Hostile values are refused the same way on SQLite and PostgreSQL, before the database sees
them: text longer than its column, control characters (NUL included), dates outside 1990–2100,
amounts that are not plain 0-9 digits or do not fit a 64-bit integer. Dossier codes follow one
rule (``code_problem``): every code it accepts can be addressed by the dossier page URL,
``123/HS-UBND`` included (docs/report-format.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from motcua.catalog.models import Procedure
from motcua.core.errors import ImportFailed
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.units.models import Agency, Level

HEADER = (
    "code",
    "procedure_code",
    "agency_code",
    "level",
    "channel",
    "received_at",
    "due_at",
    "status",
    "finished_at",
    "digitized",
    "electronic_result",
    "online_payment_vnd",
)
LEVELS = {"province": Level.PROVINCE, "district": Level.DISTRICT, "commune": Level.COMMUNE}
CHANNELS = {"online": Channel.ONLINE, "counter": Channel.COUNTER, "postal": Channel.POSTAL}
STATUSES = {
    "processing": Status.IN_PROGRESS,
    "resolved": Status.RESOLVED,
    "withdrawn": Status.WITHDRAWN,
    "returned": Status.RETURNED,
}
MAX_SHOWN = 50
CHUNK = 20_000
YEARS = (1990, 2100)
AMOUNT_MAX = 2**63 - 1  # BigIntegerField
LENGTHS = {
    "code": Dossier._meta.get_field("code").max_length,
    "procedure_code": Procedure._meta.get_field("code").max_length,
    "agency_code": Agency._meta.get_field("code").max_length,
}
_ASCII_DIGITS = re.compile(r"[0-9]+")
# the staff URLs that share the ``ho-so/`` prefix with the dossier page (backoffice/urls.py)
_SHADOWED = re.compile(r"[0-9]+/(thao-tac|mau)/")


@dataclass(slots=True)
class Row:
    line: int
    code: str
    procedure: str
    agency: str
    level: int
    channel: str
    received: dt.datetime
    due: dt.datetime
    status: str
    finished: dt.datetime | None
    digitized: bool
    electronic: bool
    paid: int


@dataclass
class Problems:
    shown: list[tuple[int, str]] = field(default_factory=list)
    count: int = 0

    def add(self, line: int, reason: str) -> None:
        self.count += 1
        if len(self.shown) < MAX_SHOWN:
            self.shown.append((line, reason))


def _show(value: str) -> str:
    """A value as quoted in a message: at most 40 characters, control characters escaped."""
    shown = "".join(
        f"\\x{ord(ch):02x}" if unicodedata.category(ch)[0] == "C" else ch for ch in value[:40]
    )
    return shown if len(value) <= 40 else shown + "…"


def _joined_by_t(value: str) -> bool:
    """ISO 8601 joins the date and the time with "T" (RFC 3339 allows "t" and a space); Python's
    fromisoformat takes any character there ("2022-03-01X09:00")."""
    at = 10 if value[4:5] == "-" else 8  # after YYYY-MM-DD (extended) or YYYYMMDD (basic)
    return len(value) <= at or value[at] in "Tt "


def _instant(value: str, column: str) -> dt.datetime:
    try:
        if not value.isascii() or not _joined_by_t(value):
            raise ValueError
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        if "range" in str(exc) or "must be in" in str(exc):  # written right, never was
            raise ValueError(
                f"{column}: '{_show(value)}' không có thật (ngày, tháng hoặc giờ ngoài phạm vi)"
            ) from None
        raise ValueError(f"{column}: '{_show(value)}' không phải ISO 8601 (chữ số 0-9)") from None
    if moment.tzinfo is None:
        raise ValueError(f"{column}: '{value}' thiếu múi giờ")
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise ValueError(f"{column}: '{value}' ngoài khoảng năm {YEARS[0]}–{YEARS[1]}")
    return moment


def _amount(value: str, column: str) -> int:
    if not _ASCII_DIGITS.fullmatch(value):
        raise ValueError(
            f"{column}: '{_show(value)}' phải là số nguyên không âm, chỉ gồm chữ số 0-9"
        )
    digits = value.lstrip("0") or "0"  # zeros in front add nothing: 000…807 is the maximum
    if len(digits) > 19 or int(digits) > AMOUNT_MAX:
        raise ValueError(f"{column}: '{_show(value)}' vượt quá {AMOUNT_MAX}")
    return int(digits)


_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _has_control(value: str) -> bool:
    """Control, format, private-use or unassigned characters (Unicode category C). Most cells are
    ASCII (codes, dates, flags): those take one C-level regex search instead of a look-up per
    character, which keeps a million-row check fast."""
    if value.isascii():
        return _ASCII_CONTROL.search(value) is not None
    return any(unicodedata.category(ch)[0] == "C" for ch in value)


def _nfc(value: str) -> str:
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def code_problem(code: str) -> str | None:
    """Why ``code`` cannot be a dossier code, or None. The one rule (docs/report-format.md):

    at most 60 characters; no white space, control or invisible characters; not only digits
    (a number in the dossier URL is the dossier's id); "/" only between non-empty parts, none
    of them "." or ".."; not starting "<number>/thao-tac/" or "<number>/mau/" (the URLs of
    actions and printed forms). Every code this accepts is reachable at ``ho-so/<code>/``.
    """
    if len(code) > LENGTHS["code"]:
        return f"mã hồ sơ dài {len(code)} ký tự, tối đa {LENGTHS['code']} ký tự"
    if _has_control(code):
        return "mã hồ sơ chứa ký tự điều khiển hoặc ký tự ẩn"
    if any(ch.isspace() for ch in code):
        return "mã hồ sơ chứa khoảng trắng"
    if code.isdigit():
        return "mã hồ sơ chỉ gồm chữ số (trùng dạng với số thứ tự hồ sơ trong địa chỉ trang)"
    if any(part in ("", ".", "..") for part in code.split("/")):
        return "dấu / trong mã hồ sơ chỉ được nằm giữa hai phần khác rỗng, khác '.' và '..'"
    if _SHADOWED.match(code):
        return "mã hồ sơ dạng 'số/thao-tac/…' hoặc 'số/mau/…' trùng địa chỉ thao tác, mẫu in"
    return None


def _flag(value: str, column: str) -> bool:
    if value == "1":
        return True
    if value == "0":
        return False
    raise ValueError(f"{column}: '{_show(value)}' phải là 0 hoặc 1")


def _check_cells(v: list[str]) -> None:
    """The per-column checks of a row whose cells are not all plain ASCII (the old, exact path:
    a Unicode category look-up per character)."""
    for column, value in zip(HEADER, v, strict=True):
        if _has_control(value) and column != "code":
            raise ValueError(f"{column}: chứa ký tự điều khiển (NUL, xuống dòng, …)")
        limit = LENGTHS.get(column)
        if limit is not None and len(value) > limit:
            raise ValueError(f"{column}: dài {len(value)} ký tự, tối đa {limit} ký tự")


_LIMITS = tuple((HEADER.index(c), c, n) for c, n in LENGTHS.items())


def check_row(line: int, values: list[str], index: list[int]) -> Row:
    """One record (cells in file order, ``index`` maps HEADER to them) → a checked Row, or
    ValueError with the reason. A row of plain ASCII without control characters (nearly every
    row) takes one regex search instead of the per-character look-ups; both paths give the same
    answer (tests/reports/test_import_streaming.py)."""
    joined = "".join(values)
    plain = joined.isascii() and _ASCII_CONTROL.search(joined) is None
    if plain:
        v = [values[i] for i in index] if " " not in joined else [values[i].strip() for i in index]
        for i, column, limit in _LIMITS:
            if len(v[i]) > limit:
                raise ValueError(f"{column}: dài {len(v[i])} ký tự, tối đa {limit} ký tự")
    else:
        v = [_nfc(values[i].strip()) for i in index]
        _check_cells(v)
    code, proc, agency, level, channel, rec, due, status, fin, dig, ele, paid = v
    if not code or not proc or not agency:
        raise ValueError("thiếu code, procedure_code hoặc agency_code")
    why = _plain_code_problem(code) if plain else code_problem(code)
    if why is not None:
        raise ValueError(f"code: {why}")
    if "/" in agency or (" " in agency if plain else any(ch.isspace() for ch in agency)):
        # an imported agency may become a desk, whose code starts its dossiers' codes
        raise ValueError("agency_code: không được chứa dấu / hoặc khoảng trắng")
    if level not in LEVELS:
        raise ValueError(f"level: '{_show(level)}' không thuộc province, district, commune")
    if channel not in CHANNELS:
        raise ValueError(f"channel: '{_show(channel)}' không thuộc online, counter, postal")
    if status not in STATUSES:
        raise ValueError(
            f"status: '{_show(status)}' không thuộc processing, resolved, withdrawn, returned"
        )
    received = _instant(rec, "received_at")
    due_at = _instant(due, "due_at")
    if due_at < received:
        raise ValueError("due_at trước received_at")
    finished = _instant(fin, "finished_at") if fin else None
    if (finished is None) != (status == "processing"):
        raise ValueError("finished_at phải để trống khi và chỉ khi status là processing")
    if finished is not None and finished < received:
        raise ValueError("finished_at trước received_at")
    return Row(
        line,
        code,
        proc,
        agency,
        LEVELS[level],
        CHANNELS[channel],
        received,
        due_at,
        STATUSES[status],
        finished,
        _flag(dig, "digitized"),
        _flag(ele, "electronic_result"),
        _amount(paid, "online_payment_vnd"),
    )


_SLASHES = "dấu / trong mã hồ sơ chỉ được nằm giữa hai phần khác rỗng, khác '.' và '..'"


def _plain_code_problem(code: str) -> str | None:
    """``code_problem`` for a code already known to be ASCII without control characters and
    within its length (the only white space left to look for is the space)."""
    if " " in code:
        return "mã hồ sơ chứa khoảng trắng"
    if code.isdigit():
        return "mã hồ sơ chỉ gồm chữ số (trùng dạng với số thứ tự hồ sơ trong địa chỉ trang)"
    if "/" not in code:
        return _SLASHES if code in (".", "..") else None
    if any(part in ("", ".", "..") for part in code.split("/")):
        return "dấu / trong mã hồ sơ chỉ được nằm giữa hai phần khác rỗng, khác '.' và '..'"
    if _SHADOWED.match(code):
        return "mã hồ sơ dạng 'số/thao-tac/…' hoặc 'số/mau/…' trùng địa chỉ thao tác, mẫu in"
    return None


_LONE_CR = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


class Source:
    """The file as lines of text, read in a stream: UTF-8 checked line by line (a bad byte is
    reported with its line, as a whole-file decode would), the SHA-256 of the bytes, and the
    bytes read so far for the progress bar. Lines end where ``io.StringIO(newline="")`` ends
    them (\\n, \\r\\n or a lone \\r), so line numbers are those of the csv module."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.done = 0  # bytes read
        self.lines = 0  # physical lines read
        self.sha = hashlib.sha256()

    def __iter__(self) -> Iterator[str]:
        first = True
        for raw in self.fh:
            start = self.done
            self.done += len(raw)
            self.lines += 1
            self.sha.update(raw)
            skip = 3 if first and raw.startswith(b"\xef\xbb\xbf") else 0
            first = False
            try:
                text = raw[skip:].decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ImportFailed(
                    "Tệp không phải UTF-8 (byte lỗi ở vị trí "
                    f"{start + skip + exc.start}, dòng {self.lines})",
                    code="bad_encoding",
                    details=[(self.lines, "byte không hợp lệ trong UTF-8")],
                ) from None
            cr = text.find("\r")
            if cr == -1 or (cr == len(text) - 2 and text.endswith("\r\n")):
                yield text
            else:  # lone carriage returns end lines too
                parts = [p for p in _LONE_CR.findall(text) if p]
                self.lines += len(parts) - 1
                yield from parts

    def drain(self) -> None:
        """Read the rest, so that a bad byte after the point where checking stopped is still
        reported as the file's encoding error (the whole file is UTF-8 or it is refused)."""
        for _ in self:
            pass


def _records(reader: Any, problems: Problems) -> Iterator[list[str]]:
    """The CSV records; a record the csv module cannot read ends the check at its line."""
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = (
                f"có ô dài quá {csv.field_size_limit()} ký tự"
                if "field limit" in str(exc)
                else f"dòng CSV hỏng ({exc})"
            )
            problems.add(reader.line_num, reason + "; các dòng sau không được kiểm tra")
            return
        yield values


def read(source: Source, problems: Problems) -> Iterator[Row]:
    """The checked rows of a file, one at a time; bad rows go to ``problems``. Duplicates are
    not looked for here (that needs the whole file: the staging table does it in SQL)."""
    reader = csv.reader(source)
    try:
        header = next(reader, None)
    except csv.Error:
        header = ["?"]
    if header is None:
        raise ImportFailed("Tệp rỗng", code="empty_file")
    cols = [h.strip() for h in header]
    if sorted(cols) != sorted(HEADER) or len(cols) != len(HEADER):
        source.drain()
        missing = [c for c in HEADER if c not in cols]
        extra = [_show(c) for c in cols if c not in HEADER]
        raise ImportFailed(
            "Dòng tiêu đề sai tập cột"
            + (f"; thiếu: {', '.join(missing)}" if missing else "")
            + (f"; thừa: {', '.join(extra)}" if extra else ""),
            code="bad_header",
            details=[(1, "dòng tiêu đề sai tập cột")],
        )
    index = [cols.index(c) for c in HEADER]
    width = len(HEADER)
    # a row is known by the line it starts on: a quoted cell may run over several lines, and
    # the csv module's line_num is the last of them
    last = reader.line_num
    for values in _records(reader, problems):
        line, last = last + 1, reader.line_num
        if len(values) != width:
            if not values or (len(values) == 1 and not values[0].strip()):
                continue
            problems.add(line, f"có {len(values)} ô, cần {width}")
            continue
        try:
            yield check_row(line, values, index)
        except ValueError as exc:
            problems.add(line, str(exc))
    source.drain()
