"""Daily pre-aggregates of the statistics: every figure of the period report as a sum of counts.

Each dossier contributes a handful of facts, each on one local day (Asia/Ho_Chi_Minh):

* on its receipt day: received, digitized, paid online (count and amount);
* on its finishing day: resolved (late, early, electronic result, working time), withdrawn,
  returned, finished late without apology; withdrawn / returned rows keep the receipt day in
  ``recv_day`` (Biểu 06: carried over, or received online in the period);
* ``closed`` on the later of receipt and finish: open at an instant T = received before T −
  closed before T, so carried over and in progress are cumulative sums;
* ``overdue_in`` on the later of receipt and due, ``overdue_out`` on the latest of receipt, due
  and finish: open and overdue at T (received before T, due before T, not finished before T) =
  overdue_in before T − overdue_out before T; a new due instant moves both facts;
* its apology (one per dossier) on its issue day, and whether it was a late one.

``DossierFacts`` keeps what each dossier last contributed. ``aggregates_sync`` (called by the
dossier services with every event, in the same transaction) computes the new contribution,
subtracts the old one and adds the new by delta upserts (``INSERT … ON CONFLICT DO UPDATE SET
n = n + excluded.n``: concurrent services on other dossiers add to the same rows safely).
``agg_rebuild.rebuild_aggregates`` recomputes everything set-based in SQL (after a bulk import,
the demo, ``motcua stats-rebuild``). ``selectors.py`` stays the reference: ``motcua
stats-verify`` and the property tests compare both.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, connections, router, transaction
from django.utils import timezone

from motcua.reports.models import (
    FULL_KEY,
    MEASURES,
    AggregateState,
    DailyAgencyCount,
    DailyCount,
    DailyLevelCount,
    DailyProcedureCount,
    DossierFacts,
    MonthlyAgencyCount,
    MonthlyCount,
    MonthlyProcedureCount,
)

LEVEL_KEY = ("day", "recv_day", "level", "channel")
#: The measures whose rows keep the receipt day in ``recv_day`` (Biểu 06's withdrawn and returned,
#: carried over or received online in the period); every other measure reads ``day`` alone.
RECV_MEASURES = ("withdrawn", "returned")
#: Monthly grains (``day`` and ``recv_day`` = first day of their month) and their columns after
#: the four common ones, smallest first: exact for periods made of whole months (the breakdowns
#: of a month, quarter, half-year, year read the months' rows instead of each day's). The last
#: has the whole daily key: an agency's reports and the per-procedure figures read it.
MONTHLY: tuple[tuple[type[Any], tuple[str, ...]], ...] = (
    (MonthlyAgencyCount, ("processing_agency_id",)),
    (MonthlyProcedureCount, ("procedure_id",)),
    (MonthlyCount, ("receiving_agency_id", "processing_agency_id", "procedure_id")),
)
#: the daily grains narrower than the full key, by the monthly grain whose edge days they answer
DAILY_NARROW: dict[tuple[str, ...], type[Any]] = {
    ("processing_agency_id",): DailyAgencyCount,
    ("procedure_id",): DailyProcedureCount,
}
AGENCY_COLUMNS = frozenset({"receiving_agency_id", "processing_agency_id"})
SNAPSHOT = (
    "level",
    "channel",
    "receiving_agency_id",
    "processing_agency_id",
    "procedure_id",
    "status",
    "recv_day",
    "fin_day",
    "close_day",
    "due_in_day",
    "due_out_day",
    "digitized",
    "paid_vnd",
    "late",
    "early",
    "electronic",
    "working_seconds",
    "breach",
    "apology_day",
    "finished_late",
    "tracked",
    "twice",
    "reused",
    "input_electronic",
    "result_stored",
    "i1",
    "i2",
    "i3",
    "i4",
    "i7",
)
#: A resolved dossier's points on the Circular 01/2018 indices kept in its snapshot
#: (``indices.index_points``); None for the others.
POINTS = ("i1", "i2", "i3", "i4", "i7")
NO_POINTS = dict.fromkeys(POINTS)
#: The flags of a dossier read from its related rows (steps, supplement requests, documents):
#: the Decision 766 index's inputs.
FLAGS = ("tracked", "twice", "reused", "input_electronic", "result_stored")
NO_FLAGS = dict.fromkeys(FLAGS, False)


@functools.cache
def _offset_seconds() -> int:
    """The zone's offset (Asia/Ho_Chi_Minh: +07:00, fixed since 1975), as the scan uses it."""
    moment = dt.datetime(2020, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE)).utcoffset()
    return int(moment.total_seconds()) if moment is not None else 0


