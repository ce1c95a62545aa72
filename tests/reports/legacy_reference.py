"""REFERENCE ONLY (tests): the import as it was before it streamed (commit f81b6ce), with the one
fix it needed (``form_data``, NOT NULL since migration 0008). The streaming import must derive
exactly what this derives (tests/reports/test_import_streaming.py).

Import of historical dossiers from a legacy one-stop system (``motcua import-dossiers``).

One CSV row a dossier, header::

    code,procedure_code,agency_code,level,channel,received_at,due_at,status,finished_at,
    digitized,electronic_result,online_payment_vnd

All or nothing: the whole file is checked first; any bad row (listed with its line number, the
first 50) and nothing is written. Hostile values are refused the same way on SQLite and
PostgreSQL, before the database sees them: text longer than its column, control characters
(NUL included), dates outside 1990–2100, amounts that are not plain 0-9 digits or do not fit a
64-bit integer. Dossier codes follow one rule (``code_problem``): every code it accepts can be
addressed by the dossier page URL, ``123/HS-UBND`` included (docs/report-format.md).
Unknown agencies and procedures are created as "imported, needs review" records. Rows are
written with one bulk statement per chunk (COPY on PostgreSQL), so a million rows import in well
under two minutes (BENCHMARKS.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.catalog.models import Field, Procedure, ProcedureStatus
from motcua.core.errors import ImportFailed
from motcua.core.text import fold
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.units.models import AdministrativeUnit, Agency, Level
from motcua.worktime import core as wt
from motcua.worktime.calendars import calendar_get

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


@dataclass
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
    if len(value) > 19 or int(value) > AMOUNT_MAX:
        raise ValueError(f"{column}: '{_show(value)}' vượt quá {AMOUNT_MAX}")
    return int(value)


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


def _rows(stream: IO[str], problems: Problems) -> Iterator[Row]:
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
    except csv.Error:
        header = ["?"]
    if header is None:
        raise ImportFailed("Tệp rỗng", code="empty_file")
    cols = [h.strip() for h in header]
    if sorted(cols) != sorted(HEADER) or len(cols) != len(HEADER):
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
    seen: dict[str, int] = {}
    last = reader.line_num  # a row is known by the line it starts on
    for values in _records(reader, problems):
        line, last = last + 1, reader.line_num
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        if len(values) != len(HEADER):
            problems.add(line, f"có {len(values)} ô, cần {len(HEADER)}")
            continue
        v = [_nfc(values[i].strip()) for i in index]
        try:
            for column, value in zip(HEADER, v, strict=True):
                if _has_control(value) and column != "code":
                    raise ValueError(f"{column}: chứa ký tự điều khiển (NUL, xuống dòng, …)")
                limit = LENGTHS.get(column)
                if limit is not None and len(value) > limit:
                    raise ValueError(f"{column}: dài {len(value)} ký tự, tối đa {limit} ký tự")
            code, proc, agency, level, channel, rec, due, status, fin, dig, ele, paid = v
            if not code or not proc or not agency:
                raise ValueError("thiếu code, procedure_code hoặc agency_code")
            why = code_problem(code)
            if why is not None:
                raise ValueError(f"code: {why}")
            if "/" in agency or any(ch.isspace() for ch in agency):
                # an imported agency may become a desk, whose code starts its dossiers' codes
                raise ValueError("agency_code: không được chứa dấu / hoặc khoảng trắng")
            if level not in LEVELS:
                raise ValueError(f"level: '{_show(level)}' không thuộc province, district, commune")
            if channel not in CHANNELS:
                raise ValueError(f"channel: '{_show(channel)}' không thuộc online, counter, postal")
            if status not in STATUSES:
                raise ValueError(
                    f"status: '{_show(status)}' không thuộc processing, resolved, withdrawn,"
                    " returned"
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
            row = Row(
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
        except ValueError as exc:
            problems.add(line, str(exc))
            continue
        if code in seen:
            problems.add(line, f"mã hồ sơ {code} trùng với dòng {seen[code]}")
            continue
        seen[code] = line
        yield row


def parse(data: bytes) -> tuple[list[Row], Problems]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            f"Tệp không phải UTF-8 (byte lỗi ở vị trí {exc.start}, dòng {line})",
            code="bad_encoding",
            details=[(line, "byte không hợp lệ trong UTF-8")],
        ) from None
    problems = Problems()
    rows = list(_rows(io.StringIO(text, newline=""), problems))
    return rows, problems


def _existing_codes(codes: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(codes), 5000):
        found.update(
            Dossier.objects.filter(code__in=codes[i : i + 5000]).values_list("code", flat=True)
        )
    return found


def _agencies(rows: list[Row]) -> tuple[dict[str, int], int]:
    wanted = {r.agency: r.level for r in rows}
    known = dict(Agency.objects.filter(code__in=list(wanted)).values_list("code", "pk"))
    created = 0
    home = (
        AdministrativeUnit.objects.filter(level=Level.PROVINCE, calendar__isnull=False).first()
        or AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("pk").first()
    )
    for code, level in wanted.items():
        if code in known:
            continue
        if home is None:
            raise ImportFailed("Chưa có đơn vị hành chính nào để gắn cơ quan mới", code="no_units")
        agency = Agency(
            code=code,
            name=f"Cơ quan {code} (dữ liệu chuyển đổi)",
            kind="so_nganh",
            level=level,
            unit=home,
            receives_dossiers=True,
            needs_review=True,
        )
        agency.save()
        known[code] = agency.pk
        created += 1
    return known, created


def _procedures(rows: list[Row]) -> tuple[dict[str, int], int]:
    wanted = {r.procedure: r.level for r in rows}
    # ordered by version, so the latest version of each code wins
    known: dict[str, int] = dict(
        Procedure.objects.filter(code__in=list(wanted))
        .order_by("code", "version")
        .values_list("code", "pk")
    )
    missing = [c for c in wanted if c not in known]
    if missing:
        fld, _ = Field.objects.get_or_create(
            code="CHUA-PHAN-LOAI", defaults={"name": "Chưa phân loại (dữ liệu chuyển đổi)"}
        )
        for code in missing:
            level = wanted[code]
            p = Procedure(
                code=code,
                name=f"Thủ tục {code} (dữ liệu chuyển đổi, cần rà soát)",
                field=fld,
                level=level,
                at_province=level == Level.PROVINCE,
                at_district=level == Level.DISTRICT,
                at_commune=level == Level.COMMUNE,
                time_limit_days=Decimal(1),
                status=ProcedureStatus.DRAFT,
                needs_review=True,
            )
            p.save()
            known[code] = p.pk
    return known, len(missing)


COLUMNS = (
    "code",
    "procedure_id",
    "applicant_id",
    "applicant_name",
    "applicant_id_number",
    "proxy_name",
    "proxy_id_number",
    "request",
    "channel",
    "receiving_agency_id",
    "processing_agency_id",
    "status",
    "sets",
    "received_at",
    "handed_over_at",
    "clock_started_at",
    "due_at",
    "appointment_at",
    "pauses",
    "form_data",
    "finished_at",
    "return_method",
    "result_place",
    "online_payment_vnd",
    "level",
    "digitized",
    "electronic_result",
    "working_seconds",
    "imported",
    "version",
    "created_at",
    "search_text",
)


def _write(rows: list[Row], agencies: dict[str, int], procedures: dict[str, int]) -> None:
    table = Dossier._meta.db_table
    ops = connection.ops
    cal = calendar_get()
    now = timezone.now()
    vendor = connection.vendor
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        rec = np.array([int(r.received.timestamp()) for r in chunk], dtype=np.int64)
        end = np.array([int((r.finished or r.received).timestamp()) for r in chunk], dtype=np.int64)
        try:
            work = wt.elapsed_batch(cal, rec, end).tolist()
        except wt.WorktimeError:
            work = [None] * len(chunk)
        values = []
        for r, w in zip(chunk, work, strict=True):
            agency = agencies[r.agency]
            values.append(
                (
                    r.code,
                    procedures[r.procedure],
                    None,
                    "",
                    "",
                    "",
                    "",
                    "",
                    r.channel,
                    agency,
                    agency,
                    r.status,
                    1,
                    r.received,
                    r.received,
                    r.received,
                    r.due,
                    r.due,
                    "[]",
                    "{}",
                    r.finished,
                    "",
                    "",
                    r.paid,
                    r.level,
                    r.digitized,
                    r.electronic,
                    w if r.finished is not None else None,
                    True,
                    0,
                    now,
                    fold(r.code),
                )
            )
        if vendor == "postgresql":
            raw = connection.cursor().cursor
            cols = ", ".join(COLUMNS)
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in values:
                    copy.write_row(row)
        else:
            adapted = [
                tuple(
                    ops.adapt_datetimefield_value(x) if isinstance(x, dt.datetime) else x
                    for x in row
                )
                for row in values
            ]
            marks = ", ".join(["%s"] * len(COLUMNS))
            with connection.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})",  # noqa: S608
                    adapted,
                )


def import_dossiers(path: Path | str, *, actor: Any = None) -> dict[str, Any]:
    """Check the whole file, then write it in one transaction. Raises ImportFailed."""
    data = Path(path).read_bytes()
    rows, problems = parse(data)
    if rows:
        existing = _existing_codes([r.code for r in rows])
        for r in rows:
            if r.code in existing:
                problems.add(r.line, f"mã hồ sơ {r.code} đã có trong cơ sở dữ liệu")
    if problems.count:
        problems.shown.sort()
        raise ImportFailed(
            f"{problems.count} dòng lỗi; không có dữ liệu nào được ghi",
            code="bad_rows",
            details=problems.shown,
        )
    if not rows:
        raise ImportFailed("Tệp không có dòng dữ liệu nào", code="empty_file")
    return write_rows(
        rows, actor=actor, source=Path(path).name, digest=hashlib.sha256(data).hexdigest()
    )


def write_rows(
    rows: list[Row], *, actor: Any = None, source: str = "", digest: str = ""
) -> dict[str, Any]:
    """Write checked rows in one transaction (also used by the demo's history generator)."""
    with transaction.atomic():
        agencies, new_agencies = _agencies(rows)
        procedures, new_procedures = _procedures(rows)
        _write(rows, agencies, procedures)
        summary = {
            "rows": len(rows),
            "agencies_created": new_agencies,
            "procedures_created": new_procedures,
            "by_status": {s: sum(1 for r in rows if r.status == s) for s in STATUSES.values()},
        }
        audit_record(
            actor=actor,
            action="dossiers.import",
            object_type="Dossier",
            object_id=source or "-",
            # one entry per import batch (issue 9): the file's SHA-256 binds its content
            after={**summary, "sha256": digest} if digest else summary,
        )
    return summary


def summary_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary, ensure_ascii=False, sort_keys=True)
