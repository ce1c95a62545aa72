"""The streaming import (staging table, checks in SQL) against the import as it was: the same
rows, the same derived columns, the same records created, the same refusals."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import select
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from motcua.catalog.models import Procedure
from motcua.core.errors import ImportFailed
from motcua.dossiers import legacy
from motcua.dossiers.legacy import HEADER, Problems, Source, fast, read, stage
from motcua.dossiers.models import Dossier
from motcua.units.models import Agency
from tests.factories import AgencyFactory
from tests.reports import legacy_reference
from tests.reports.test_import_dossiers import csv_text, row

pytestmark = pytest.mark.django_db

OFFSETS = [420, 420, 420, 0, -330, 585]  # minutes east of UTC
# foreign keys by code: ids of rolled-back rows are not reused on PostgreSQL
KEYS = {"procedure_id": "procedure__code", "receiving_agency_id": "receiving_agency__code"}
KEYS["processing_agency_id"] = "processing_agency__code"
DOSSIER_FIELDS = [
    KEYS.get(f.attname, f.attname)
    for f in Dossier._meta.concrete_fields
    if f.attname not in ("id", "created_at")
]


def varied_rows(n: int, seed: int = 7) -> list[list[str]]:
    """Every kind of good row: statuses, offsets, microseconds, weekends and nights, codes with
    diacritics (some decomposed), slashes and backslashes, known and new agencies and procedures,
    an agency named at two levels (the last row's level is the one an agency is created with)."""
    rng = random.Random(seed)
    base = dt.datetime(2021, 12, 20, tzinfo=dt.UTC)
    rows = []
    for i in range(n):
        received = base + dt.timedelta(seconds=rng.randrange(0, 200 * 86400))
        if rng.random() < 0.2:
            received = received.replace(microsecond=rng.randrange(1_000_000))
        due = received + dt.timedelta(seconds=rng.randrange(0, 30 * 86400))
        finished = received + dt.timedelta(seconds=rng.randrange(0, 40 * 86400))
        tz = dt.timezone(dt.timedelta(minutes=rng.choice(OFFSETS)))

        def iso(moment: dt.datetime, tz: dt.timezone = tz) -> str:
            text = moment.astimezone(tz).isoformat()
            return text.replace("+00:00", "Z") if rng.random() < 0.5 else text

        status = rng.choice(["resolved", "resolved", "processing", "withdrawn", "returned"])
        code = rng.choice([f"HS-{i}", f"{i}/HS-UBND", f"Đ-{i}", f"hồ-sơ-{i}", f"A\\{i}", f"X{i}"])
        if rng.random() < 0.2:
            code = unicodedata.normalize("NFD", code)
        rows.append(
            row(
                code,
                status=status,
                finished=iso(finished),
                procedure_code=rng.choice(["1.000001", "2.000002", "9.000009", "Thủ-tục"]),
                agency_code=rng.choice(["000.00.03.H10", "NEW.1", "NEW.2", "Sở-Đ"]),
                level=rng.choice(["province", "district", "commune"]),
                channel=rng.choice(["online", "counter", "postal"]),
                received_at=iso(received),
                due_at=iso(due),
                digitized=rng.choice("01"),
                electronic_result=rng.choice("01"),
                online_payment_vnd=str(rng.choice([0, 0, 50_000, 2**63 - 1])),
            )
        )
    return rows


def snapshot() -> dict[str, Any]:
    return {
        "dossiers": list(Dossier.objects.order_by("id").values_list(*DOSSIER_FIELDS)),
        "agencies": list(
            Agency.objects.order_by("id").values_list("code", "name", "level", "needs_review")
        ),
        "procedures": list(
            Procedure.objects.order_by("id").values_list(
                "code", "name", "level", "at_province", "at_district", "at_commune", "status"
            )
        ),
    }


class Rollback(Exception):
    pass


def test_same_rows_and_derived_columns_as_the_import_before(tmp_path: Path) -> None:
    AgencyFactory(code="000.00.03.H10")
    f = tmp_path / "ho-so.csv"
    f.write_text(csv_text(varied_rows(600)), encoding="utf-8")
    results = []
    for module in (legacy_reference, legacy):
        try:
            with transaction.atomic():
                summary = module.import_dossiers(f)
                results.append((summary, snapshot()))
                raise Rollback
        except Rollback:
            pass
    (old_summary, old), (new_summary, new) = results
    assert new_summary == old_summary
    assert len(new["dossiers"]) == 600
    assert new == old
    resolved = [d for d in new["dossiers"] if d[DOSSIER_FIELDS.index("finished_at")] is not None]
    assert any(d[DOSSIER_FIELDS.index("working_seconds")] for d in resolved)


@pytest.mark.parametrize(
    "bad",
    [
        "wrong cells",
        "duplicates",
        "stored",
        "mixed",
    ],
)
@pytest.mark.parametrize("rebuild", [False, True], ids=["indexes kept", "indexes rebuilt"])
def test_same_refusals_as_the_import_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str, rebuild: bool
) -> None:
    """A file good but for its codes is refused by the move's unique index, then its codes are
    listed (also with the indexes built after the move, a go-live import); with other bad
    rows the codes are looked for first. Either way the refusal is the one before."""
    AgencyFactory(code="000.00.03.H10")
    rows = varied_rows(120, seed=11)
    legacy.import_dossiers(_write(tmp_path / "first.csv", rows[:3]))
    if bad in ("wrong cells", "mixed"):
        rows[10] = rows[10][:-1]
        rows[20][HEADER.index("level")] = "tinh"
        rows[30][HEADER.index("received_at")] = "2022-02-30T09:00:00+07:00"
    if bad in ("duplicates", "mixed"):
        rows[40] = list(rows[5])
        rows[41] = list(rows[5])
        rows[50] = list(rows[20])  # a duplicate of a bad row is not a duplicate
    if bad in ("stored", "mixed"):
        rows[60] = list(rows[1])  # rows[1] is already stored, and rows[1] is in the file too
    f = _write(tmp_path / "bad.csv", rows)
    indexes = _index_definitions()
    if rebuild:
        monkeypatch.setattr(stage, "REBUILD_INDEXES_FROM", 1)
    errors = []
    for module in (legacy_reference, legacy):
        with pytest.raises(ImportFailed) as exc:
            module.import_dossiers(f)
        errors.append((exc.value.code, exc.value.message, exc.value.details))
    assert errors[1] == errors[0]
    assert Dossier.objects.count() == 3 and _index_definitions() == indexes


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def test_more_bad_rows_than_shown_are_counted(tmp_path: Path) -> None:
    AgencyFactory(code="000.00.03.H10")
    rows = [row(f"D-{i}") for i in range(30)] + [row(f"D-{i}") for i in range(30)]
    rows += [row(f"E-{i}", level="x") for i in range(30)]
    with pytest.raises(ImportFailed) as exc:
        legacy.import_dossiers(_write(tmp_path / "f.csv", rows))
    assert exc.value.message.startswith("60 dòng lỗi")
    lines = [line for line, _ in exc.value.details]
    assert lines == list(range(32, 82))  # the first 50 by line, duplicates and bad values mixed


