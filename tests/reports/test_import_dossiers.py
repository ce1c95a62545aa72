"""``motcua import-dossiers``: the CSV contract, all-or-nothing, needs-review records."""

from __future__ import annotations

import datetime as dt
import html
import json
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.audit.models import AuditEntry
from motcua.catalog.models import Procedure
from motcua.dossiers.legacy import HEADER, code_problem
from motcua.dossiers.models import Dossier, Status
from motcua.units.models import Agency
from tests.dossiers.conftest import World
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
    # created in one INSERT each, with the search text save() would have given them
    made = Procedure.objects.get(code="9.999999")
    assert made.search_text and "9.999999" in made.search_text
    assert "co quan 999.00.00.h99" in Agency.objects.get(code="999.00.00.H99").search_text
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


# --- hostile files: every one is refused with its line and reason, exit 2, nothing written ----


def refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[list[str]], line: int, why: str
) -> str:
    agencies, procedures = Agency.objects.count(), Procedure.objects.count()
    code, out, err = run(tmp_path, csv_text(rows), capsys)
    assert code == 2 and out == "", err
    assert any(x.strip().startswith(f"dòng {line}:") and why in x for x in err.splitlines()), err
    assert "Traceback" not in err
    assert Dossier.objects.count() == 0
    assert (Agency.objects.count(), Procedure.objects.count()) == (agencies, procedures)
    assert not AuditEntry.objects.filter(action="dossiers.import").exists()
    return err


@pytest.mark.parametrize(
    ("column", "value", "why"),
    [
        ("received_at", "0001-01-01T00:00:00+07:00", "năm 1990–2100"),
        ("received_at", "9999-12-31T23:00:00-07:00", "năm 1990–2100"),
        ("due_at", "9999-12-31T23:00:00-07:00", "năm 1990–2100"),
        ("finished_at", "1989-12-31T23:59:59+07:00", "năm 1990–2100"),
        ("received_at", "2022-03-01T٠٩:00:00+07:00", "received_at"),
        ("received_at", "２０２２-03-01T09:00:00+07:00", "received_at"),
        ("received_at", "2023-02-29T08:00:00+07:00", "'2023-02-29T08:00:00+07:00' không có thật"),
        (
            "due_at",
            "2022-13-01T08:00:00+07:00",
            "due_at: '2022-13-01T08:00:00+07:00' không có thật",
        ),
        ("finished_at", "2022-03-01T25:00:00+07:00", "không có thật"),
        ("received_at", "01/03/2022 08:00:00+07:00", "không phải ISO 8601"),
        ("received_at", "2022-03-01X08:00:00+07:00", "không phải ISO 8601"),
        ("due_at", "20220301_080000+0700", "không phải ISO 8601"),
        ("online_payment_vnd", "9" * 30, "online_payment_vnd"),
        ("online_payment_vnd", "9223372036854775808", "online_payment_vnd"),
        ("online_payment_vnd", "0009223372036854775808", "vượt quá"),
        ("online_payment_vnd", "٥٠٠٠٠", "chữ số 0-9"),
        ("online_payment_vnd", "５００００", "chữ số 0-9"),
        ("online_payment_vnd", "²", "chữ số 0-9"),
        ("code", "H" * 61, "60 ký tự"),
        ("procedure_code", "P" * 41, "40 ký tự"),
        ("agency_code", "A" * 41, "40 ký tự"),
        ("code", "A\x00B", "ký tự điều khiển"),
        ("agency_code", "000.00.03\x00.H10", "ký tự điều khiển"),
        ("level", "province\x00", "ký tự điều khiển"),
        ("code", "A\x07B", "ký tự điều khiển"),
        ("code", "12345", "chỉ gồm chữ số"),
        ("code", "١٢٣", "chỉ gồm chữ số"),
        ("code", "/HS-1", "dấu /"),
        ("code", "HS-1/", "dấu /"),
        ("code", "HS//1", "dấu /"),
        ("code", "HS/../1", "dấu /"),
        ("code", "./HS", "dấu /"),
        ("code", "12/mau/01", "thao-tac"),
        ("code", "7/thao-tac/x", "thao-tac"),
        ("code", "HS 1", "khoảng trắng"),
        ("agency_code", "000.00/03.H10", "agency_code: không được chứa dấu /"),
        ("agency_code", "000.00 03.H10", "agency_code: không được chứa dấu /"),
    ],
)
def test_hostile_field_refused_with_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str, value: str, why: str
) -> None:
    AgencyFactory(code="000.00.03.H10")
    if column == "code":
        bad = row(value)
    elif column == "finished_at":
        bad = row("H-2", finished=value)
    else:
        bad = row("H-2", **{column: value})
    refused(tmp_path, capsys, [row("H-1"), bad, row("H-3")], 3, why)


