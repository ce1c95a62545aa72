"""The catalog's file format (CSV and XLSX share one column layout; docs/catalog-format.md).

Parsing is strict and total: every bad row is reported with its line number, and nothing is
written unless the whole file is good (the write itself is ``services.catalog_import_specs``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from motcua.catalog.models import OnlineService, ProcedureStatus, ResultKind, StepRole
from motcua.catalog.services import (
    LEGACY_LEVEL_TO_ONLINE,
    DocumentSpec,
    FeeSpec,
    ProcedureSpec,
    StepSpec,
    procedure_spec_errors,
)
from motcua.core.errors import ImportFailed
from motcua.core.sheets import csv_value, csv_value_read, text_only
from motcua.core.text import nfc
from motcua.units.models import Level

COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "field_code",
    "field_name",
    "level",
    "also_at",
    "agency_code",
    "agency_text",
    "local_code",
    "time_limit_days",
    "result",
    "result_kind",
    "online_service",
    "legacy_online_level",
    "inter_level",
    "vertical",
    "pause_on_supplement",
    "legal_basis",
    "status",
    "valid_from",
    "valid_to",
    "decision",
    "documents",
    "fees",
    "steps",
    "prepayment",
    "national_portal",
)
REQUIRED = ("code", "name", "field_code", "level", "time_limit_days", "steps")

LEVEL_WORDS = {
    "tinh": Level.PROVINCE,
    "province": Level.PROVINCE,
    "1": Level.PROVINCE,
    "huyen": Level.DISTRICT,
    "district": Level.DISTRICT,
    "2": Level.DISTRICT,
    "xa": Level.COMMUNE,
    "commune": Level.COMMUNE,
    "3": Level.COMMUNE,
}
LEVEL_NAMES = {Level.PROVINCE: "tinh", Level.DISTRICT: "huyen", Level.COMMUNE: "xa"}
TRUE_WORDS = {"1", "true", "co", "có", "x", "yes"}
FALSE_WORDS = {"0", "false", "khong", "không", "", "no"}
MAX_ROWS = 200_000
MAX_ERRORS = 50


@dataclass
class ParsedRow:
    line: int
    spec: ProcedureSpec


class RowError(ValueError):
    pass


def _bool(value: str, column: str) -> bool:
    v = value.strip().lower()
    if v in TRUE_WORDS:
        return True
    if v in FALSE_WORDS:
        return False
    raise RowError(f"cột {column}: giá trị '{value}' không phải 0/1")


def _decimal(value: str, column: str) -> Decimal:
    try:
        d = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        raise RowError(f"cột {column}: '{value}' không phải số") from None
    if not d.is_finite():
        raise RowError(f"cột {column}: '{value}' không phải số")
    return d


def _int(value: str, column: str) -> int:
    text = value.strip().replace(".", "").replace(" ", "")
    digits = text.lstrip("-")
    # 0-9 only ("²".isdigit() is true but int("²") fails); int refuses over 4,300 digits
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 18):
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise RowError(f"cột {column}: '{shown}' không phải số nguyên")
    return int(text)


def _date(value: str, column: str) -> dt.date | None:
    v = value.strip()
    if not v:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(v, fmt).date()  # noqa: DTZ007 - a date, no time part
        except ValueError:
            continue
    raise RowError(f"cột {column}: ngày '{value}' không hợp lệ (cần YYYY-MM-DD hoặc dd/mm/yyyy)")


def _level(value: str, column: str) -> int:
    v = value.strip().lower()
    if v not in LEVEL_WORDS:
        raise RowError(f"cột {column}: cấp '{value}' không hợp lệ (tinh, huyen hoặc xa)")
    return LEVEL_WORDS[v]


def _choice(value: str, column: str, allowed: Iterable[str], default: str) -> str:
    v = value.strip() or default
    if v and v not in allowed:
        raise RowError(f"cột {column}: '{value}' không thuộc {', '.join(allowed)}")
    return v


def _items(cell: str) -> Iterator[list[str]]:
    for line in cell.replace("\r\n", "\n").split("\n"):
        if line.strip():
            yield [part.strip() for part in line.split("|")]


def _documents(cell: str) -> list[DocumentSpec]:
    out = []
    for parts in _items(cell):
        if len(parts) not in (1, 3, 4):
            raise RowError(
                "cột documents: mỗi dòng dạng 'Tên giấy tờ | số bản chính | số bản sao "
                "[| không bắt buộc]'"
            )
        originals = _int(parts[1], "documents") if len(parts) > 1 else 1
        copies = _int(parts[2], "documents") if len(parts) > 2 else 0
        mandatory = len(parts) < 4 or nfc(parts[3]).lower() not in {
            "không bắt buộc",
            "tuy chon",
            "tùy chọn",
            "0",
        }
        out.append(DocumentSpec(nfc(parts[0]), originals, copies, mandatory))
    return out


def _fees(cell: str) -> list[FeeSpec]:
    out = []
    for parts in _items(cell):
        if len(parts) != 2:
            raise RowError("cột fees: mỗi dòng dạng 'Tên khoản phí | số tiền (đồng)'")
        out.append(FeeSpec(nfc(parts[0]), _int(parts[1], "fees")))
    return out


def _steps(cell: str) -> list[StepSpec]:
    out = []
    for parts in _items(cell):
        if not 3 <= len(parts) <= 5:
            raise RowError(
                "cột steps: mỗi dòng dạng 'Tên bước | vai trò | số ngày [| mã cơ quan [| cấp]]'"
            )
        role = _choice(parts[1], "steps (vai trò)", StepRole.values, "")
        level = _level(parts[4], "steps (cấp)") if len(parts) > 4 and parts[4] else None
        out.append(
            StepSpec(
                nfc(parts[0]),
                role,
                _decimal(parts[2], "steps (số ngày)"),
                parts[3] if len(parts) > 3 else "",
                level,
            )
        )
    return out


def row_to_spec(row: dict[str, str]) -> ProcedureSpec:
    g = row.get
    legacy = g("legacy_online_level", "").strip()
    legacy_level = _int(legacy, "legacy_online_level") if legacy else None
    online = _choice(g("online_service", ""), "online_service", OnlineService.values, "")
    if not online:
        # an old catalog that only knows Decree 43/2011 levels: map them (services docstring)
        online = LEGACY_LEVEL_TO_ONLINE.get(legacy_level or 0, OnlineService.NONE)
    also = [p for p in g("also_at", "").replace(";", ",").split(",") if p.strip()]
    return ProcedureSpec(
        code=nfc(g("code", "")),
        name=nfc(g("name", "")),
        field_code=nfc(g("field_code", "")),
        field_name=nfc(g("field_name", "")),
        level=_level(g("level", ""), "level"),
        also_at=tuple(_level(a, "also_at") for a in also),
        agency_code=g("agency_code", "").strip(),
        agency_text=g("agency_text", ""),
        local_code=g("local_code", "").strip(),
        time_limit_days=_decimal(g("time_limit_days", ""), "time_limit_days"),
        result=g("result", ""),
        result_kind=_choice(
            g("result_kind", ""), "result_kind", ResultKind.values, ResultKind.PAPER
        ),
        online_service=online,
        legacy_online_level=legacy_level,
        is_inter_level=_bool(g("inter_level", ""), "inter_level"),
        is_vertical=_bool(g("vertical", ""), "vertical"),
        pause_on_supplement=_bool(g("pause_on_supplement", ""), "pause_on_supplement"),
        prepayment=_bool(g("prepayment", ""), "prepayment"),
        national_portal=_bool(g("national_portal", ""), "national_portal"),
        legal_basis=g("legal_basis", ""),
        status=_choice(
            g("status", ""), "status", ProcedureStatus.values, ProcedureStatus.PUBLISHED
        ),
        valid_from=_date(g("valid_from", ""), "valid_from"),
        valid_to=_date(g("valid_to", ""), "valid_to"),
        decision=g("decision", ""),
        documents=_documents(g("documents", "")),
        fees=_fees(g("fees", "")),
        steps=_steps(g("steps", "")),
    )


def read_rows(path: Path | str, data: bytes | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a .csv or .xlsx file; header problems raise ImportFailed."""
    name = str(path)
    raw = data if data is not None else Path(path).read_bytes()
    if name.lower().endswith(".xlsx"):
        yield from _read_xlsx(raw)
    elif name.lower().endswith(".csv"):
        yield from _read_csv(raw)
    else:
        raise ImportFailed("Chỉ nhận tệp .csv hoặc .xlsx", code="bad_file_type")


