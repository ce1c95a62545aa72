"""The import's fast path (``dossiers/legacy/fast.py``, PostgreSQL): it accepts no row the exact
check refuses, converts every row it accepts to the exact path's values, and every file it
cannot vouch for is decided by the exact path, with the same outcome."""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from motcua.core.errors import ImportFailed
from motcua.dossiers import legacy
from motcua.dossiers.legacy import HEADER, fast, stage
from motcua.dossiers.legacy.rules import Problems, Source, read
from motcua.dossiers.models import Dossier
from tests.factories import AgencyFactory
from tests.reports.test_import_dossiers import csv_text, row
from tests.reports.test_import_streaming import snapshot, varied_rows

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the fast path is PostgreSQL's (COPY)"
    ),
]

_STAGED = (
    f"SELECT s.line, s.code, s.proc, s.agency, s.level, s.channel, s.status, s.received_at,"  # noqa: S608
    f" s.due_at, s.finished_at, s.digitized, s.electronic, s.paid,"
    f" s.working_seconds, s.search_text FROM {stage.STAGE} s ORDER BY s.line"
)


def _staged() -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(_STAGED)
        return cur.fetchall()


def staged_fast(path: Path) -> list[tuple[Any, ...]] | None:
    """The staging rows the fast path makes of a file, or None if it does not vouch for it."""
    with transaction.atomic():
        stage.create()
        got = fast.load(path)
        rows = None if got is None else _staged()
        transaction.set_rollback(True)
    return rows


def staged_exact(path: Path) -> list[tuple[Any, ...]] | None:
    """The staging rows of the exact path, or None if it refuses a row."""
    with transaction.atomic():
        stage.create()
        problems = Problems()
        try:
            with path.open("rb") as fh:
                stage.load(read(Source(fh), problems))
            rows = None if problems.count else _staged()
        except ImportFailed:
            rows = None
        transaction.set_rollback(True)
    return rows


# cells: what a legacy file holds, and what it should not
INSTANTS = [
    "2022-03-01T09:00:00+07:00",
    "2022-03-01T09:00:00Z",
    "2022-03-01T09:00:00.5+07:00",
    "2022-03-01T09:00:00.123456-03:30",
    "2022-03-01T09:00:00.1234567+07:00",
    "2022-02-29T09:00:00+07:00",
    "2024-02-29T23:59:59+07:00",
    "2022-04-31T09:00:00+07:00",
    "2022-03-01T24:00:00+07:00",
    "2022-03-01T09:60:00+07:00",
    "2022-03-01T09:00:60+07:00",
    "2022-03-01T09:00:00+15:59",
    "2022-03-01T09:00:00+16:00",
    "2022-03-01T09:00:00+23:59",
    "2022-03-01T09:00:00+07:60",
    "2022-03-01T09:00:00+0700",
    "2022-03-01T09:00:00+07",
    "2022-03-01 09:00:00+07:00",
    "2022-03-01T09:00+07:00",
    "2022-03-01T09:00:00",
    "2022-03-01",
    "1990-01-01T00:00:00+07:00",
    "1989-12-31T23:59:59+07:00",
    "2100-12-31T23:59:59-15:59",
    "2101-01-01T00:00:00+07:00",
    "1995-03-01T09:00:00+07:00",
    "2060-06-01T09:00:00+07:00",
    " 2022-03-01T09:00:00+07:00",
    "2022-03-01t09:00:00+07:00",
    "2022-03-01T09:00:00z",
    "٢٠٢٢-03-01T09:00:00+07:00",
    "",
]
CODES = st.one_of(
    st.sampled_from(
        [
            "HS-1",
            "000.00.03.H10-220301-0001",
            "123/HS-UBND",
            "A\\1",
            "1",
            "12/thao-tac/x",
            "12/mau/x",
            "12/thao-tacx",
            "a/12/mau/",
            ".",
            "..",
            "...",
            "./a",
            "a/.",
            "a/../b",
            "a//b",
            "/a",
            "a/",
            ".a/b.",
            "x" * 60,
            "x" * 61,
            "Đ-1",
            "HS 1",
            " HS-1",
            "HS-1\t",
            "",
        ]
    ),
    st.text(alphabet="aZ09./-\\_ Đ", min_size=0, max_size=8),
)


def mostly(good: list[str], other: Any) -> Any:
    """Mostly a good value, else one of the others (a row has twelve cells)."""
    return st.integers(0, 19).flatmap(lambda i: other if i == 7 else st.sampled_from(good))