def test_zeros_in_front_of_an_amount_add_nothing(tmp_path: Path) -> None:
    """An amount written with zeros in front is its value: the largest one is taken, not
    refused as larger than itself."""
    from motcua.dossiers import legacy

    AgencyFactory(code="000.00.03.H10")
    f = tmp_path / "so-tien.csv"
    rows = [row("Z-1", online_payment_vnd="0009223372036854775807"), row("Z-2")]
    rows[1][HEADER.index("online_payment_vnd")] = "000"
    f.write_text(csv_text(rows), encoding="utf-8")
    legacy.import_dossiers(f)
    paid = dict(Dossier.objects.values_list("code", "online_payment_vnd"))
    assert paid == {"Z-1": 2**63 - 1, "Z-2": 0}


def test_field_over_the_csv_limit_refused_with_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    AgencyFactory(code="000.00.03.H10")
    huge = row("H-2", agency_code="x" * 131_073)
    refused(tmp_path, capsys, [row("H-1"), huge, row("H-3")], 3, "131072")


def test_nul_byte_in_an_unparsed_column_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    AgencyFactory(code="000.00.03.H10")
    refused(tmp_path, capsys, [row("H-1", digitized="1\x00")], 2, "ký tự điều khiển")


def test_header_with_control_characters_is_quoted_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = (*HEADER[:-1], "online_payment_vnd\x00\x1b[2J")
    code, _, err = run(tmp_path, csv_text([row("H-1")], header=header), capsys)
    assert code == 2 and "bad_header" in err and "\\x00\\x1b[2J" in err
    assert "\x00" not in err and "\x1b" not in err


def test_bad_utf8_names_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = csv_text([row("H-1"), row("H-2")]).encode().replace(b"H-2", b"H-\xff2")
    code, _, err = run(tmp_path, data, capsys)
    assert code == 2 and "bad_encoding" in err and "dòng 3" in err
    assert Dossier.objects.count() == 0


def test_bounds_themselves_are_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    AgencyFactory(code="000.00.03.H10")
    rows = [
        row(
            "C" * 60,
            procedure_code="P" * 40,
            agency_code="A" * 40,
            received_at="1990-01-01T00:00:00+07:00",
            online_payment_vnd=str(2**63 - 1),
        ),
        row("H-2", status="processing", due_at="2100-12-31T23:59:59+07:00"),
    ]
    code, _, err = run(tmp_path, csv_text(rows), capsys)
    assert code == 0, err
    assert Dossier.objects.get(code="C" * 60).online_payment_vnd == 9_223_372_036_854_775_807
    assert Agency.objects.filter(code="A" * 40).exists()


