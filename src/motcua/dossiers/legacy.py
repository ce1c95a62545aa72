"""Import of historical dossiers from a legacy one-stop system (``motcua import-dossiers``).

One CSV row a dossier, header::

    code,procedure_code,agency_code,level,channel,received_at,due_at,status,finished_at,
    digitized,electronic_result,online_payment_vnd

All or nothing: the whole file is checked first; any bad row (listed with its line number, the
first 50) and nothing is written. Unknown agencies and procedures are created as "imported, needs
review" records. Rows are written with one bulk statement per chunk (COPY on PostgreSQL), so a
million rows import in well under two minutes (BENCHMARKS.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
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


def _instant(value: str, column: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{column}: '{value}' không phải ISO 8601") from None
    if moment.tzinfo is None:
        raise ValueError(f"{column}: '{value}' thiếu múi giờ")
    return moment


def _flag(value: str, column: str) -> bool:
    if value == "1":
        return True
    if value == "0":
        return False
    raise ValueError(f"{column}: '{value}' phải là 0 hoặc 1")


def _rows(stream: IO[str], problems: Problems) -> Iterator[Row]:
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None:
        raise ImportFailed("Tệp rỗng", code="empty_file")
    cols = [h.strip() for h in header]
    if sorted(cols) != sorted(HEADER) or len(cols) != len(HEADER):
        missing = [c for c in HEADER if c not in cols]
        extra = [c for c in cols if c not in HEADER]
        raise ImportFailed(
            "Dòng tiêu đề sai tập cột"
            + (f"; thiếu: {', '.join(missing)}" if missing else "")
            + (f"; thừa: {', '.join(extra)}" if extra else ""),
            code="bad_header",
            details=[(1, "dòng tiêu đề sai tập cột")],
        )
    index = [cols.index(c) for c in HEADER]
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        if len(values) != len(HEADER):
            problems.add(line, f"có {len(values)} ô, cần {len(HEADER)}")
            continue
        v = [values[i].strip() for i in index]
        try:
            code, proc, agency, level, channel, rec, due, status, fin, dig, ele, paid = v
            if not code or not proc or not agency:
                raise ValueError("thiếu code, procedure_code hoặc agency_code")
            if level not in LEVELS:
                raise ValueError(f"level: '{level}' không thuộc province, district, commune")
            if channel not in CHANNELS:
                raise ValueError(f"channel: '{channel}' không thuộc online, counter, postal")
            if status not in STATUSES:
                raise ValueError(
                    f"status: '{status}' không thuộc processing, resolved, withdrawn, returned"
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
            if not paid.isdigit():
                raise ValueError(f"online_payment_vnd: '{paid}' phải là số nguyên không âm")
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
                int(paid),
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
        raise ImportFailed(
            f"Tệp không phải UTF-8 (byte lỗi ở vị trí {exc.start})", code="bad_encoding"
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
    return write_rows(rows, actor=actor, source=Path(path).name)


def write_rows(rows: list[Row], *, actor: Any = None, source: str = "") -> dict[str, Any]:
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
            after=summary,
        )
    return summary


def summary_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary, ensure_ascii=False, sort_keys=True)