def sql_day(expr: str, vendor: str, offset: int) -> str:
    """SQL for the calendar day of the stored (UTC) instant ``expr`` at ``offset`` seconds from
    UTC: ``_day`` in the database (the rebuild's days, ``indices.LocalDay``)."""
    if vendor == "postgresql":
        return f"(({expr}) AT TIME ZONE 'UTC' + interval '{int(offset)} seconds')::date"
    # whole seconds first: SQLite rounds the stored microseconds to milliseconds, and
    # 23:59:59.9996 local counted for the next day (tests/reports/test_local_day.py)
    return f"date(substr({expr}, 1, 19), '{int(offset):+d} seconds')"


def _day(moment: dt.datetime | None) -> dt.date | None:
    if moment is None:
        return None
    return (moment.astimezone(dt.UTC) + dt.timedelta(seconds=_offset_seconds())).date()


def _later(*moments: dt.datetime | None) -> dt.datetime | None:
    if any(m is None for m in moments):
        return None
    return max(moments)  # type: ignore[type-var]


# ---- one dossier's contribution ---------------------------------------------------------------


def facts_of(
    d: Any,
    apology_at: dt.datetime | None,
    flags: dict[str, bool] | None = None,
    points: dict[str, int | None] | None = None,
) -> dict[str, Any]:
    """The snapshot of a dossier's statistical facts (the columns of ``DossierFacts``);
    ``flags``: what its related rows say (``flags_of``); ``points``: a resolved dossier's index
    points (``points_of``)."""
    flags = flags or NO_FLAGS
    points = points if points is not None and d.status == "resolved" else NO_POINTS
    r, f, u = d.received_at, d.finished_at, d.due_at
    fin_day, due_day = _day(f), _day(u)
    resolved = d.status == "resolved"
    # waiting for a supplement, its clock stopped no later than due: never overdue while it
    # waits (``selectors.overdue_at``); the supplement's arrival moves the due instant
    overdue_from = None if d.clock_stopped_in_time else u
    return {
        "level": int(d.level),
        "channel": d.channel,
        # the agencies in force at receipt (issue 11: a transition never moves past figures)
        "receiving_agency_id": getattr(d, "origin_receiving_agency_id", None)
        or d.receiving_agency_id,
        "processing_agency_id": getattr(d, "origin_processing_agency_id", None)
        or d.processing_agency_id,
        "procedure_id": d.procedure_id,
        "status": d.status,
        "recv_day": _day(r),
        "fin_day": fin_day,
        "close_day": _day(_later(r, f)),
        "due_in_day": _day(_later(r, overdue_from)),
        "due_out_day": _day(_later(r, overdue_from, f)),
        "digitized": bool(d.digitized),
        "paid_vnd": int(d.online_payment_vnd or 0),
        "late": bool(resolved and f is not None and u is not None and f > u),
        "early": bool(
            resolved and fin_day is not None and due_day is not None and fin_day < due_day
        ),
        "electronic": bool(resolved and d.electronic_result),
        "working_seconds": int(d.working_seconds or 0) if resolved else 0,
        "breach": d.apology_breach or "",
        "apology_day": _day(apology_at),
        "finished_late": bool(f is not None and u is not None and f > u),
        "tracked": bool(flags["tracked"]),
        "twice": bool(flags["twice"]),
        "reused": bool(flags["reused"]),
        "input_electronic": bool(flags["input_electronic"]),
        "result_stored": bool(resolved and flags["result_stored"]),
        **{k: points[k] for k in POINTS},
    }


def points_of(pk: int) -> dict[str, int | None]:
    """A resolved dossier's points on indices 1–4 and 7: the scan's own expressions
    (``indices.index_points``) for this one dossier, in one statement."""
    from zoneinfo import ZoneInfo

    from motcua.dossiers.models import Dossier
    from motcua.reports.indices import index_points

    row = (
        index_points(Dossier.objects.filter(pk=pk), ZoneInfo(settings.TIME_ZONE))
        .values_list(*POINTS)
        .first()
    )
    return dict(zip(POINTS, row, strict=True)) if row is not None else dict(NO_POINTS)


