"""The fast path of an import on PostgreSQL: the file's bytes go to the server as they are, in one
``COPY … (FORMAT csv)`` into a table whose instants, flags and amounts are typed (the server
parses them while Python checks the lines), and the staging table is a view of it that spells
the words as the dossier table stores them; Python's only work per row is one regular
expression over whole blocks of lines (``rows_form``); the working time is computed by the
server too, from the calendar's table of days (``_view``).

It vouches only for what it can check exactly, and is conservative. A file goes this way only if
its header is a plain permutation of the columns and every line is of the *plain form*: the
twelve cells of ``rules.check_row`` as printable ASCII without spaces or quotes (so that a
physical line is a record and the line numbers are those of the csv module), instants written
YYYY-MM-DDTHH:MM:SS[.ffffff] with Z or ±HH:MM, the code rule, the words of the enumerations;
what a line alone cannot say — the order of the instants, an end iff not processing — is asked
of SQL (``_REFUSED``), and an amount over 64 bits fails its ``::bigint`` cast. The form accepts
no row that ``check_row`` refuses, and the conversion gives every row it accepts the values
``check_row`` gives it (the property test in tests/reports/test_import_fast.py); it refuses some
rows ``check_row`` accepts (diacritics, spaces to strip, other spellings of an instant).
Whenever the fast path cannot vouch for the whole file — a line not of the form, a row SQL
refuses, a day its month does not have (the cast fails), lines ending unlike each other (COPY
fails) — what it wrote is rolled back to its savepoint and the import goes the exact way
(``rules.read``), which gives the line and reason of every bad row as before. Good files are
what it is for: bad ones are refused as before, a little later.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from django.db import DatabaseError, connection, transaction

from motcua.worktime import core as wt
from motcua.worktime.calendars import calendar_get

from . import stage
from .rules import CHANNELS, HEADER, LENGTHS, LEVELS, STATUSES, YEARS
from .stage import STAGE

log = logging.getLogger(__name__)

RAW = "motcua_import_raw"
DAYS = "motcua_import_days"  # the calendar's days: what its positions are made of
PLAIN = "motcua_import_plain"  # the staging rows but for their working time (_views)
BLOCK = 1 << 20
LONGEST = 1 << 16  # bytes: a plain row is under 1 kB; a longer line goes the exact way
AHEAD = 4  # blocks sent to the server before their lines are checked, at most

# the form of a plain row, cell by cell (``rules.check_row`` for a row of printable ASCII without
# spaces), checked in Python on whole blocks of lines with one regular expression: a cell is
# printable ASCII without space, quote or comma
_CELL = r"[!#-+\--~]"
_NOSLASH = r"[!#-+\--.0-~]"  # nor "/"
_END = r"(?:,|\r?\n)"
# an instant: YYYY-MM-DDTHH:MM:SS[.f{1,6}] and Z or ±HH:MM; the year within YEARS, hours 00–23
# and seconds 00–59 (PostgreSQL reads 24:00 and :60, Python refuses them), offsets to ±15:59
# (PostgreSQL's limit). A day its month does not have fails PostgreSQL's cast, as it fails
# Python's: an error sends the file the exact way.
_INSTANT = (
    r"(?:199[0-9]|20[0-9][0-9]|2100)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
    r"(?:Z|[+-](?:0[0-9]|1[0-5]):[0-5][0-9])"
)
if YEARS != (1990, 2100):  # the expression above spells them
    raise ImportError("fast._INSTANT: years")
# the dossier code rule (rules.code_problem) for a plain code: within its length, not only
# digits, "/" only between parts other than "", "." and "..", not "<number>/thao-tac|mau/"
_PART = rf"(?!\.\.?(?:/|{_END})){_NOSLASH}+"
_CODE = (
    rf"(?={_CELL}{{1,{LENGTHS['code']}}}{_END})(?![0-9]+{_END})(?![0-9]+/(?:thao-tac|mau)/)"
    rf"{_PART}(?:/{_PART})*"
)


def _one_of(keys: Any) -> str:
    return "(?:" + "|".join(keys) + ")"


_CELLS = {
    "code": _CODE,
    "procedure_code": rf"{_CELL}{{1,{LENGTHS['procedure_code']}}}",
    "agency_code": rf"{_NOSLASH}{{1,{LENGTHS['agency_code']}}}",
    "level": _one_of(LEVELS),
    "channel": _one_of(CHANNELS),
    "received_at": _INSTANT,
    "due_at": _INSTANT,
    "status": _one_of(STATUSES),
    "finished_at": f"(?:{_INSTANT})?",
    "digitized": "[01]",
    "electronic_result": "[01]",
    "online_payment_vnd": "[0-9]{1,19}",
}


def rows_form(cols: list[str]) -> re.Pattern[bytes]:
    """Lines (each ending \n or \r\n) all of the plain form, for a file's column order."""
    row = ",".join(_CELLS[c] for c in cols) + r"\r?\n"
    return re.compile(f"(?:{row})*".encode("ascii"))