@pytest.mark.parametrize("offset", ["+16:00", "-23:59", "+05:45:30"])
def test_an_offset_postgresql_cannot_read_is_imported_at_its_instant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], offset: str
) -> None:
    """Python reads offsets up to ±23:59 (and with seconds), PostgreSQL up to ±15:59: such an
    instant reaches the server in UTC (it made the import fail on PostgreSQL with the server's
    own error, found by the fast path's property test)."""
    AgencyFactory(code="000.00.03.H10")
    received = f"2022-03-01T09:00:00{offset}"
    code, _, err = run(
        tmp_path,
        csv_text(
            [
                row(
                    "Z-1",
                    received_at=received,
                    due_at="2022-03-09T09:00:00+07:00",
                    finished="2022-03-08T10:00:00+07:00",
                )
            ]
        ),
        capsys,
    )
    assert code == 0, err
    expected = dt.datetime.fromisoformat(received)
    assert Dossier.objects.get(code="Z-1").received_at == expected


def test_code_in_decomposed_unicode_is_stored_nfc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    AgencyFactory(code="000.00.03.H10")
    decomposed = unicodedata.normalize("NFD", "HỒ-SƠ-1")
    code, _, err = run(tmp_path, csv_text([row(decomposed)]), capsys)
    assert code == 0, err
    assert Dossier.objects.filter(code="H\u1ed2-S\u01a0-1").exists()


@pytest.mark.parametrize("legacy", ["123/HS-UBND", "2022/HS/0001", "HS-Đ%20?#x", "ĐB:1@(2)~"])
def test_legacy_codes_are_addressable_on_the_page_and_in_search(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str], legacy: str
) -> None:
    code, _, err = run(tmp_path, csv_text([row(legacy)]), capsys)
    assert code == 0, err
    leader = Client()
    leader.force_login(world.users["leader"])
    url = reverse("backoffice:dossier", kwargs={"code": legacy})
    page = leader.get(url)
    assert page.status_code == 200
    assert legacy in html.unescape(page.content.decode())
    found = leader.get("/can-bo/tim-kiem/", {"q": legacy})
    assert found.status_code == 200
    assert f'href="{url}"' in found.content.decode()
    assert leader.get(f"/can-bo/tim-kiem/?q={quote(legacy.split('/')[0])}").status_code == 200


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZĐễ09/.%?#&+:@;=~-_ \\'\"<>\t\x00")), max_size=12))
def test_every_code_the_rule_accepts_reaches_the_dossier_page(code: str) -> None:
    """The one rule: an accepted code reverses to a URL that resolves to the dossier page with
    that very code; nothing else claims it (the action and form URLs, the id lookup)."""
    if code_problem(code) is not None or not code:
        return
    url = reverse("backoffice:dossier", kwargs={"code": code})
    match = resolve(unquote(url))  # the server decodes %XX before routing
    assert (match.url_name, match.kwargs) == ("dossier", {"code": code})
    assert not code.isdigit()


def test_unreadable_file_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # a file the system refuses to read (even to root): /proc/self/mem reads fail with EIO
    try:
        call_command("import_dossiers", "/proc/self/mem")
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("lỗi [file_unreadable]: ") and len(err.splitlines()) == 1


def test_the_command_keeps_complete_counts_complete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], django_capture_on_commit_callbacks: Any
) -> None:
    """With the statistics' counts kept (a full rebuild made), an import rebuilds them in its
    transaction and the report read from them counts the imported dossiers; once it commits,
    the counts are vacuumed (the hook's on-commit callback)."""
    from motcua.reports.agg_rebuild import rebuild_aggregates, vacuum_counts
    from motcua.reports.aggregates import aggregates_complete
    from motcua.reports.selectors import Period, report

    AgencyFactory(code="000.00.03.H10")
    rebuild_aggregates()
    assert aggregates_complete()
    with django_capture_on_commit_callbacks() as callbacks:
        code, out, err = run(
            tmp_path, csv_text([row("C-1"), row("C-2", status="processing")]), capsys
        )
    assert vacuum_counts in callbacks
    assert (code, err) == (0, "") and json.loads(out)["rows"] == 2
    assert aggregates_complete()
    levels = report(Period(dt.date(2022, 3, 1), dt.date(2022, 3, 31)))["levels"]
    assert levels["total"]["received"] == 2 and levels["total"]["resolved"] == 1