def _flag_sql() -> dict[str, str]:
    """The flags as SQL over a dossier id expression ``{id}`` (the hook and the rebuild)."""
    from django.apps import apps

    step = apps.get_model("dossiers", "DossierStep")._meta.db_table
    supp = apps.get_model("dossiers", "SupplementRequest")._meta.db_table
    doc = apps.get_model("dossiers", "Document")._meta.db_table
    reuse = apps.get_model("eservices", "DocumentReuse")._meta.db_table
    return {
        "tracked": f"EXISTS (SELECT 1 FROM {step} x WHERE x.dossier_id = {{id}})",  # noqa: S608
        "twice": f"(SELECT COUNT(*) FROM {supp} x WHERE x.dossier_id = {{id}} "  # noqa: S608
        "AND NOT x.at_intake) > 1",
        "reused": f"EXISTS (SELECT 1 FROM {doc} x WHERE x.dossier_id = {{id}} "  # noqa: S608
        f"AND (x.reused_from_id IS NOT NULL OR EXISTS "
        f"(SELECT 1 FROM {reuse} y WHERE y.document_id = x.id)))",
        "input_electronic": f"EXISTS (SELECT 1 FROM {doc} x WHERE x.dossier_id = {{id}} "  # noqa: S608
        "AND x.kind = 'input_electronic')",
        "result_stored": f"EXISTS (SELECT 1 FROM {doc} x WHERE x.dossier_id = {{id}} "  # noqa: S608
        "AND x.kind IN ('result_electronic', 'result_paper_scan'))",
    }


def flags_of(pk: int) -> dict[str, bool]:
    """One statement: what the dossier's steps, supplement requests and documents say."""
    exprs = _flag_sql()
    sql = "SELECT " + ", ".join(exprs[f].format(id="%s") for f in FLAGS)
    with connection.cursor() as cur:
        cur.execute(sql, [pk] * len(FLAGS))
        row = cur.fetchone()
    return {f: bool(v) for f, v in zip(FLAGS, row, strict=True)}


def _rows(s: dict[str, Any] | None) -> list[tuple[tuple[Any, ...], dict[str, int]]]:
    """The daily-count rows (full key, measures) of a snapshot."""
    if s is None:
        return []
    dims = (
        s["level"],
        s["channel"],
        s["receiving_agency_id"],
        s["processing_agency_id"],
        s["procedure_id"],
    )
    out: list[tuple[tuple[Any, ...], dict[str, int]]] = []

    def add(day: dt.date, recv_day: dt.date, **m: int) -> None:
        out.append(((day, recv_day, *dims), m))

    r = s["recv_day"]
    if r is not None:
        vnd = s["paid_vnd"]
        tracked, twice = int(s["tracked"]), int(s["twice"])
        add(
            r,
            r,
            received=1,
            digitized=int(s["digitized"]),
            paid=int(vnd > 0),
            paid_vnd=vnd,
            tracked_received=tracked,
            twice_received=twice,
            reused=int(s["reused"]),
            input_electronic=int(s["input_electronic"]),
        )
        if s["close_day"] is not None:
            c = s["close_day"]
            add(c, c, closed=1, tracked_closed=tracked, twice_closed=twice)
        f = s["fin_day"]
        if f is not None and s["finished_late"]:
            add(f, f, finished_late=1, twice_finished_late=twice)
        if f is not None:
            missing = int(s["breach"] == "missing")
            if s["status"] == "resolved":
                add(
                    f,
                    f,
                    resolved=1,
                    resolved_late=int(s["late"]),
                    resolved_early=int(s["early"]),
                    electronic=int(s["electronic"]),
                    working_seconds=s["working_seconds"],
                    breach_missing=missing,
                    results_stored=int(s["result_stored"]),
                    resolved_breach_late=int(s["breach"] == "late"),
                    resolved_breach_missing=missing,
                    **{f"idx{k[1:]}": int(s[k] or 0) for k in POINTS},
                )
            elif s["status"] in ("withdrawn", "returned"):
                add(f, r, **{s["status"]: 1, "breach_missing": missing})
            elif missing:
                add(f, f, breach_missing=missing)
        if s["due_in_day"] is not None:
            add(s["due_in_day"], s["due_in_day"], overdue_in=1, twice_overdue_in=twice)
        if s["due_out_day"] is not None:
            add(s["due_out_day"], s["due_out_day"], overdue_out=1, twice_overdue_out=twice)
    if s["apology_day"] is not None:
        a = s["apology_day"]
        add(a, a, apologies=1, apologies_late=int(s["breach"] == "late"))
    return out


def _delta(
    old: dict[str, Any] | None, new: dict[str, Any] | None
) -> dict[tuple[Any, ...], dict[str, int]]:
    acc: dict[tuple[Any, ...], dict[str, int]] = {}
    for sign, snap in ((-1, old), (1, new)):
        for key, measures in _rows(snap):
            row = acc.setdefault(key, {})
            for m, v in measures.items():
                if v:
                    row[m] = row.get(m, 0) + sign * v
    return {k: {m: v for m, v in row.items() if v} for k, row in acc.items() if any(row.values())}