def _case(col: str, mapping: dict[str, Any]) -> str:
    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in mapping.items())
    return f"CASE {col} {whens} END"


#: the raw table's column types: what COPY parses on the server as the rows arrive (a day its
#: month does not have, an amount over 64 bits: COPY fails, and the file goes the exact way);
#: the other columns are text
_TYPED = {
    "received_at": "timestamptz",
    "due_at": "timestamptz",
    "finished_at": "timestamptz",  # an empty cell is NULL (CSV)
    "digitized": "boolean",  # the form admits 0 and 1 only
    "electronic_result": "boolean",
    "online_payment_vnd": "bigint",
}


def _views(cal: wt.Calendar) -> tuple[str, str]:
    """The staging table as views of the raw one, nothing written twice (converting a million
    rows into a table of their own took longer than the COPY): ``PLAIN``, the rows as
    ``check_row`` and ``stage._copy_batch`` make them but for the working time, which the tally
    reads; ``STAGE``, the same with the working time from receipt to the end: the difference of
    the two instants' positions in the calendar (``worktime.core.positions_batch``, here from
    ``DAYS``: ``position_table``), none for a row still processing (no end, no day) or with an
    instant outside the calendar's years (no day to join), as ``stage.elapsed`` gives it. Each
    instant's local second is computed once, in the subquery its ``OFFSET 0`` keeps whole."""
    levels = "CASE level " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in LEVELS.items()) + " END"
    plain = (
        f"CREATE TEMP VIEW {PLAIN} AS SELECT line, code, procedure_code AS proc,"  # noqa: S608
        f" agency_code AS agency, CAST({levels} AS smallint) AS level,"
        f" {_case('channel', CHANNELS)} AS channel, {_case('status', STATUSES)} AS status,"
        " received_at, due_at, finished_at, digitized, electronic_result AS electronic,"
        # the form admits ASCII codes only: lowered by C's rule, as Python's str.lower() does,
        # without the database's locale (0.1 s a million rows)
        f' online_payment_vnd AS paid, lower(code COLLATE "C") AS search_text FROM {RAW}'
    )

    def position(day: str, local: str) -> str:
        sod = f"{local} - {day}.day * 86400"
        within = " + ".join(
            f"LEAST(GREATEST({sod} - {start}, 0), {end - start})"
            for start, end in cal.spec.intervals
        )
        return f"{day}.cum + CASE WHEN {day}.working THEN {within} ELSE 0 END"

    def local(col: str) -> str:
        # whole seconds since the epoch as int(datetime.timestamp()) makes them (date_part
        # divides the microseconds as a double, as Python does), then the calendar's offset
        return f"floor(date_part('epoch', {col}))::bigint + {cal.offset}"

    # GREATEST passes over a NULL: the days are asked for first
    working = (
        "CASE WHEN b.day IS NOT NULL AND f.day IS NOT NULL THEN"
        f" GREATEST(({position('f', 'r.fl')}) - ({position('b', 'r.rl')}), 0) END"
    )
    columns = (
        "line, code, proc, agency, level, channel, status, received_at, due_at, finished_at,"
        " digitized, electronic, paid"
    )
    staged = (
        f"CREATE TEMP VIEW {STAGE} AS SELECT {', '.join('r.' + c for c in columns.split(', '))},"  # noqa: S608
        f" {working} AS working_seconds, r.search_text"
        f" FROM (SELECT *, {local('received_at')} AS rl, {local('finished_at')} AS fl"
        f" FROM {PLAIN} OFFSET 0) r"
        f" LEFT JOIN {DAYS} b ON b.day = r.rl / 86400 LEFT JOIN {DAYS} f ON f.day = r.fl / 86400"
    )
    return plain, staged


def _days(cur: Any, cal: wt.Calendar) -> None:
    """``DAYS``: the calendar's days, each with the working seconds before it and whether it is
    worked (``worktime.core.position_table``), analysed so that the planner hashes them."""
    bounds = [b for interval in cal.spec.intervals for b in interval]
    if bounds != sorted(bounds):  # the sum in _view needs them sorted, not overlapping
        raise _NotFast("working hours not sorted")
    cur.execute(f"DROP TABLE IF EXISTS {DAYS}")
    cur.execute(
        f"CREATE TEMP TABLE {DAYS} (day bigint PRIMARY KEY, cum bigint NOT NULL,"
        " working boolean NOT NULL) ON COMMIT DROP"
    )
    with cur.cursor.copy(f"COPY {DAYS} (day, cum, working) FROM STDIN") as copy:
        copy.write(
            "".join(f"{d}\t{c}\t{'t' if w else 'f'}\n" for d, c, w in wt.position_table(cal))
        )
    cur.execute(f"ANALYZE {DAYS}")


# what the form of a line cannot say: the order of its instants, an end iff not processing
_REFUSED = (
    "NOT (due_at >= received_at AND (finished_at IS NULL) = (status = %s)"
    " AND (finished_at IS NULL OR finished_at >= received_at))"
)


class _NotFast(Exception):
    """The fast path cannot vouch for this file: the exact path decides."""


