"""The staging table of an import: checked rows stream into it (COPY on PostgreSQL, batched
``executemany`` on SQLite) with their derived columns; what needs the whole file is then asked
of SQL — codes twice in the file, codes already stored, the agencies and procedures the file
names — and the rows move into the dossier table with one INSERT … SELECT, all in the caller's
transaction. Python holds one batch at a time, so memory does not grow with the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np
from django.db import connection
from django.utils import timezone

from motcua.core.text import fold
from motcua.dossiers.models import Dossier
from motcua.worktime import core as wt
from motcua.worktime.calendars import calendar_get

from .rules import CHUNK, LEVELS, MAX_SHOWN, Row

STAGE = "motcua_import_stage"
AGENCY_MAP = "motcua_import_agency"
PROCEDURE_MAP = "motcua_import_procedure"
NULL = "\\N"  # COPY text format
SQLITE_CACHE_KIB = 128 * 1024

# the dossier columns an import writes, and what each is made of (s = the staging row)
MOVE = (
    ("code", "s.code"),
    ("procedure_id", "p.pk"),
    ("applicant_id", "NULL"),
    ("applicant_name", "''"),
    ("applicant_id_number", "''"),
    ("proxy_name", "''"),
    ("proxy_id_number", "''"),
    ("request", "''"),
    ("channel", "s.channel"),
    ("receiving_agency_id", "a.pk"),
    ("processing_agency_id", "a.pk"),
    ("status", "s.status"),
    ("sets", "1"),
    ("received_at", "s.received_at"),
    ("handed_over_at", "s.received_at"),
    ("clock_started_at", "s.received_at"),
    ("due_at", "s.due_at"),
    ("appointment_at", "s.due_at"),
    ("pauses", "'[]'"),
    ("form_data", "'{}'"),
    ("finished_at", "s.finished_at"),
    ("return_method", "''"),
    ("result_place", "''"),
    ("online_payment_vnd", "s.paid"),
    ("level", "s.level"),
    ("digitized", "s.digitized"),
    ("electronic_result", "s.electronic"),
    ("working_seconds", "s.working_seconds"),
    ("imported", "%(true)s"),
    ("version", "0"),
    ("created_at", "%(now)s"),
    ("search_text", "s.search_text"),
)


if not all(0 < level < 4 for level in LEVELS.values()):  # tally() packs a level in two bits
    raise ImportError("stage.tally: levels")


def _pg() -> bool:
    return connection.vendor == "postgresql"


def create() -> None:
    """The staging table and the two small maps, temporary (gone at the end of the session;
    dropped at commit on PostgreSQL)."""
    pg = _pg()
    # SQLite: instants as integer microseconds since the epoch, written as Django's UTC text
    # by the move (``_instant_sql``)
    ts = "timestamptz" if pg else "integer"
    flag = "boolean" if pg else "integer"
    tail = " ON COMMIT DROP" if pg else ""
    line = "integer NOT NULL" if pg else "integer PRIMARY KEY"
    with connection.cursor() as cur:
        _drop_all(cur)
        cur.execute(
            f"CREATE TEMP TABLE {STAGE} (line {line}, code text NOT NULL, proc text NOT NULL,"
            " agency text NOT NULL, level smallint NOT NULL, channel text NOT NULL,"
            f" status text NOT NULL, received_at {ts} NOT NULL, due_at {ts} NOT NULL,"
            f" finished_at {ts}, digitized {flag} NOT NULL, electronic {flag} NOT NULL,"
            " paid bigint NOT NULL, working_seconds bigint, search_text text NOT NULL)" + tail
        )
        for table in (AGENCY_MAP, PROCEDURE_MAP):
            cur.execute(f"CREATE TEMP TABLE {table} (code text PRIMARY KEY, pk bigint)" + tail)


def drop() -> None:
    with connection.cursor() as cur:
        _drop_all(cur)


def _drop_all(cur: Any) -> None:
    # the fast path replaces the staging table by a view of its raw table (fast.py)
    if _pg():
        cur.execute(
            "SELECT relkind FROM pg_class WHERE relname = %s"
            " AND relnamespace = pg_my_temp_schema()",
            [STAGE],
        )
        found = cur.fetchone()
        if found and found[0] == "v":
            cur.execute(f"DROP VIEW {STAGE}")
    for table in (STAGE, AGENCY_MAP, PROCEDURE_MAP):
        cur.execute(f"DROP TABLE IF EXISTS {table}")


def elapsed(cal: wt.Calendar, rec: Any, end: Any) -> tuple[Any, Any]:
    """Working seconds between each pair of epoch seconds, and which pairs have them: all at
    once, or — when a pair lies outside the calendar's years — pair by pair, so that such a row
    loses its working time alone (not its whole batch). The exact path's; the fast path computes
    the same in SQL (``fast._view``)."""
    try:
        return wt.elapsed_batch(cal, rec, end), np.ones(len(rec), dtype=bool)
    except wt.WorktimeError:
        secs = np.zeros(len(rec), dtype=np.int64)
        known = np.ones(len(rec), dtype=bool)
        for j in range(len(rec)):
            try:
                secs[j] = wt.elapsed_batch(cal, rec[j : j + 1], end[j : j + 1])[0]
            except wt.WorktimeError:
                known[j] = False
        return secs, known


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def _micros(moment: dt.datetime) -> int:
    """An aware instant as integer microseconds since the epoch, exact (no float on the way)."""
    return (moment - _EPOCH) // _MICROSECOND


def _working(cal: wt.Calendar, rec_us: list[int], fin_us: list[int | None]) -> list[int | None]:
    """Working seconds from receipt to the end of each finished row, from their microseconds
    since the epoch (None while processing or outside the calendar's years)."""
    rec = np.array(rec_us, dtype=np.int64) // 1_000_000
    end = np.array([r if f is None else f for r, f in zip(rec_us, fin_us, strict=True)], np.int64)
    secs, known = elapsed(cal, rec, end // 1_000_000)
    return [
        int(w) if k and f is not None else None
        for f, w, k in zip(fin_us, secs.tolist(), known.tolist(), strict=True)
    ]


def _instants(batch: list[Row]) -> tuple[list[int], list[int | None]]:
    """Each row's receipt and end as microseconds since the epoch (the end None while
    processing)."""
    return (
        [_micros(r.received) for r in batch],
        [None if r.finished is None else _micros(r.finished) for r in batch],
    )


def _search(code: str) -> str:
    # fold() of a plain ASCII code (no spaces, no controls: the code rule) is its lower case
    return code.lower() if code.isascii() else fold(code)


def _copy_text(value: str) -> str:
    return value.replace("\\", "\\\\") if "\\" in value else value


def _utc(moment: dt.datetime) -> str:
    """The instant as PostgreSQL reads it: ISO 8601 with a ±HH:MM offset (25 characters, 32
    with microseconds) within PostgreSQL's ±15:59 as it is, anything else (an offset with
    seconds, or of 16 hours or more, which Python reads and PostgreSQL refuses) in UTC."""
    text = moment.isoformat()
    if len(text) in (25, 32) and text[-5:-3] < "16":
        return text
    return moment.astimezone(dt.UTC).isoformat()


def _batches(rows: Iterable[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for r in rows:
        batch.append(r)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _copy_batch(cal: wt.Calendar, batch: list[Row]) -> str:
    """A batch in COPY's text format (tab-separated, \\N for NULL, backslashes doubled; the
    checks have refused every control character, so no other escape is needed)."""
    work = _working(cal, *_instants(batch))
    return "".join(
        f"{r.line}\t{_copy_text(r.code)}\t{_copy_text(r.procedure)}\t"
        f"{_copy_text(r.agency)}\t{r.level}\t{r.channel}\t{r.status}\t"
        f"{_utc(r.received)}\t{_utc(r.due)}\t"
        f"{_utc(r.finished) if r.finished is not None else NULL}\t"
        f"{'t' if r.digitized else 'f'}\t{'t' if r.electronic else 'f'}\t"
        f"{r.paid}\t{NULL if w is None else w}\t{_copy_text(_search(r.code))}\n"
        for r, w in zip(batch, work, strict=True)
    )


def _param_batch(cal: wt.Calendar, batch: list[Row]) -> list[tuple[Any, ...]]:
    """A batch as ``executemany``'s parameters (SQLite): the instants as integer microseconds
    since the epoch (``_micros``), made once and used for the working time too. Django's text of
    each instant is made by the move, in SQL: the three conversions per row in Python
    (``adapt_datetimefield_value``) were a quarter of a million-row import (BENCHMARKS.md,
    "Import")."""
    rec, fin = _instants(batch)
    work = _working(cal, rec, fin)
    return [
        (
            r.line,
            r.code,
            r.procedure,
            r.agency,
            r.level,
            r.channel,
            r.status,
            received,
            _micros(r.due),
            finished,
            int(r.digitized),
            int(r.electronic),
            r.paid,
            w,
            _search(r.code),
        )
        for r, received, finished, w in zip(batch, rec, fin, work, strict=True)
    ]


_END = object()


def _pipelined(rows: Iterable[Row], make: Any) -> Iterator[tuple[int, Any]]:
    """(rows, payload) per batch, made in a second thread: reading, checking and formatting
    (Python) go on while this thread waits for the database (which releases the GIL). At most
    two batches wait in the queue, so memory stays bounded. The worker touches no database."""
    out: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for batch in _batches(rows):
                if not put((len(batch), make(batch))):
                    return
            put(_END)
        except BaseException as exc:  # re-raised in the caller's thread
            put(exc)

    worker = threading.Thread(target=work, name="import-reader", daemon=True)
    worker.start()
    try:
        while True:
            item = out.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def load(rows: Iterable[Row], on_batch: Any = None) -> int:
    """Stream checked rows into the staging table; returns how many. ``on_batch(n)`` is called
    after each batch (the progress bar)."""
    cal = calendar_get()
    count = 0
    if _pg():
        raw = connection.cursor().cursor
        cols = (
            "line, code, proc, agency, level, channel, status, received_at, due_at,"
            " finished_at, digitized, electronic, paid, working_seconds, search_text"
        )
        with raw.copy(f"COPY {STAGE} ({cols}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for n, text in _pipelined(rows, lambda b: _copy_batch(cal, b)):
                copy.write(text)
                count += n
                if on_batch is not None:
                    on_batch(count)
        return count
    sql = f"INSERT INTO {STAGE} VALUES ({', '.join(['%s'] * 15)})"  # noqa: S608
    with connection.cursor() as cur:
        for n, params in _pipelined(rows, lambda b: _param_batch(cal, b)):
            cur.executemany(sql, params)
            count += n
            if on_batch is not None:
                on_batch(count)
    return count


def duplicates() -> tuple[int, list[tuple[int, str]]]:
    """Rows whose code an earlier row of the file already has: (count, the first ones)."""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT s.line, s.code, f.first, COUNT(*) OVER () FROM {STAGE} s"  # noqa: S608
            f" JOIN (SELECT code, MIN(line) AS first FROM {STAGE} GROUP BY code"
            " HAVING COUNT(*) > 1) f ON f.code = s.code"
            " WHERE s.line <> f.first ORDER BY s.line LIMIT %s",
            [MAX_SHOWN],
        )
        found = cur.fetchall()
    shown = [(line, f"mã hồ sơ {code} trùng với dòng {first}") for line, code, first, _ in found]
    return (found[0][3] if found else 0), shown


def existing() -> tuple[int, list[tuple[int, str]]]:
    """Codes already in the database, each at its first line in the file (later lines with the
    same code are duplicates within the file)."""
    table = Dossier._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT MIN(s.line) AS line, s.code, COUNT(*) OVER () FROM {STAGE} s"  # noqa: S608
            f" JOIN {table} d ON d.code = s.code GROUP BY s.code ORDER BY line LIMIT %s",
            [MAX_SHOWN],
        )
        found = cur.fetchall()
    shown = [(line, f"mã hồ sơ {code} đã có trong cơ sở dữ liệu") for line, code, _ in found]
    return (found[0][2] if found else 0), shown


class Tally(NamedTuple):
    """What the move needs to know of the whole staging table, asked in one pass on PostgreSQL:
    the agency and procedure codes in order of first appearance, each with the level of its last
    row (what ``{r.agency: r.level for r in rows}`` gives), the rows by status, and whether any
    row meets the caller's ``bad`` condition."""

    agencies: dict[str, int]
    procedures: dict[str, int]
    by_status: dict[str, int]
    bad: bool = False


# the last row's level rides in the low bits of its line (lines are distinct, so the greatest
# ``line * 4 + level`` is the last row's, and levels are 1 to 3); every statement below has
# parameters, so its % is written %%
_LAST_LEVEL = "MAX(CAST(line AS bigint) * 4 + level) %% 4"


def tally(bad: str = "false", params: Sequence[Any] = (), source: str = STAGE) -> Tally:
    """The staging table's agencies, procedures and statuses (``Tally``); ``bad``: a condition
    on a staged row (SQL, with ``params``) that the caller wants to know whether any row meets;
    ``source``: the staging rows without their working time, where the fast path has them.
    PostgreSQL: one scan (three grouping sets), where three queries scanned it three times
    (0.8 s at 1M rows against 0.4; BENCHMARKS.md, "Import")."""
    # (first line, code, level) of each agency and procedure; (status, rows, any bad) of each
    # status
    named: dict[str, list[tuple[int, str, int]]] = {"agency": [], "proc": []}
    statuses: list[tuple[str, int, Any]] = []
    with connection.cursor() as cur:
        if _pg():
            cur.execute(
                "SELECT GROUPING(agency, proc), agency, proc, status, COUNT(*),"  # noqa: S608
                f" {_LAST_LEVEL}, MIN(line), bool_or({bad}) FROM {source}"
                " GROUP BY GROUPING SETS ((agency), (proc), (status))",
                list(params),
            )
            # GROUPING(agency, proc): 1 in the agencies' set (proc not grouped), 2 in the
            # procedures', 3 in the statuses'
            for grouping, agency, proc, status, n, level, first, flag in cur.fetchall():
                if grouping == 1:
                    named["agency"].append((first, agency, level))
                elif grouping == 2:
                    named["proc"].append((first, proc, level))
                else:
                    statuses.append((status, n, flag))
        else:  # SQLite has no grouping sets
            for column, rows in named.items():
                cur.execute(
                    f"SELECT MIN(line), {column}, {_LAST_LEVEL} FROM {source}"  # noqa: S608
                    f" GROUP BY {column}",
                    [],
                )
                rows += cur.fetchall()
            cur.execute(
                f"SELECT status, COUNT(*), MAX({bad}) FROM {source} GROUP BY status",  # noqa: S608
                list(params),
            )
            statuses = cur.fetchall()
    return Tally(
        agencies={code: int(level) for _, code, level in sorted(named["agency"])},
        procedures={code: int(level) for _, code, level in sorted(named["proc"])},
        by_status={status: int(n) for status, n, _ in statuses},
        bad=any(bool(flag) for _, _, flag in statuses),
    )


def fill_maps(agencies: dict[str, int], procedures: dict[str, int]) -> None:
    with connection.cursor() as cur:
        for table, known in ((AGENCY_MAP, agencies), (PROCEDURE_MAP, procedures)):
            items = list(known.items())
            for i in range(0, len(items), 5000):
                cur.executemany(
                    f"INSERT INTO {table} (code, pk) VALUES (%s, %s)",  # noqa: S608
                    items[i : i + 5000],
                )


def move(rows: int = 0) -> int:
    """One INSERT … SELECT from the staging table into the dossier table, in file order.
    ``rows``: how many the staging table holds (when known): a batch at least as large as the
    table is written with its secondary indexes built after it (``_indexes_built_after``).

    File order: on SQLite the scan of the staging table by its key is in line order already.
    On PostgreSQL, below ``SORTED_BELOW`` rows an ``ORDER BY`` says it (a small sort, and the
    planner's choices for small tables are many). From there on the staging rows are read as
    they were written — in file order, and a temporary table is never scanned in parallel or
    from the middle — and every join is a hash of a small table (the agencies, the procedures,
    the calendar's days; analysed, a few thousand rows at most: one batch in ``work_mem``)
    probed in that order, which is kept: sorting the joined rows again took a second at
    1,000,000 rows (BENCHMARKS.md, "Import"). ``test_import_fast.py`` checks the order of a
    large import."""
    table = Dossier._meta.db_table
    pg = _pg()
    cols = ", ".join(c for c, _ in MOVE)
    exprs = ", ".join(e if pg or e not in _INSTANTS else _instant_sql(e) for _, e in MOVE)
    now = timezone.now()
    order = " ORDER BY s.line" if not pg or rows < SORTED_BELOW else ""
    with (
        connection.cursor() as cur,
        _sqlite_cache(cur),
        _indexes_built_after(cur, table, rows),
    ):
        skip_ri = pg and _may_skip_ri(cur)
        if pg:  # the joins' hashes and a sort in memory, not in files; no JIT compilation (a
            # quarter of a second for a statement run once)
            # the two maps' statistics (autovacuum never sees a temporary table): guessing
            # them a thousand rows each, the planner sorted the million staging rows for a
            # merge join with the sixty agencies (the move's SELECT 2.1 s at 1M, 1.2 s with the
            # maps hashed; BENCHMARKS.md, "Import"). The staging table is left to its guess
            # from its size
            cur.execute(f"ANALYZE {AGENCY_MAP}, {PROCEDURE_MAP}")
            cur.execute("SET LOCAL work_mem = '256MB'")
            cur.execute("SET LOCAL jit = off")
        if skip_ri:
            cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute(
            f"INSERT INTO {table} ({cols}) SELECT {exprs} FROM {STAGE} s"  # noqa: S608
            f" JOIN {AGENCY_MAP} a ON a.code = s.agency"
            f" JOIN {PROCEDURE_MAP} p ON p.code = s.proc{order}",
            {"true": True, "now": now if pg else connection.ops.adapt_datetimefield_value(now)},
        )
        moved = cur.rowcount
        if skip_ri:
            cur.execute("SET LOCAL session_replication_role = origin")
        if pg:
            cur.execute("SET LOCAL work_mem TO DEFAULT")
            cur.execute("SET LOCAL jit TO DEFAULT")
        return moved


_INSTANTS = ("s.received_at", "s.due_at", "s.finished_at")


def _instant_sql(column: str) -> str:
    """SQLite: Django's text of a UTC instant (``str`` of the naive datetime: seconds, and the
    microseconds only when there are any) from the staging row's microseconds since the
    epoch; NULL stays NULL. Every statement here has parameters, so its % is written %%."""
    return (
        f"datetime({column} / 1000000, 'unixepoch') || CASE WHEN {column} %% 1000000"
        f" THEN printf('.%%06d', {column} %% 1000000) ELSE '' END"
    )


#: from this many staged rows, the move on PostgreSQL relies on the order its plan reads them in
#: (``move``; tests lower it)
SORTED_BELOW = 50_000


#: from this many rows, a batch at least as large as the table it goes into is written with the
#: table's secondary indexes dropped and built again after it (tests lower it)
REBUILD_INDEXES_FROM = 50_000


@contextlib.contextmanager
def _indexes_built_after(cur: Any, table: str, rows: int) -> Iterator[bool]:
    """A large batch into a table that holds fewer rows than it (a go-live import): the
    table's secondary indexes and its unique constraints — not its primary key (the other
    tables' keys point at it), not a partial index (the keys an imported dossier does not have:
    it costs the move nothing) — are dropped before the move and made again after it from their
    own definitions, in the same transaction (a failure rolls the drop back with the rest). One
    sort per index instead of an index insertion per row and index: the move was three
    quarters index maintenance, and the unique code index alone cost 1.5 s of a million rows'
    move against 0.5 s to build (BENCHMARKS.md, "Import"). The unique constraints come back
    first, so that a code twice in the file or already stored is refused as it was by the move
    (an IntegrityError: ``import_dossiers`` then lists the codes) before the other indexes are
    built. Meanwhile the table is locked for writing and reading (PostgreSQL's DROP INDEX), which
    a first load can afford and a daily import into a large table never meets (the batch is
    smaller than the table); no other session can write a code meanwhile. On SQLite the move of
    1,000,000 rows took 18.0 s this way against 22.7 s (BENCHMARKS.md, "Import"; an earlier try,
    with the instants staged as text, had measured it slower)."""
    if rows < REBUILD_INDEXES_FROM:
        yield False
        return
    cur.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) t", [rows])  # noqa: S608
    if cur.fetchone()[0] >= rows:
        yield False
        return
    if not _pg():
        yield from _sqlite_indexes_built_after(cur, table)
        return
    # dropping an index takes the table's owner (or a member of its role): another role
    # imports with the indexes in place, as before
    cur.execute(
        "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class"
        " WHERE oid = %s::regclass",
        [table],
    )
    if not cur.fetchone()[0]:
        yield False
        return
    cur.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary"
        " AND i.indpred IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
        " ORDER BY c.relname",
        [table],
    )
    indexes = cur.fetchall()
    # unique constraints on whole columns that no foreign key leans on (the code's)
    cur.execute(
        "SELECT k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k"
        " JOIN pg_index i ON i.indexrelid = k.conindid"
        " WHERE k.conrelid = %s::regclass AND k.contype = 'u' AND i.indpred IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f'"
        " AND f.conindid = k.conindid)"
        " ORDER BY k.conname",
        [table],
    )
    uniques = cur.fetchall()
    if uniques:  # ALTER TABLE refuses a table with pending trigger events (see below)
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
    for name, _definition in uniques:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    yield True
    # room for each index's one sort (local to the import's transaction); the deferred
    # foreign-key checks queued on the table (where the role may not skip them) run now, as
    # they would at commit: CREATE INDEX and ALTER TABLE refuse a table with pending trigger
    # events
    cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, definition in uniques:
        cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _name, definition in indexes:
        cur.execute(definition)
    cur.execute("SET CONSTRAINTS ALL DEFERRED")


def _sqlite_indexes_built_after(cur: Any, table: str) -> Iterator[bool]:
    """SQLite's part of ``_indexes_built_after``: the table's plain secondary indexes (not a
    unique or partial one; SQLite keeps a column's UNIQUE constraint in an index of its own,
    which cannot be dropped) dropped and made again from their definitions."""
    cur.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
        " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %%' AND sql NOT LIKE '%% WHERE %%'"
        " ORDER BY name",
        [table],
    )
    indexes = cur.fetchall()
    for name, _definition in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    yield True
    for _name, definition in indexes:
        cur.execute(definition.replace("%", "%%"))