def _upsert_sql(
    table: str, keys: tuple[str, ...], rows: dict[tuple[Any, ...], dict[str, int]]
) -> tuple[str, list[Any]] | None:
    """The delta upsert of ``rows`` into ``table``: one ``INSERT … ON CONFLICT`` and its
    parameters. Only the measures some row changes are written (the others keep their value, or
    their default 0 in a new row): a change moves two or three of the twenty-odd, and every
    parameter is turned into SQL by the driver in Python — all of them were half of the
    statement's cost to Django (BENCHMARKS.md, issue 9)."""
    changed = [m for m in MEASURES if any(measures.get(m) for measures in rows.values())]
    if not changed:  # the rows' changes cancel out (a projection of +1 here and -1 there)
        return None
    cols = [*keys, *changed]
    values = []
    params: list[Any] = []
    for key, measures in rows.items():
        values.append("(" + ", ".join(["%s"] * len(cols)) + ")")
        params.extend(key)
        params.extend(measures.get(m, 0) for m in changed)
    sets = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in changed)
    sql = (
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES {', '.join(values)} "  # noqa: S608 - our names
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}"
    )
    return sql, params


def _write_all(statements: list[tuple[str, list[Any]]]) -> None:
    """The writes of one sync. PostgreSQL: one statement, each write a data-modifying ``WITH``
    (they touch different tables, so none sees another's rows); an intake's eight writes were
    eight round trips, each parsed and planned (BENCHMARKS.md, issue 9). Elsewhere one by one."""
    if not statements:
        return
    with connection.cursor() as cur:
        if connection.vendor != "postgresql" or len(statements) == 1:
            for sql, params in statements:
                cur.execute(sql, params)
            return
        *first, (last_sql, last_params) = statements
        ctes = ", ".join(f"w{i} AS ({sql})" for i, (sql, _) in enumerate(first))
        params = [p for _, ps in first for p in ps]
        cur.execute(f"WITH {ctes} {last_sql}", [*params, *last_params])


def _project(
    rows: dict[tuple[Any, ...], dict[str, int]], columns: tuple[str, ...] = ()
) -> dict[tuple[Any, ...], dict[str, int]]:
    """The full key's daily rows summed over all but the level key and ``columns``: the rows of
    the per-level table (no columns) or of a narrow daily grain."""
    positions = [FULL_KEY.index(c) for c in (*LEVEL_KEY, *columns)]
    out: dict[tuple[Any, ...], dict[str, int]] = {}
    for key, measures in rows.items():
        row = out.setdefault(tuple(key[p] for p in positions), {})
        for m, v in measures.items():
            row[m] = row.get(m, 0) + v
    return out


def _snapshot_sql(pk: int, facts: dict[str, Any]) -> tuple[str, list[Any]]:
    """One statement (an upsert), not the ORM's read-then-write."""
    table = DossierFacts._meta.db_table
    cols = ["dossier_id", *SNAPSHOT]
    sets = ", ".join(f"{c} = excluded.{c}" for c in SNAPSHOT)
    return (
        f"INSERT INTO {table} ({', '.join(cols)}) "  # noqa: S608 - our names
        f"VALUES ({', '.join(['%s'] * len(cols))}) "
        f"ON CONFLICT (dossier_id) DO UPDATE SET {sets}",
        [pk, *(facts[c] for c in SNAPSHOT)],
    )


def _monthly(
    rows: dict[tuple[Any, ...], dict[str, int]], columns: tuple[str, ...]
) -> dict[tuple[Any, ...], dict[str, int]]:
    """The monthly rows of daily rows: ``day`` = the first of its month; ``recv_day`` the same,
    except for the measures that read the receipt day (withdrawn, returned: Biểu 06), which keep
    the exact receipt day — so a monthly row answers "received before / from the period's first
    day" for any first day, and months wholly inside a period of any shape read it exactly."""
    positions = [FULL_KEY.index(c) for c in columns]
    out: dict[tuple[Any, ...], dict[str, int]] = {}
    for key, measures in rows.items():
        month = key[0].replace(day=1)
        rest = tuple(key[p] for p in positions)
        for m, v in measures.items():
            recv = key[1] if m in RECV_MEASURES else month
            row = out.setdefault((month, recv, key[2], key[3], *rest), {})
            row[m] = row.get(m, 0) + v
    return out


def _points(dossier: Any) -> dict[str, int | None] | None:
    return points_of(dossier.pk) if dossier.status == "resolved" else None


