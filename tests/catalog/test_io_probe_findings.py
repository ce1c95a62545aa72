"""Catalog import: a number cell that only looks like digits is a row error, not a crash.

``"²".isdigit()`` is true but ``int("²")`` fails, and ``int`` refuses more than 4,300 digits:
both reached ``int`` unguarded and stopped the whole import with a traceback."""

from __future__ import annotations

import csv
import io

import pytest

from motcua.catalog.io import COLUMNS, parse_file, spec_to_row
from motcua.catalog.models import Procedure
from motcua.core.errors import ImportFailed
from tests.factories import procedure_spec

pytestmark = pytest.mark.django_db


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: r.get(k, "") for k in COLUMNS})
    return buf.getvalue().encode("utf-8")


@pytest.mark.parametrize(
    ("column", "cell", "shown"),
    [
        ("fees", "Lệ phí | ²", "'²'"),
        ("fees", "Lệ phí | ١٠٠", "'١٠٠'"),
        ("fees", "Lệ phí | " + "9" * 5000, "không phải số nguyên"),
        ("documents", "Đơn đề nghị | ² | 0", "'²'"),
        ("legacy_online_level", "³", "'³'"),
    ],
)
def test_a_number_cell_in_foreign_digits_is_a_row_error(column: str, cell: str, shown: str) -> None:
    row = spec_to_row(procedure_spec("1.000001"))
    row[column] = cell
    with pytest.raises(ImportFailed) as exc:
        parse_file("c.csv", data=csv_bytes([row]))
    details = exc.value.details
    assert isinstance(details, list)
    assert len(details) == 1
    line, reason = details[0]
    assert line == 2
    assert f"cột {column}" in reason
    assert "không phải số nguyên" in reason
    assert shown in reason
    assert Procedure.objects.count() == 0