Progress = Callable[[int, int], None]  # (bytes read, rows so far)


def load(path: Path, progress: Progress | None = None) -> tuple[int, str, stage.Tally] | None:
    """Stage the whole file through the fast path: (rows staged, SHA-256 of the bytes, the
    staging table's ``stage.Tally``), or None (nothing of it left) when the exact path must
    decide. PostgreSQL only; in the caller's transaction, after ``stage.create()``."""
    if connection.vendor != "postgresql":
        return None
    # here only: psycopg is the PostgreSQL extra's (``.[postgres]``), not a base dependency, and
    # every ``motcua`` command that imports the legacy import (``motcua demo``) runs without it
    import psycopg

    try:
        with transaction.atomic(), path.open("rb") as fh:  # a savepoint: all of it or none
            staged = _load(fh, progress)
    except (_NotFast, DatabaseError, psycopg.Error) as why:
        log.info("import: exact path (%s: %s)", why.__class__.__name__, why)
        return None
    log.info("import: checked in SQL, %d rows", staged[0])
    return staged


def _header(fh: IO[bytes], sha: Any) -> tuple[list[str], int]:
    first = fh.readline()
    sha.update(first)
    text = first[3:] if first.startswith(b"\xef\xbb\xbf") else first
    if not text.endswith(b"\n") or b'"' in text or not text.isascii():
        raise _NotFast("header")
    cols = text.removesuffix(b"\n").removesuffix(b"\r").decode("ascii").split(",")
    if sorted(cols) != sorted(HEADER) or len(cols) != len(HEADER):
        raise _NotFast("header")
    return cols, len(first)


def _load(fh: IO[bytes], progress: Progress | None) -> tuple[int, str, stage.Tally]:
    sha = hashlib.sha256()
    cols, done = _header(fh, sha)
    lines = 0
    with connection.cursor() as cur:
        cur.execute(f"DROP VIEW IF EXISTS {PLAIN}")  # an earlier import's, in this transaction
        cur.execute(f"DROP TABLE IF EXISTS {RAW}")
        cur.execute(
            # the line numbers drawn from the sequence a hundred thousand at a time, not one by
            # one (0.15 s a million rows)
            f"CREATE TEMP TABLE {RAW} (line bigint GENERATED ALWAYS AS IDENTITY"
            " (START 2 CACHE 100000), "
            + ", ".join(f"{c} {_TYPED.get(c, 'text')}" for c in HEADER)
            + ") ON COMMIT DROP"
        )
        raw = cur.cursor
        form = rows_form(cols)
        rest = b""
        # the lines are checked in a second thread while this one waits for the server to
        # take the block (psycopg lets go of the GIL meanwhile): the server parses the instants
        # as the Python check runs, at most AHEAD blocks behind (memory: AHEAD blocks)
        pending: deque[Future[int]] = deque()
        with (
            ThreadPoolExecutor(1, thread_name_prefix="import-check") as checker,
            raw.copy(f"COPY {RAW} ({', '.join(cols)}) FROM STDIN (FORMAT csv)") as copy,
        ):
            while block := fh.read(BLOCK):
                sha.update(block)
                done += len(block)
                cut = block.rfind(b"\n") + 1
                if cut:  # whole lines: the rest of the last block and this one's
                    pending.append(checker.submit(_check, form, rest + block[:cut]))
                    rest = block[cut:]
                elif len(rest) + len(block) > LONGEST:
                    raise _NotFast("a line longer than a plain row can be")
                else:
                    rest += block
                copy.write(block)
                if len(pending) > AHEAD:  # one block in, the oldest out
                    lines += pending.popleft().result()
                    if progress is not None:
                        progress(done, lines)
            if rest:  # a last line without its newline
                pending.append(checker.submit(_check, form, rest + b"\n"))
            while pending:
                lines += pending.popleft().result()
            if progress is not None:  # every line checked
                progress(done, lines)
        copied = raw.rowcount  # the rows COPY wrote, as its command tag says
        if copied != lines or not copied:
            raise _NotFast("line count")  # e.g. a line "\." ends COPY's data early
        # the staging table (empty, made by stage.create) gives way to a view of the raw one;
        # undone with the rest when the exact path must decide
        cal = calendar_get()
        _days(cur, cal)
        cur.execute(f"DROP TABLE {STAGE}")
        for view in _views(cal):
            cur.execute(view)
        # the rows SQL refuses, asked in the same scan as what the move needs to know
        counted = stage.tally(_REFUSED, [STATUSES["processing"]], source=PLAIN)
        if counted.bad:
            raise _NotFast("a row whose instants or status SQL refuses")
    return copied, sha.hexdigest(), counted


def _check(form: re.Pattern[bytes], lines: bytes) -> int:
    """How many lines these whole lines are, if all are of the plain form; else _NotFast. (The
    form admits printable ASCII only, so the bytes are UTF-8, and has no quote: a line is a
    record, as the csv module reads it.)"""
    if form.fullmatch(lines) is None:
        raise _NotFast("a line not of the plain form")
    return lines.count(b"\n")
