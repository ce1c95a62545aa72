"""Catalog import and export: one column layout for CSV and XLSX, all-or-nothing imports."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from motcua.catalog.io import COLUMNS, parse_file, spec_to_row, write_csv, write_xlsx
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import catalog_specs
from motcua.catalog.services import catalog_import_specs
from motcua.core.errors import ImportFailed
from tests.factories import AgencyFactory, procedure_spec

pytestmark = pytest.mark.django_db


def csv_bytes(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> bytes:
    buf = io.StringIO()
    import csv

    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: r.get(k, "") for k in columns})
    return buf.getvalue().encode("utf-8")


def good_row(code: str = "1.000001", **over: str) -> dict[str, str]:
    row = spec_to_row(procedure_spec(code))
    row.update(over)
    return row


def test_csv_round_trip() -> None:
    specs = [
        procedure_spec("1.000001"),
        procedure_spec("1.000002", name="Cấp lại Thẻ", time_limit_days=0.5, steps=[]),
    ]
    specs[1].steps = procedure_spec(time_limit_days=3).steps[:1]
    specs[1].steps[0].budget_days = Decimal("0.5")
    buf = io.StringIO()
    write_csv(specs, buf)
    parsed = parse_file("catalog.csv", data=buf.getvalue().encode())
    assert [p.spec for p in parsed] == specs
    assert [p.line for p in parsed] == [2, 7]  # record 1 spans lines 2–6 (multi-line cells)


def test_xlsx_round_trip_through_database() -> None:
    agency = AgencyFactory(code="000.00.03.H10")
    specs = [
        procedure_spec("1.000001", agency_code=agency.code),
        procedure_spec("1.000003", level=3, also_at=(2,), is_inter_level=True),
    ]
    summary = catalog_import_specs(actor=None, specs=specs, source="t")
    assert summary["created"] == 2
    out = io.BytesIO()
    assert write_xlsx(catalog_specs(), out) == 2
    wb = load_workbook(io.BytesIO(out.getvalue()))
    ws = wb.active
    assert ws is not None
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert ws["J2"].value == 5  # time limit is a number, not text
    parsed = parse_file("x.xlsx", data=out.getvalue(), agencies={agency.code})
    assert [p.spec for p in parsed] == list(catalog_specs())
    again = catalog_import_specs(actor=None, specs=[p.spec for p in parsed], source="t")
    assert again == {"rows": 2, "created": 0, "updated": 0, "unchanged": 2, "fields_created": 0}


def test_reimport_with_changes_updates_in_place() -> None:
    catalog_import_specs(actor=None, specs=[procedure_spec()], source="t")
    changed = procedure_spec(name="Thành lập Văn phòng công chứng (sửa tên)")
    summary = catalog_import_specs(actor=None, specs=[changed], source="t")
    assert summary["updated"] == 1
    assert Procedure.objects.get().name.endswith("(sửa tên)")


def test_bad_rows_all_listed_and_nothing_written() -> None:
    rows = [
        good_row("1.000001"),
        good_row("1.000002", level="tinh thanh"),
        good_row("1.000003", time_limit_days="năm"),
        good_row("1.000001"),  # duplicate of line 2
        good_row("1.000005", fees="Lệ phí | -5"),
        good_row("1.000006", steps="Tiếp nhận | tiep_nhan | 1"),
        good_row("1.000007", agency_code="999.99.99.H99"),
        good_row("1.000008", valid_from="31/02/2022"),
    ]
    with pytest.raises(ImportFailed) as exc:
        parse_file("c.csv", data=csv_bytes(rows), agencies=set())
    details = exc.value.details
    assert isinstance(details, list)
    lines = [line for line, _ in details]
    # line numbers count the header and the multi-line cells of earlier rows
    assert len(details) == 7
    assert lines == sorted(lines)
    reasons = " ".join(r for _, r in details)
    for needle in (
        "cấp 'tinh thanh'",
        "'năm' không phải số",
        "trùng với dòng 2",
        "Phí, lệ phí âm",
        "Tổng thời gian các bước",
        "999.99.99.H99",
        "ngày '31/02/2022'",
    ):
        assert needle in reasons
    assert Procedure.objects.count() == 0


def test_header_problems() -> None:
    with pytest.raises(ImportFailed) as exc:
        parse_file("c.csv", data=csv_bytes([good_row()], columns=(*COLUMNS, "ghi_chu")))
    assert exc.value.code == "bad_header"
    assert "ghi_chu" in exc.value.message
    cols = tuple(c for c in COLUMNS if c != "steps")
    with pytest.raises(ImportFailed) as exc:
        parse_file("c.csv", data=csv_bytes([good_row()], columns=cols))
    assert "thiếu cột bắt buộc: steps" in exc.value.message


def test_bad_encoding_and_file_type() -> None:
    data = csv_bytes([good_row(name="Đăng ký")]).decode().encode("cp1258", errors="replace")
    with pytest.raises(ImportFailed) as exc:
        parse_file("c.csv", data=data)
    assert exc.value.code == "bad_encoding"
    with pytest.raises(ImportFailed) as exc:
        parse_file("c.txt", data=b"x")
    assert exc.value.code == "bad_file_type"
    with pytest.raises(ImportFailed) as exc:
        parse_file("c.xlsx", data=b"not a zip")
    assert exc.value.code == "bad_xlsx"


def test_legacy_online_level_mapped() -> None:
    rows = [
        good_row("1.000001", online_service="", legacy_online_level="4"),
        good_row("1.000002", online_service="", legacy_online_level="3"),
        good_row("1.000003", online_service="", legacy_online_level="2"),
    ]
    parsed = parse_file("c.csv", data=csv_bytes(rows))
    assert [p.spec.online_service for p in parsed] == ["toan_trinh", "mot_phan", "khong"]


def test_import_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([good_row("1.000001"), good_row("1.000002")]))
    call_command("import_catalog", str(good))
    assert '"created": 2' in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([good_row("1.000003"), good_row("1.000004", level="x")]))
    with pytest.raises(SystemExit) as exc:
        call_command("import_catalog", str(bad))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "lỗi [bad_rows]" in err
    assert "dòng " in err
    assert not Procedure.objects.filter(code="1.000003").exists()


def test_export_command_writes_both_formats(tmp_path: Path) -> None:
    catalog_import_specs(actor=None, specs=[procedure_spec()], source="t")
    call_command("export_catalog", "-o", str(tmp_path / "c.xlsx"))
    call_command("export_catalog", "-o", str(tmp_path / "c.csv"))
    assert len(parse_file(tmp_path / "c.xlsx")) == 1
    assert len(parse_file(tmp_path / "c.csv")) == 1


def test_national_portal_column_round_trips_and_is_counted() -> None:
    from motcua.catalog.selectors import catalog_counts

    rows = [
        good_row("1.000001", national_portal="1"),
        good_row("1.000002", national_portal=""),  # empty: not connected (the default)
    ]
    parsed = parse_file("c.csv", data=csv_bytes(rows), agencies=set())
    assert [p.spec.national_portal for p in parsed] == [True, False]
    catalog_import_specs(actor=None, specs=[p.spec for p in parsed], source="t")
    assert Procedure.objects.get(code="1.000001").national_portal is True
    counts = catalog_counts(on=dt.date(2030, 1, 1))
    assert counts["total"]["national_portal"] == 1
    out = [spec_to_row(s)["national_portal"] for s in catalog_specs()]
    assert sorted(out) == ["0", "1"]
    with pytest.raises(ImportFailed) as exc:
        parse_file("c.csv", data=csv_bytes([good_row(national_portal="có lẽ")]), agencies=set())
    assert "national_portal" in " ".join(r for _, r in exc.value.details)


FORMULAS = ['=HYPERLINK("http://evil","x")', "=1+1", "+1-1", "@SUM(1+1)", "-1+2"]


@pytest.mark.parametrize("name", FORMULAS)
def test_a_value_that_looks_like_a_formula_is_written_as_text(name: str) -> None:
    """The fourth probe: a name typed "=HYPERLINK(…)" reached the workbooks as a live formula.
    Written as text in XLSX (the same text, typed as text), after an apostrophe in CSV, and read
    back as it was typed from both."""
    from motcua.core.sheets import FORMULA_FIRST

    specs = [procedure_spec("1.000001", name=name, field_name=name)]
    out = io.BytesIO()
    write_xlsx(specs, out)
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    assert ws is not None
    for cell in ws[2]:
        assert cell.data_type != "f", (cell.coordinate, cell.value)
    assert ws["B2"].value == name and ws["B2"].data_type == "s"
    assert [p.spec for p in parse_file("x.xlsx", data=out.getvalue())] == specs
    buf = io.StringIO()
    write_csv(specs, buf)
    text = buf.getvalue()
    assert not any(line.startswith(FORMULA_FIRST) for line in text.splitlines())
    import csv

    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name"] == rows[0]["field_name"] == "'" + name
    assert [p.spec for p in parse_file("x.csv", data=text.encode())] == specs


def test_an_apostrophe_typed_first_is_kept() -> None:
    specs = [procedure_spec("1.000001", name="'Tên có dấu nháy")]
    buf = io.StringIO()
    write_csv(specs, buf)
    assert [p.spec for p in parse_file("x.csv", data=buf.getvalue().encode())] == specs


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"time_limit_days": "1e308"}, "Thời hạn giải quyết quá lớn"),
        ({"time_limit_days": "100000"}, "Thời hạn giải quyết quá lớn"),
        ({"code": "9.90\x000001"}, "Mã thủ tục chứa ký tự điều khiển U+0000"),
        ({"name": "Tên\x07chuông"}, "Tên thủ tục chứa ký tự điều khiển U+0007"),
        ({"code": "1." + "0" * 100}, "Mã thủ tục dài quá 40 ký tự (102 ký tự)"),
        ({"name": "Dài" * 1666 + "x"}, "Tên thủ tục dài quá 500 ký tự (4999 ký tự)"),
        ({"field_name": "x" * 256}, "Tên lĩnh vực dài quá 255 ký tự"),
    ],
    ids=["1e308", "100000", "nul-code", "bell-name", "long-code", "long-name", "long-field"],
)
def test_a_value_its_column_cannot_hold_is_refused_with_its_line(
    over: dict[str, str], message: str
) -> None:
    """The fourth probe: 1e308 days was a 500 (the half-day check divided it); a NUL in a code,
    a 102-character code and a 5,000-character name were imported and broke the exports
    afterwards (SQLite does not enforce a column's length). Refused at import, with the line;
    nothing imported."""
    bad = good_row("1.000002")
    bad.update(over)
    data = csv_bytes([good_row("1.000001"), bad])
    with pytest.raises(ImportFailed) as exc:
        parse_file("x.csv", data=data)
    assert message in str(exc.value.details or exc.value.message), exc.value.details
    assert Procedure.objects.count() == 0