def _state_of(pk: int) -> tuple[dict[str, Any] | None, dt.datetime | None, dict[str, bool]]:
    """In one statement: what the dossier last contributed (``None``: nothing), its apology's
    issue instant and its flags (``flags_of``): three round trips before (issue 9)."""
    from motcua.dossiers.models import Apology

    facts = DossierFacts._meta
    fields = [facts.get_field(c) for c in SNAPSHOT]
    exprs = _flag_sql()
    apology = Apology._meta
    sql = (
        "SELECT f.dossier_id, "  # noqa: S608 - our names
        + ", ".join(f"f.{f.column}" for f in fields)
        + ", "
        + ", ".join(exprs[f].format(id="%s") for f in FLAGS)
        + f", (SELECT a.issued_at FROM {apology.db_table} a WHERE a.dossier_id = %s"  # noqa: S608
        " ORDER BY a.id LIMIT 1)"
        + f" FROM (SELECT 1 AS one) o LEFT JOIN {facts.db_table} f ON f.dossier_id = %s"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [pk] * (len(FLAGS) + 2))
        row = cur.fetchone()
    n = len(SNAPSHOT)
    old = (
        None
        if row[0] is None
        else {f.name: f.to_python(v) for f, v in zip(fields, row[1 : n + 1], strict=True)}
    )
    flags = {f: bool(v) for f, v in zip(FLAGS, row[n + 1 : n + 1 + len(FLAGS)], strict=True)}
    issued = apology.get_field("issued_at").to_python(row[-1])
    if issued is not None and timezone.is_naive(issued):  # SQLite keeps UTC without a zone
        issued = timezone.make_aware(issued, dt.UTC)
    return old, issued, flags


def aggregates_sync(dossier: Any, *, apology: bool = False) -> None:
    """Bring the daily counts in line with the dossier as it is now (called by the dossier
    services in the transaction of every change; idempotent, so calling it twice costs one
    read). ``apology``: an apology may have been issued (its row is read again)."""
    if dossier.received_at is None and not apology:
        old_row = DossierFacts.objects.filter(dossier_id=dossier.pk).values(*SNAPSHOT).first()
        if old_row is None:
            return  # nothing counted yet (a submission waiting for the desk)
    old_row, apology_at, flags = _state_of(dossier.pk)
    if apology or old_row is None:
        new = facts_of(dossier, apology_at, flags, _points(dossier))
    else:
        new = facts_of(dossier, None, flags, _points(dossier))
        new["apology_day"] = old_row["apology_day"]
    if old_row == new:
        return
    rows = _delta(old_row, new)
    writes = []
    for table, keys, grain in (
        (DailyCount._meta.db_table, FULL_KEY, rows),
        (DailyLevelCount._meta.db_table, LEVEL_KEY, _project(rows)),
        *(
            (model._meta.db_table, (*LEVEL_KEY, *columns), _monthly(rows, columns))
            for model, columns in MONTHLY
        ),
        *(
            (model._meta.db_table, (*LEVEL_KEY, *columns), _project(rows, columns))
            for columns, model in DAILY_NARROW.items()
        ),
    ):
        if grain and (upsert := _upsert_sql(table, keys, grain)) is not None:
            writes.append(upsert)
    if _rows(new):
        writes.append(_snapshot_sql(dossier.pk, new))
    else:  # counted nowhere any more (as the rebuild keeps no snapshot of it)
        table = DossierFacts._meta.db_table
        writes.append((f"DELETE FROM {table} WHERE dossier_id = %s", [dossier.pk]))  # noqa: S608
    _write_all(writes)


def aggregates_after_bulk_write() -> None:
    """After dossiers were written in bulk, bypassing the services (the import): rebuild the
    daily counts when they are kept complete; otherwise the reports scan and nothing is due."""
    if AggregateState.objects.filter(pk=1, complete=True).exists():
        from motcua.reports.agg_rebuild import rebuild_aggregates, vacuum_counts

        rebuild_aggregates()
        # once the import has committed: the counts' planner statistics and visibility map
        # now, not at autovacuum's next pass (PostgreSQL; nothing on SQLite)
        transaction.on_commit(vacuum_counts)


def aggregates_complete() -> bool:
    """Whether reports may read the daily counts (``MOTCUA_REPORT_SOURCE``: ``auto`` — when a
    full rebuild has been made and the services keep them, the default; ``scan`` — never;
    ``aggregates`` — always)."""
    source = getattr(settings, "MOTCUA_REPORT_SOURCE", "auto")
    if source == "scan":
        return False
    if source == "aggregates":
        return True
    db = router.db_for_read(AggregateState)
    return AggregateState.objects.using(db).filter(pk=1, complete=True).exists()