def test_line_endings_and_bom_count_lines_like_the_csv_module(tmp_path: Path) -> None:
    AgencyFactory(code="000.00.03.H10")
    rows = [row("L-1"), row("L-2", level="x"), row("L-3")]
    for ending in ("\r\n", "\r"):
        text = "\ufeff" + ending.join([",".join(HEADER), *(",".join(r) for r in rows)]) + ending
        path = tmp_path / "f.csv"
        path.write_bytes(text.encode())
        found = []
        for module in (legacy_reference, legacy):
            with pytest.raises(ImportFailed) as exc:
                module.import_dossiers(path)
            found.append(exc.value.details)
        assert found[0] == found[1] == [(3, found[0][0][1])]


def test_a_row_over_several_lines_is_reported_at_the_line_it_starts_on(tmp_path: Path) -> None:
    """A quoted cell with line breaks (refused: a control character) is reported at the line its
    row starts on, and the rows after it keep their own line numbers."""
    AgencyFactory(code="000.00.03.H10")
    bad = row("L-2")
    bad[HEADER.index("procedure_code")] = '"1.0\n00\n001"'
    lines = [",".join(HEADER), ",".join(row("L-1")), ",".join(bad), ",".join(row("L-3", level="x"))]
    path = tmp_path / "f.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = []
    for module in (legacy_reference, legacy):
        with pytest.raises(ImportFailed) as exc:
            module.import_dossiers(path)
        found.append([line for line, _ in exc.value.details])
    assert found[0] == found[1] == [3, 6]


def test_bad_byte_after_a_bad_header_is_an_encoding_error(tmp_path: Path) -> None:
    data = csv_text([row("H-1")], header=HEADER[:-1]).encode() + b"x,\xff\n"
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    with pytest.raises(ImportFailed) as exc:
        legacy.import_dossiers(path)
    assert exc.value.code == "bad_encoding" and exc.value.details == [
        (3, "byte không hợp lệ trong UTF-8")
    ]


