"""``motcua import-dossiers``: the CSV contract, all-or-nothing, needs-review records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from motcua.catalog.models import Procedure
from motcua.dossiers.legacy import HEADER
from motcua.dossiers.models import Dossier, Status
from motcua.units.models import Agency
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def csv_text(rows: list[list[str]], header: tuple[str, ...] = HEADER) -> str:
    return "\n".join([",".join(header), *(",".join(r) for r in rows)]) + "\n"


def row(
    code: str, status: str = "resolved", finished: str = "2022-03-02T10:00:00+07:00", **over: str
) -> list[str]:
    values = {
        "code": code,
        "procedure_code": "1.000001",
        "agency_code": "000.00.03.H10",
        "level": "province",
        "channel": "online",
        "received_at": "2022-03-01T09:00:00+07:00",
        "due_at": "2022-03-04T09:00:00+07:00",
        "status": status,
        "finished_at": "" if status == "processing" else finished,
        "digitized": "1",
        "electronic_result": "0",
        "online_payment_vnd": "50000",
    }
    values.update(over)
    return [values[h] for h in HEADER]


def run(
    tmp_path: Path, text: str | bytes, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    f = tmp_path / "ho-so.csv"
    f.write_bytes(text if isinstance(text, bytes) else text.encode())
    try:
        call_command("import_dossiers", str(f))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_good_file_imports_and_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    AgencyFactory(code="000.00.03.H10")
    code, out, err = run(
        tmp_path,
        csv_text(
            [
                row("A-1"),
                row("A-2", status="processing"),
                row("A-3", status="withdrawn"),
                row("A-4", agency_code="999.00.00.H99", procedure_code="9.999999", level="commune"),
            ]
        ),
        capsys,
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["rows"] == 4
    assert (summary["agencies_created"], summary["procedures_created"]) == (1, 2)
    assert Agency.objects.get(code="999.00.00.H99").needs_review
    assert Procedure.objects.get(code="9.999999").needs_review
    d = Dossier.objects.get(code="A-1")
    assert (d.status, d.level, d.digitized, d.online_payment_vnd) == (
        Status.RESOLVED,
        1,
        True,
        50000,
    )
    assert d.working_seconds == 8 * 3600 + 3600  # 1/3 09:00 → 2/3 10:00
    assert Dossier.objects.get(code="A-2").status == Status.IN_PROGRESS
    assert Dossier.objects.get(code="A-4").level == 3


def test_bad_rows_listed_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    AgencyFactory(code="000.00.03.H10")
    rows = [
        row("B-1"),
        row("B-2", received_at="hôm qua"),
        row("B-3", level="tinh"),
        row("B-4", due_at="2022-02-01T09:00:00+07:00"),
        row("B-5", finished="2022-02-01T09:00:00+07:00"),
        row("B-1"),
        row("B-7", status="processing", finished_at="2022-03-02T10:00:00+07:00"),
        row("B-8", online_payment_vnd="-1"),
        row("B-9", received_at="2022-03-01T09:00:00"),
    ]
    rows[6][HEADER.index("finished_at")] = "2022-03-02T10:00:00+07:00"
    code, out, err = run(tmp_path, csv_text(rows), capsys)
    assert code == 2 and out == ""
    assert "lỗi [bad_rows]: 8 dòng lỗi" in err
    for line, needle in [
        (3, "received_at"),
        (4, "level"),
        (5, "due_at trước received_at"),
        (6, "finished_at trước received_at"),
        (7, "trùng với dòng 2"),
        (8, "finished_at phải để trống"),
        (9, "online_payment_vnd"),
        (10, "thiếu múi giờ"),
    ]:
        assert any(f"dòng {line}:" in x and needle in x for x in err.splitlines()), (line, err)
    assert Dossier.objects.count() == 0


def test_duplicate_in_database_header_and_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    AgencyFactory(code="000.00.03.H10")
    assert run(tmp_path, csv_text([row("C-1")]), capsys)[0] == 0
    code, _, err = run(tmp_path, csv_text([row("C-2"), row("C-1")]), capsys)
    assert code == 2 and "dòng 3: mã hồ sơ C-1 đã có trong cơ sở dữ liệu" in err
    assert not Dossier.objects.filter(code="C-2").exists()
    code, _, err = run(tmp_path, csv_text([row("C-3")[:-1]], header=HEADER[:-1]), capsys)
    assert code == 2 and "bad_header" in err and "online_payment_vnd" in err
    code, _, err = run(tmp_path, csv_text([row("Đ-4")]).encode("utf-16"), capsys)
    assert code == 2 and "bad_encoding" in err
    assert Dossier.objects.count() == 1