LATER = ["2022-03-04T09:00:00+07:00", "2022-03-02T10:00:00.123456-03:30", "2022-03-03T00:00:00Z"]
CELLS = {
    "code": mostly(["HS-1", "123/HS-UBND", "A\\1", "x" * 60, "..."], CODES),
    "procedure_code": mostly(
        ["1.000001", "9.9"], st.sampled_from(["p" * 255, "p" * 256, "", "Thủ-tục", " 9.9"])
    ),
    "agency_code": mostly(
        ["000.00.03.H10", "NEW.1"], st.sampled_from(["a/b", "", "NEW 2", "N" * 61, "Sở"])
    ),
    "level": mostly(list(legacy.LEVELS), st.sampled_from(["Province", "", "x"])),
    "channel": mostly(list(legacy.CHANNELS), st.sampled_from(["mail", "", "online "])),
    "received_at": mostly(
        ["2022-03-01T09:00:00+07:00", "2022-03-01T02:00:00Z", "2022-03-01T09:00:00.5+07:00"],
        st.sampled_from(INSTANTS),
    ),
    "due_at": mostly(LATER, st.sampled_from(INSTANTS)),
    "status": mostly(list(legacy.STATUSES), st.sampled_from(["done", "", "Resolved"])),
    "finished_at": mostly([*LATER, ""], st.sampled_from(INSTANTS)),
    "digitized": mostly(["0", "1"], st.sampled_from(["2", "", "01", " 1"])),
    "electronic_result": mostly(["0", "1"], st.sampled_from(["true", ""])),
    "online_payment_vnd": mostly(
        ["0", "50000", "9223372036854775807"],
        st.sampled_from(
            ["0001", "9223372036854775808", "99999999999999999999", "-1", "1.0", "1e3", "", "٣"]
        ),
    ),
}
ROWS = st.lists(st.fixed_dictionaries(CELLS), min_size=1, max_size=2)