def test_working_time_outside_the_calendar_is_empty_for_that_row_alone(tmp_path: Path) -> None:
    """The calendar covers 2000–2060; the file may go from 1990. Such a row has no working time,
    and its neighbours keep theirs (before, its whole batch of 20,000 rows lost them)."""
    AgencyFactory(code="000.00.03.H10")
    rows = [
        row("W-1"),
        row(
            "W-2",
            received_at="1995-03-01T09:00:00+07:00",
            due_at="1995-03-04T09:00:00+07:00",
            finished="1995-03-02T10:00:00+07:00",
        ),
    ]
    legacy.import_dossiers(_write(tmp_path / "f.csv", rows))
    assert Dossier.objects.get(code="W-1").working_seconds == 9 * 3600
    assert Dossier.objects.get(code="W-2").working_seconds is None


def test_instants_are_stored_as_django_writes_them(tmp_path: Path) -> None:
    """The stored text of every instant is what Django writes for it (on SQLite the move makes
    it in SQL from microseconds since the epoch): a report's text comparison of an imported
    dossier's instant with a parameter must agree with the ORM's. Seconds only when there are no
    microseconds, the offsets' far ends, the calendar's edges and a year that turns in UTC."""
    AgencyFactory(code="000.00.03.H10")
    rows = [
        row(
            f"T-{i}",
            received_at=rec,
            due_at=due,
            finished=fin,
            status="processing" if fin == "" else "resolved",
        )
        for i, (rec, due, fin) in enumerate(
            [
                (
                    "2022-01-03T08:00:00+07:00",
                    "2022-01-05T08:00:00Z",
                    "2022-01-04T08:00:00.5+07:00",
                ),
                ("1990-01-01T00:00:00+15:59", "1990-01-01T00:00:00.000001+15:59", ""),
                ("2100-12-31T23:59:59.999999-15:59", "2100-12-31T23:59:59.999999-15:59", ""),
                (
                    "2022-06-30T23:59:59.999999+00:00",
                    "2022-07-01T00:00:00-00:30",
                    "2022-07-01T00:00:00.000010Z",
                ),
                (
                    "2023-12-31T23:30:00-05:45",
                    "2024-01-02T00:00:00+05:45",
                    "2024-01-01T05:14:59.999000-01:00",
                ),
            ]
        )
    ]
    legacy.import_dossiers(_write(tmp_path / "f.csv", rows))
    ops = connection.ops
    names = ("received_at", "handed_over_at", "clock_started_at", "due_at", "appointment_at")
    names += ("finished_at",)
    table = Dossier._meta.db_table
    # SQLite: the text as stored (a column declared datetime comes back parsed)
    cols = [f"'' || {n}" if connection.vendor == "sqlite" else n for n in names]
    with connection.cursor() as cur:
        cur.execute(f"SELECT code, {', '.join(cols)} FROM {table} ORDER BY code")  # noqa: S608
        raw = {code: values for code, *values in cur.fetchall()}
    assert len(raw) == 5
    for d in Dossier.objects.all():
        stored = raw[d.code]
        for name, text in zip(names, stored, strict=True):
            value = getattr(d, name)
            if connection.vendor == "sqlite":  # text: Django's own spelling of the value
                assert text == (None if value is None else ops.adapt_datetimefield_value(value))
            else:
                assert text == value
    by_code = {d.code: d for d in Dossier.objects.all()}
    assert by_code["T-2"].received_at == dt.datetime(2101, 1, 1, 15, 58, 59, 999999, tzinfo=dt.UTC)
    assert by_code["T-1"].due_at == dt.datetime(1989, 12, 31, 8, 1, 0, 1, tzinfo=dt.UTC)
    assert by_code["T-0"].finished_at == dt.datetime(2022, 1, 4, 1, 0, 0, 500000, tzinfo=dt.UTC)
    assert by_code["T-3"].finished_at == dt.datetime(2022, 7, 1, 0, 0, 0, 10, tzinfo=dt.UTC)
    # the ORM's comparison in SQL (text on SQLite) agrees with the instants: the dossiers
    # received in the first half of 2022 (UTC), its last microsecond included
    since = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    until = dt.datetime(2022, 6, 30, 23, 59, 59, 999999, tzinfo=dt.UTC)
    found = Dossier.objects.filter(received_at__gte=since, received_at__lte=until)
    assert sorted(found.values_list("code", flat=True)) == ["T-0", "T-3"]