def _check_header(header: list[str]) -> list[str]:
    cols = [nfc(str(h or "")).lower() for h in header]
    problems = []
    unknown = [c for c in cols if c and c not in COLUMNS]
    missing = [c for c in REQUIRED if c not in cols]
    dup = sorted({c for c in cols if c and cols.count(c) > 1})
    if unknown:
        problems.append(f"cột không xác định: {', '.join(unknown)}")
    if missing:
        problems.append(f"thiếu cột bắt buộc: {', '.join(missing)}")
    if dup:
        problems.append(f"cột lặp lại: {', '.join(dup)}")
    if problems:
        raise ImportFailed(
            "Dòng tiêu đề không đúng mẫu: " + "; ".join(problems),
            code="bad_header",
            details=[(1, p) for p in problems],
        )
    return cols


def _read_csv(raw: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"Tệp CSV không phải UTF-8 (byte lỗi ở vị trí {exc.start})", code="bad_encoding"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise ImportFailed("Tệp rỗng", code="empty_file")
    cols = _check_header(header)
    end_of_previous = reader.line_num
    for row in reader:
        # a record can span lines (multi-line cells): report the line it starts on
        line, end_of_previous = end_of_previous + 1, reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(cols):
            yield line, {"__error__": f"có {len(row)} ô, tiêu đề có {len(cols)} cột"}
            continue
        yield (
            line,
            {
                c: csv_value_read(nfc(v) if "\n" not in v else v)
                for c, v in zip(cols, row, strict=True)
            },
        )


def _read_xlsx(raw: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise ImportFailed("Không đọc được tệp XLSX", code="bad_xlsx") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ImportFailed("Tệp rỗng", code="empty_file")
    cols = _check_header(list(header))
    for line, values in enumerate(rows, start=2):
        cells = ["" if v is None else _cell_text(v) for v in values]
        if not any(c.strip() for c in cells):
            continue
        cells = (cells + [""] * len(cols))[: len(cols)]
        yield line, {c: v for c, v in zip(cols, cells, strict=True) if c}


def _cell_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_file(
    path: Path | str, data: bytes | None = None, agencies: set[str] | None = None
) -> list[ParsedRow]:
    """Parse and validate a whole file. Raises ImportFailed listing every bad row (first 50)."""
    errors: list[tuple[int, str]] = []
    parsed: list[ParsedRow] = []
    seen: dict[str, int] = {}
    for line, row in read_rows(path, data):
        if len(parsed) + len(errors) >= MAX_ROWS:
            raise ImportFailed(f"Tệp quá {MAX_ROWS} dòng", code="too_many_rows")
        if "__error__" in row:
            errors.append((line, row["__error__"]))
            continue
        try:
            spec = row_to_spec(row)
        except RowError as exc:
            errors.append((line, str(exc)))
            continue
        problems = procedure_spec_errors(spec, agencies=agencies)
        if spec.code in seen:
            problems.append(f"mã thủ tục {spec.code} trùng với dòng {seen[spec.code]}")
        seen.setdefault(spec.code, line)
        if problems:
            errors.append((line, "; ".join(problems)))
            continue
        parsed.append(ParsedRow(line, spec))
    if errors:
        shown = errors[:MAX_ERRORS]
        raise ImportFailed(
            f"{len(errors)} dòng lỗi; không có dữ liệu nào được ghi",
            code="bad_rows",
            details=shown,
        )
    if not parsed:
        raise ImportFailed("Tệp không có dòng dữ liệu nào", code="empty_file")
    return parsed


# ---- export ------------------------------------------------------------------------------------


def spec_to_row(spec: ProcedureSpec) -> dict[str, str]:
    def num(d: Decimal) -> str:
        return format(d.normalize(), "f")

    return {
        "code": spec.code,
        "name": spec.name,
        "field_code": spec.field_code,
        "field_name": spec.field_name,
        "level": LEVEL_NAMES[Level(spec.level)],
        "also_at": ",".join(LEVEL_NAMES[Level(lv)] for lv in spec.also_at),
        "agency_code": spec.agency_code,
        "agency_text": spec.agency_text,
        "local_code": spec.local_code,
        "time_limit_days": num(spec.time_limit_days),
        "result": spec.result,
        "result_kind": spec.result_kind,
        "online_service": spec.online_service,
        "legacy_online_level": ""
        if spec.legacy_online_level is None
        else str(spec.legacy_online_level),
        "inter_level": "1" if spec.is_inter_level else "0",
        "vertical": "1" if spec.is_vertical else "0",
        "pause_on_supplement": "1" if spec.pause_on_supplement else "0",
        "prepayment": "1" if spec.prepayment else "0",
        "national_portal": "1" if spec.national_portal else "0",
        "legal_basis": spec.legal_basis,
        "status": spec.status,
        "valid_from": spec.valid_from.isoformat() if spec.valid_from else "",
        "valid_to": spec.valid_to.isoformat() if spec.valid_to else "",
        "decision": spec.decision,
        "documents": "\n".join(
            f"{d.name} | {d.originals} | {d.copies}" + ("" if d.mandatory else " | không bắt buộc")
            for d in spec.documents
        ),
        "fees": "\n".join(f"{f.name} | {f.amount_vnd}" for f in spec.fees),
        "steps": "\n".join(
            " | ".join(
                [s.name, s.role, num(s.budget_days)]
                + ([s.agency_code] if s.agency_code or s.level else [])
                + ([LEVEL_NAMES[Level(s.level)]] if s.level else [])
            )
            for s in spec.steps
        ),
    }


def write_csv(specs: Iterable[ProcedureSpec], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for spec in specs:
        writer.writerow({c: csv_value(v) for c, v in spec_to_row(spec).items()})
        n += 1
    return n


def write_xlsx(specs: Iterable[ProcedureSpec], out: IO[bytes]) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook(write_only=False)
    ws = wb.active
    if ws is None:  # a new workbook always has one sheet; this keeps mypy honest
        ws = wb.create_sheet()
    ws.title = "Thủ tục hành chính"
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    n = 0
    numeric = {"time_limit_days", "legacy_online_level"}
    for spec in specs:
        row = spec_to_row(spec)
        ws.append([(float(row[c]) if row[c] and c in numeric else row[c]) for c in COLUMNS])
        n += 1
    for col in ("B", "W", "X", "Y"):
        ws.column_dimensions[col].width = 60
        for cell in ws[col][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "C2"
    text_only(wb).save(out)
    return n