@contextlib.contextmanager
def _sqlite_cache(cur: Any) -> Iterator[None]:
    """SQLite's page cache is 2 MB by default: nineteen indexes growing by a million entries
    each do not fit, and every insert then reads its index pages back from the file. For the
    move, the cache is raised to SQLITE_CACHE_KIB (bounded memory), then put back."""
    if _pg():
        yield
        return
    cur.execute("PRAGMA cache_size")
    before = cur.fetchone()[0]
    cur.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        cur.execute(f"PRAGMA cache_size = {int(before)}")


def _may_skip_ri(cur: Any) -> bool:
    """Whether this role may set ``session_replication_role`` (a superuser, or granted
    ``SET ON PARAMETER session_replication_role``). Then the per-row foreign-key triggers are
    off for the one INSERT … SELECT: every key it writes comes from the join with the agency
    and procedure maps, which were filled from rows of those tables in this very transaction,
    so the checks PostgreSQL would queue (three per dossier, run at commit) can only pass. They
    cost more than the rest of the import together (BENCHMARKS.md, "Import"). The dossier table
    has no other triggers; the statistics kept in step are updated by ``hooks.after_import``."""
    cur.execute(
        "SELECT current_setting('is_superuser') = 'on'"
        " OR has_parameter_privilege('session_replication_role', 'SET')"
    )
    return bool(cur.fetchone()[0])