def _db() -> Any:
    return connections[router.db_for_read(DailyCount) or "default"]


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _month_split(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(Mf, W1, L): the month of ``first``; the first whole month inside the period (``first``
    itself when it starts a month); the month after the last whole one. The monthly rows of
    months before Mf or in [W1, L) lie wholly before the period or wholly inside it; the other
    days up to ``last`` — the partial months at the edges — come from the daily rows."""
    mf = first.replace(day=1)
    w1 = first if first.day == 1 else _next_month(first)
    nxt = last + dt.timedelta(days=1)
    end = nxt if nxt.day == 1 else last.replace(day=1)
    return mf, w1, max(end, w1)


def _sources(
    first: dt.date,
    last: dt.date,
    group: list[str],
    agency_ids: list[int] | None,
    history: bool = True,
    *,
    columns: tuple[str, ...] | None = None,
    where: str = "",
) -> tuple[str, list[Any]]:
    """The rows (a table, or a UNION ALL of monthly and daily rows) that answer the period's
    figures per ``group``, and their parameters. Every row has a ``day`` on which the sums'
    tests (before the first day, inside the period, ``recv_day`` against the first day) are
    exact: a monthly row is read only for a month wholly before or wholly inside the period.
    ``history``: with the rows before the period (what was open at its start); without, only
    the period's own rows (figures of what happened inside it). ``columns``: only these (and
    no measure); ``where``: a further condition on every row."""
    daily = DailyCount._meta.db_table
    lo = dt.date(1, 1, 1) if history else first
    scope, scope_params = where and f" AND {where}", []
    if agency_ids is not None:
        ph = ", ".join(["%s"] * len(agency_ids)) or "NULL"
        scope += f" AND (receiving_agency_id IN ({ph}) OR processing_agency_id IN ({ph}))"
        scope_params = [*agency_ids, *agency_ids]
    elif set(group) <= {"day", "level", "channel"} and columns is None and not where:
        level_table = DailyLevelCount._meta.db_table
        return f"(SELECT * FROM {level_table} WHERE day >= %s AND day <= %s) src", [lo, last]  # noqa: S608
    needed = set(group) | (AGENCY_COLUMNS if agency_ids is not None else set())
    for model, grain_columns in MONTHLY:
        # grouped by ``day``, a month wholly inside the period is one group (its first day)
        if needed <= {"day", "level", "channel", *grain_columns}:
            mf, w1, end = _month_split(first, last)
            cols = ", ".join(
                columns or ("day", "recv_day", "level", "channel", *grain_columns, *MEASURES)
            )
            # the edge days, as plain ranges (an index range scan reads only those days)
            start = mf if history else first
            edges = []
            if start < w1:
                edges.append((start, min(w1 - dt.timedelta(days=1), last)))
            if max(end, start) <= last and (not edges or end > edges[0][1]):
                edges.append((max(end, start), last))
            before = "day < %s OR " if history else ""
            sql = (
                f"(SELECT {cols} FROM {model._meta.db_table} "  # noqa: S608 - our names
                f"WHERE ({before}(day >= %s AND day < %s)){scope}"
            )
            params: list[Any] = [*([mf] if history else []), w1, end, *scope_params]
            # the edge days from the daily grain as narrow as the monthly one, if there is one
            edge = DAILY_NARROW.get(grain_columns, DailyCount)._meta.db_table
            for lo, hi in edges:
                sql += f" UNION ALL SELECT {cols} FROM {edge} WHERE day >= %s AND day <= %s{scope}"  # noqa: S608
                params.extend([lo, hi, *scope_params])
            return sql + ") src", params
    cols = ", ".join(columns) if columns else "*"
    rows = f"day >= %s AND day <= %s{scope}"
    return f"(SELECT {cols} FROM {daily} WHERE {rows}) src", [lo, last, *scope_params]  # noqa: S608


def in_period(measure: str, extra: str = "") -> str:
    """The SQL sum of ``measure`` over the rows inside the period (``%s`` stands for its first
    day, as in every expression ``grouped`` takes); ``extra``: a further condition."""
    return f"SUM(CASE WHEN day >= %s{extra} THEN {measure} ELSE 0 END)"


#: The Decision 766 index's figures (``agg_index.py``), in the same form as the report's: open
#: at the end = Σ(day ≤ last) in − out; alive in the period = carried over + received new.
INDEX_EXPRS = {
    "finished_late": in_period("finished_late"),
    "tracked_alive": "SUM(CASE WHEN day < %s THEN tracked_received - tracked_closed "
    "ELSE tracked_received END)",
    "twice_alive": "SUM(CASE WHEN day < %s THEN twice_received - twice_closed "
    "ELSE twice_received END)",
    "twice_finished_late": in_period("twice_finished_late"),
    "twice_overdue": "SUM(twice_overdue_in - twice_overdue_out)",
    "reused": in_period("reused"),
    "input_electronic": in_period("input_electronic"),
    "results_stored": in_period("results_stored"),
}


def _report_exprs(index: bool = False) -> dict[str, str]:
    """The period report's figures (the scan's keys) as sums over the counts; ``index``: with
    the Decision 766 inputs."""
    wr = "(withdrawn + returned)"
    return {
        "carried_over": "SUM(CASE WHEN day < %s THEN received - closed ELSE 0 END)",
        "received_new": in_period("received"),
        "received_online": in_period("received", " AND channel = 'online'"),
        "resolved": in_period("resolved"),
        "resolved_late": in_period("resolved_late"),
        "resolved_early": in_period("resolved_early"),
        "withdrawn": in_period("withdrawn"),
        "returned": in_period("returned"),
        "in_progress": "SUM(received - closed)",
        "in_progress_overdue": "SUM(overdue_in - overdue_out)",
        "digitized": in_period("digitized"),
        "electronic_results": in_period("electronic"),
        "online_payments": in_period("paid"),
        "online_payment_vnd": in_period("paid_vnd"),
        "working_seconds": in_period("working_seconds"),
        "apologies": in_period("apologies"),
        "apology_breach_late": in_period("apologies_late"),
        "apology_breach_missing": in_period("breach_missing"),
        "withdrawn_returned_online": in_period(wr, " AND recv_day >= %s AND channel = 'online'"),
        "withdrawn_returned_carried_over": in_period(wr, " AND recv_day < %s"),
        **(INDEX_EXPRS if index else {}),
    }


def _alive(r: dict[str, Any]) -> bool:
    """A group with dossiers alive in the period (the scan reads those alone). A group without
    has every figure of the period zero: nothing was open at its start, nothing came in."""
    return (r["carried_over"] or 0) + (r["received_new"] or 0) > 0


def sums(
    first: dt.date,
    last: dt.date,
    group: Iterable[str] = (),
    agency_ids: list[int] | None = None,
    *,
    index: bool = False,
) -> list[dict[str, Any]]:
    """The period's figures (in the scan's keys) per ``group`` (columns of the daily counts),
    read from the narrow per-level table when the grouping and the scope allow it; ``index``:
    with the Decision 766 inputs, and every group (not only those with dossiers alive)."""
    rows = grouped(first, last, list(group), agency_ids, _report_exprs(index))
    return rows if index else [r for r in rows if _alive(r)]


#: Inside ``one_reading``: the procedure grain's rows already read, by period and scope.
_READING: contextvars.ContextVar[dict[tuple[Any, ...], list[dict[str, Any]]] | None] = (
    contextvars.ContextVar("motcua_aggregates_reading", default=None)
)


@contextlib.contextmanager
def one_reading() -> Iterator[None]:
    """The reads of one answer (a ``motcua report``, the leaders' dashboard, the API's report):
    the procedure grain of a period — the largest read of the report (its breakdown per field)
    and of the Decision 766 index (its per-procedure figures) — is read once, by whichever
    asks first, and shared (``procedure_rows``; 0.15 s of a report with edge days at 10M
    dossiers). Only around one answer's computations: the rows are not read again within it."""
    token = _READING.set({})
    try:
        yield
    finally:
        _READING.reset(token)