@given(rows=ROWS, crlf=st.booleans())
@settings(
    max_examples=int(os.environ.get("FAST_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(
    rows=[dict(zip(HEADER, row("HS-1"), strict=True))], crlf=False
)  # the plain good row, always
def test_the_fast_path_accepts_only_what_the_exact_check_accepts_with_its_values(
    tmp_path: Path, rows: list[dict[str, str]], crlf: bool
) -> None:
    path = tmp_path / "f.csv"
    text = csv_text([[r[h] for h in HEADER] for r in rows])
    path.write_bytes(text.replace("\n", "\r\n").encode() if crlf else text.encode())
    fast_rows = staged_fast(path)
    exact_rows = staged_exact(path)
    event("fast path" if fast_rows is not None else "exact path")
    if fast_rows is not None:
        assert fast_rows == exact_rows


def test_plain_good_rows_go_the_fast_path_with_the_exact_values(tmp_path: Path) -> None:
    rows = [r for r in varied_rows(800, seed=5) if "".join(r).isascii()]
    assert len(rows) > 300
    path = tmp_path / "f.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    fast_rows = staged_fast(path)
    assert fast_rows is not None and len(fast_rows) == len(rows)
    assert fast_rows == staged_exact(path)
    assert any(r[13] for r in fast_rows)  # working seconds were computed


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The whole import's outcome (summary and tables, or the refusal) by the fast path and by
    the exact one, each rolled back."""
    outcomes = []
    for exact in (False, True):
        with monkeypatch.context() as m:
            if exact:
                m.setattr(fast, "load", lambda *a, **k: None)
            with transaction.atomic():
                try:
                    outcomes.append((legacy.import_dossiers(path), snapshot()))
                except ImportFailed as exc:
                    outcomes.append((exc.code, str(exc), exc.details))
                transaction.set_rollback(True)
    return outcomes


@pytest.mark.parametrize(
    "case",
    [
        "good",
        "crlf",
        "mixed endings",
        "duplicates",
        "stored",
        "end marker",
        "blank line",
        "feb 30",
        "long line",
    ],
)
def test_a_file_has_one_outcome_whichever_path_decides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    AgencyFactory(code="000.00.03.H10")
    rng = random.Random(3)
    rows = [
        row(f"F-{i}", received_at=f"2022-03-01T0{rng.randrange(1, 9)}:00:00+07:00")
        for i in range(40)
    ]
    if case == "duplicates":
        rows[30] = row("F-3")
    if case == "long line":  # longer than a block: never held whole by the fast path
        rows[20] = row("F-20", agency_code="x" * (3 * fast.BLOCK))
    text = csv_text(rows)
    if case == "crlf":
        text = text.replace("\n", "\r\n")
    elif case == "mixed endings":
        text = text.replace("\n", "\r\n", 5)
    elif case == "end marker":
        lines = text.split("\n")
        text = "\n".join([*lines[:10], "\\.", *lines[10:]])
    elif case == "blank line":
        text = text.replace("\n", "\n\n", 3)
    elif case == "feb 30":
        text = text.replace("2022-03-04T09:00:00", "2022-02-30T09:00:00", 1)
    if case == "stored":
        legacy.import_dossiers(_write(tmp_path / "first.csv", [row("F-7"), row("F-39")]))
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode())
    by_fast, by_exact = _both(path, monkeypatch)
    assert by_fast == by_exact
    if case in ("good", "crlf"):
        assert staged_fast(path) is not None
        assert by_fast[0]["rows"] == 40
    if case in ("duplicates", "stored"):
        assert by_fast[0] == "bad_rows" and by_fast[2]
    if case in ("mixed endings", "end marker", "blank line", "feb 30", "long line"):
        assert staged_fast(path) is None


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def test_a_row_outside_the_calendar_loses_its_working_time_alone(tmp_path: Path) -> None:
    """A row received in 1995 (before the calendar's years): no working time, and only it."""
    rows = [row(f"C-{i}") for i in range(3_000)]
    rows[1_234] = row(
        "C-old",
        received_at="1995-03-01T09:00:00+07:00",
        due_at="1995-03-04T09:00:00+07:00",
        finished="1995-03-02T10:00:00+07:00",
    )
    path = _write(tmp_path / "f.csv", rows)
    got = staged_fast(path)
    assert got is not None
    work = {r[1]: r[13] for r in got}
    assert len(work) == 3_000
    assert work.pop("C-old") is None
    assert set(work.values()) == {9 * 3600}


@pytest.mark.parametrize("way", ["fast", "exact"])
def test_a_large_import_keeps_the_file_order_without_a_sort(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, way: str
) -> None:
    """From ``SORTED_BELOW`` rows the move has no ORDER BY (stage.move): the ids still follow
    the file, whatever the agencies, procedures and days each row joins, and the working times
    are those of the exact path — on the fast path and on the exact one (a code with a
    diacritic sends the file there)."""
    monkeypatch.setattr(stage, "SORTED_BELOW", 100)
    monkeypatch.setattr(stage, "REBUILD_INDEXES_FROM", 100)
    for a in range(40):
        AgencyFactory(code=f"000.00.{a:02d}.H10")
    rnd = random.Random(7)
    rows = []
    for i in range(4_000):
        day = 1 + rnd.randrange(28)
        rows.append(
            row(
                f"O-{rnd.randrange(10**9):09d}-{i}",
                agency_code=f"000.00.{rnd.randrange(40):02d}.H10",
                procedure_code=f"1.{rnd.randrange(300):06d}",
                received_at=f"2022-02-{day:02d}T{rnd.randrange(24):02d}:15:00+07:00",
                due_at="2022-04-01T09:00:00+07:00",
                finished=f"2022-03-{day:02d}T10:{rnd.randrange(60):02d}:00+07:00",
            )
        )
    if way == "exact":
        rows[0][0] = "Đ-0"
    path = _write(tmp_path / "f.csv", rows)
    exact = staged_exact(path)
    assert exact is not None
    assert (staged_fast(path) is None) == (way == "exact")
    summary = legacy.import_dossiers(path)
    assert summary["rows"] == 4_000
    stored = list(Dossier.objects.order_by("id").values_list("code", "working_seconds"))
    assert stored == [(r[1], r[13]) for r in exact]
    assert (
        len({w for _, w in stored}) > 100
    )  # times that differ, so the pairs could not match by chance


def test_an_import_through_the_fast_path_is_stored(tmp_path: Path) -> None:
    AgencyFactory(code="000.00.03.H10")
    path = _write(tmp_path / "f.csv", [row("G-1"), row("G-2", status="processing"), row("G-3")])
    summary = legacy.import_dossiers(path)
    assert summary["rows"] == 3
    stored = dict(Dossier.objects.values_list("code", "working_seconds"))
    assert stored == {"G-1": 9 * 3600, "G-2": None, "G-3": 9 * 3600}
    assert Dossier.objects.get(code="G-1").received_at == dt.datetime(
        2022, 3, 1, 2, 0, tzinfo=dt.UTC
    )


def test_a_conflict_the_file_does_not_explain_is_one_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unique index refused the move, yet no code of the file is twice or stored (another
    session wrote meanwhile): one refusal with its code, nothing written, no traceback."""
    AgencyFactory(code="000.00.03.H10")

    def refused(rows: int = 0) -> int:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(stage, "move", refused)
    with pytest.raises(ImportFailed) as caught:
        legacy.import_dossiers(_write(tmp_path / "f.csv", [row("K-1"), row("K-2")]))
    assert caught.value.code == "conflict"
    assert not Dossier.objects.exists()