def test_progress_is_reported_by_phase(tmp_path: Path) -> None:
    AgencyFactory(code="000.00.03.H10")
    path = _write(tmp_path / "f.csv", [row(f"P-{i}") for i in range(5)])
    calls: list[tuple[str, int, int, int]] = []
    legacy.import_dossiers(path, progress=lambda *a: calls.append(a))
    size = path.stat().st_size
    assert [c[0] for c in calls] == ["read", "check", "write"]
    assert calls[0] == ("read", size, size, 5)


def test_progress_bar_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    AgencyFactory(code="000.00.03.H10")
    path = _write(tmp_path / "f.csv", [row(f"T-{i}") for i in range(50)])
    master, slave = os.openpty()
    try:
        with open(slave, "w", encoding="utf-8") as tty:
            monkeypatch.setattr(sys, "stderr", tty)
            call_command("import_dossiers", str(path))
            tty.flush()
            # everything the terminal holds: one read may return before the last bytes
            # have crossed the pty (seen once on a loaded machine)
            chunks = []
            while select.select([master], [], [], 0.5)[0]:
                chunk = os.read(master, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
            shown = b"".join(chunks).decode()
    finally:
        os.close(master)
    assert "100%" in shown and "50 dòng" in shown and "dòng/s" in shown
    assert "còn khoảng 0:00:00" in shown and "đang ghi vào cơ sở dữ liệu" in shown
    assert shown.endswith("\r\x1b[K")  # the line is cleared before the summary is printed
    assert json.loads(capsys.readouterr().out)["rows"] == 50


def test_no_progress_when_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    AgencyFactory(code="000.00.03.H10")
    path = _write(tmp_path / "f.csv", [row(f"T-{i}") for i in range(50)])
    call_command("import_dossiers", str(path))
    out = capsys.readouterr()
    assert out.err == "" and json.loads(out.out)["rows"] == 50
    bad = _write(tmp_path / "g.csv", [row("U-1", level="x")])
    with pytest.raises(SystemExit):
        call_command("import_dossiers", str(bad))
    assert capsys.readouterr().err.startswith("lỗi [bad_rows]: 1 dòng lỗi")


def _index_definitions() -> list[tuple[str, str]]:
    """The dossier table's indexes, and on PostgreSQL its constraints too, each with its
    definition."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
                " UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s::regclass ORDER BY 1, 2",
                [Dossier._meta.db_table] * 2,
            )
        else:
            cur.execute(
                "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index'"
                " AND tbl_name = %s ORDER BY 1",
                [Dossier._meta.db_table],
            )
        return list(cur.fetchall())


def test_a_batch_larger_than_the_table_builds_the_indexes_after_the_move(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A go-live import (stage._indexes_built_after, lowered to any batch here): the same rows
    as the ordinary move, every index back with its own definition; a smaller batch into the
    table keeps them; a failure after the drop rolls it back. Both databases (on SQLite the
    column's UNIQUE index stays: it cannot be dropped)."""
    from motcua.dossiers.legacy import hooks, stage

    AgencyFactory(code="000.00.03.H10")
    f = _write(tmp_path / "ho-so.csv", varied_rows(300, seed=5))
    indexes = _index_definitions()
    assert len(indexes) > 5
    ordinary = None
    try:
        with transaction.atomic():
            legacy.import_dossiers(f)
            ordinary = snapshot()
            raise Rollback
    except Rollback:
        pass
    monkeypatch.setattr(stage, "REBUILD_INDEXES_FROM", 1)
    seen: list[bool] = []
    real = stage._indexes_built_after

    def spy(cur: Any, table: str, rows: int) -> Any:
        manager = real(cur, table, rows)
        seen.append(manager.__enter__())
        return _Entered(manager)

    monkeypatch.setattr(stage, "_indexes_built_after", spy)
    legacy.import_dossiers(f)
    assert seen == [True]
    assert snapshot() == ordinary
    assert _index_definitions() == indexes
    # a failure after the drop (here the hook after the move): nothing written, indexes kept
    g = _write(tmp_path / "more.csv", [r[:] for r in varied_rows(400, seed=9)])
    Dossier.objects.all().delete()

    def broken(**_: Any) -> None:
        raise RuntimeError("the hook failed")

    monkeypatch.setattr(legacy, "after_import", broken)
    with pytest.raises(RuntimeError):
        legacy.import_dossiers(g)
    assert seen == [True, True]
    assert Dossier.objects.count() == 0 and _index_definitions() == indexes
    monkeypatch.setattr(legacy, "after_import", hooks.after_import)
    # a batch smaller than the table: the indexes stay in place
    legacy.import_dossiers(g)
    h = _write(tmp_path / "small.csv", [[f"NHO-{i}", *r[1:]] for i, r in enumerate(varied_rows(5))])
    legacy.import_dossiers(h)
    assert seen == [True, True, True, False]
    assert Dossier.objects.count() == 405 and _index_definitions() == indexes


class _Entered:
    """A context manager already entered (the spy above entered it to see what it yields)."""

    def __init__(self, manager: Any) -> None:
        self.manager = manager

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> Any:
        return self.manager.__exit__(*exc)


def test_a_role_that_does_not_own_the_table_imports_with_the_indexes_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: dropping an index takes the table's owner; an import by another role (with
    the rights to write) keeps the indexes and still imports."""
    from django.db import connection

    from motcua.dossiers.legacy import stage

    if connection.vendor != "postgresql":
        pytest.skip("roles and owners: PostgreSQL only")
    AgencyFactory(code="000.00.03.H10")
    monkeypatch.setattr(stage, "REBUILD_INDEXES_FROM", 1)
    role = f"motcua_importer_{os.getpid()}"  # one per xdist worker: roles are cluster-wide
    indexes = _index_definitions()
    with connection.cursor() as cur:  # all inside the test's transaction, rolled back after
        cur.execute(f"CREATE ROLE {role} NOLOGIN")
        cur.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        cur.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")
        cur.execute(f"SET ROLE {role}")
    try:
        summary = legacy.import_dossiers(_write(tmp_path / "ho-so.csv", varied_rows(50, seed=3)))
    finally:
        with connection.cursor() as cur:
            cur.execute("RESET ROLE")
    assert summary["rows"] == 50 and Dossier.objects.count() == 50
    assert _index_definitions() == indexes


def _vouched(path: Path, progress: Any = None) -> tuple[int, str, stage.Tally]:
    """A stand-in for the fast path on any database: the file staged (by the exact path's
    reader, whose rows are all good here) and vouched for, codes not looked for."""
    with path.open("rb") as fh:
        source = Source(fh)
        problems = Problems()
        count = stage.load(read(source, problems))
    assert not problems.count
    return count, source.sha.hexdigest(), stage.tally()


@pytest.mark.parametrize("rebuild", [False, True], ids=["indexes kept", "indexes rebuilt"])
@pytest.mark.parametrize("bad", ["duplicates", "stored", "conflict"])
def test_codes_a_vouched_file_repeats_are_refused_by_the_move_then_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str, rebuild: bool
) -> None:
    """A file the fast path vouched for goes to the move without the two look-ups: the unique
    index refuses a code twice or stored, the move is undone and the codes are listed as the
    exact path lists them; a refusal the file does not explain is one refusal (``conflict``).
    With the indexes built after the move (a batch larger than the table) the unique constraint,
    made again first, refuses the same, and every index and constraint is back as it was."""
    AgencyFactory(code="000.00.03.H10")
    legacy.import_dossiers(_write(tmp_path / "first.csv", [row("V-1")]))
    indexes = _index_definitions()
    if rebuild:
        monkeypatch.setattr(stage, "REBUILD_INDEXES_FROM", 1)
    rows = [row(f"V-{i}") for i in range(2, 30)]
    if bad == "duplicates":
        rows[20] = row("V-5")
    elif bad == "stored":
        rows[10] = row("V-1")
    path = _write(tmp_path / "f.csv", rows)
    if bad == "conflict":

        def refused(rows: int = 0) -> int:
            raise IntegrityError("duplicate key value violates unique constraint")

        monkeypatch.setattr(stage, "move", refused)
    else:  # what the exact path says of the same file
        with pytest.raises(ImportFailed) as exact:
            legacy.import_dossiers(path)
    monkeypatch.setattr(fast, "load", _vouched)
    with pytest.raises(ImportFailed) as caught:
        legacy.import_dossiers(path)
    if bad == "conflict":
        assert caught.value.code == "conflict"
    else:
        assert caught.value.code == "bad_rows" and caught.value.details
        assert (caught.value.message, caught.value.details) == (
            exact.value.message,
            exact.value.details,
        )
    assert list(Dossier.objects.values_list("code", flat=True)) == ["V-1"]
    assert _index_definitions() == indexes


def test_a_vouched_good_file_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    AgencyFactory(code="000.00.03.H10")
    monkeypatch.setattr(fast, "load", _vouched)
    calls: list[str] = []
    summary = legacy.import_dossiers(
        _write(tmp_path / "f.csv", [row("W-1"), row("W-2")]),
        progress=lambda phase, *a: calls.append(phase),
    )
    assert summary["rows"] == 2 and calls == ["check", "write"]
    assert Dossier.objects.count() == 2