def in_one_reading(fn: Any) -> Any:
    """``fn`` (a view) run inside ``one_reading``."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with one_reading():
            return fn(*args, **kwargs)

    return wrapper


def procedure_rows(
    first: dt.date, last: dt.date, agency_ids: list[int] | None
) -> list[dict[str, Any]]:
    """The report's figures (``_report_exprs``, history included) per (procedure, level),
    every group; inside ``one_reading`` read once per period and scope."""
    memo = _READING.get()
    key = (first, last, None if agency_ids is None else tuple(agency_ids))
    if memo is not None and key in memo:
        return memo[key]
    rows = grouped(first, last, ["procedure_id", "level"], agency_ids, _report_exprs())
    if memo is not None:
        memo[key] = rows
    return rows


def by_field(first: dt.date, last: dt.date, agency_ids: list[int] | None) -> list[dict[str, Any]]:
    """The period's figures per (the procedure's current field, level) — ``field_id``,
    ``level`` and the figures — as the scan groups them, summed from ``procedure_rows`` over
    the groups with dossiers alive."""
    from motcua.catalog.models import Procedure

    rows = [r for r in procedure_rows(first, last, agency_ids) if _alive(r)]
    field_of = dict(
        Procedure.objects.using(_db().alias)
        .filter(pk__in={r["procedure_id"] for r in rows})
        .values_list("pk", "field_id")
    )
    names = list(_report_exprs())
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for r in rows:
        key = (field_of[r["procedure_id"]], r["level"])
        acc = out.get(key)
        if acc is None:
            out[key] = {"field_id": key[0], "level": key[1], **{n: r[n] for n in names}}
        else:
            for n in names:
                acc[n] += r[n]
    return list(out.values())


def procedure_period_figures(
    first: dt.date, last: dt.date, agency_ids: list[int] | None
) -> list[dict[str, Any]]:
    """``received_new``, ``received_online`` and ``online_payments`` per (procedure, level) in
    the period (the Decision 766 index): inside ``one_reading`` from the shared rows (history
    read too, which these figures do not count), else from the period's own rows alone."""
    if _READING.get() is not None:
        return procedure_rows(first, last, agency_ids)
    names = ("received_new", "received_online", "online_payments")
    exprs = _report_exprs()
    return grouped(
        first,
        last,
        ["procedure_id", "level"],
        agency_ids,
        {n: exprs[n] for n in names},
        history=False,
    )


def grouped(
    first: dt.date,
    last: dt.date,
    group: list[str],
    agency_ids: list[int] | None,
    exprs: dict[str, str],
    *,
    history: bool = True,
) -> list[dict[str, Any]]:
    """``exprs`` (name → SQL aggregate over the counts, each ``%s`` standing for ``first``) per
    ``group``, over the rows that answer the period (``_sources``; ``history=False`` when the
    expressions read nothing before the first day); sums as integers."""
    params: list[Any] = []
    select = []
    for name, e in exprs.items():
        # integers from the server (PostgreSQL's SUM of bigint is numeric: a Decimal per cell)
        select.append(f"CAST(COALESCE({e}, 0) AS BIGINT) AS {name}")
        params.extend([first] * e.count("%s"))
    source, source_params = _sources(first, last, group, agency_ids, history)
    params = params + source_params
    cols = ", ".join(group)
    sql = (
        f"SELECT {cols + ', ' if cols else ''}{', '.join(select)} FROM {source}"  # noqa: S608
        + (f" GROUP BY {cols}" if cols else "")
    )
    db = _db()
    with transaction.atomic(using=db.alias), db.cursor() as cur:
        if db.vendor == "postgresql":
            # one hash aggregate in memory: the default 4 MB sorted the monthly rows on disk
            # (BENCHMARKS.md, screens at 1,000,000); no JIT compilation: the planner's cost of
            # a period's rows at 10M passes its threshold, and compiling the sums' expressions
            # took longer (up to 115 ms) than they then saved; both local to this transaction
            cur.execute("SET LOCAL work_mem = '64MB'")
            cur.execute("SET LOCAL jit = off")
        cur.execute(sql, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def resolved_pairs(
    first: dt.date, last: dt.date, agency_ids: list[int] | None
) -> list[tuple[int, int]]:
    """(processing agency, procedure) pairs with a dossier resolved in [first, last]: the months
    inside the period from the monthly counts' narrow partial index (``monthlycount_resolved``),
    the edge days from the daily counts. A count is never negative, so a pair has a resolved
    dossier exactly when one of its rows counts one."""
    cols = ("processing_agency_id", "procedure_id")
    source, params = _sources(
        first, last, list(cols), agency_ids, history=False, columns=cols, where="resolved > 0"
    )
    with _db().cursor() as cur:
        cur.execute(f"SELECT DISTINCT {', '.join(cols)} FROM {source}", params)  # noqa: S608
        return [(int(a), int(p)) for a, p in cur.fetchall()]


def by_day(
    first: dt.date, last: dt.date, agency_ids: list[int] | None = None
) -> list[tuple[dt.date, int, int, int]]:
    """(day, received, resolved, resolved late) of each day of the period (the monthly trend),
    from the per-level rows for the whole province; for a scope of agencies a month wholly
    inside the period comes as its first day (read from the monthly counts, ``_sources``)."""
    rows = grouped(
        first,
        last,
        ["day"],
        agency_ids,
        {
            "received": in_period("received"),
            "resolved": in_period("resolved"),
            "late": in_period("resolved_late"),
        },
        history=False,
    )
    return [
        (
            r["day"] if isinstance(r["day"], dt.date) else dt.date.fromisoformat(r["day"]),
            r["received"],
            r["resolved"],
            r["late"],
        )
        for r in rows
    ]
