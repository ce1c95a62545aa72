"""The set-based rebuild of the daily and monthly counts (``aggregates``): every dossier's
snapshot and contribution recomputed in SQL, in one transaction — after a bulk import, the demo,
``motcua stats-rebuild``. The same rules as ``aggregates.facts_of`` for one dossier, written as
SQL over the whole table; the property tests compare both with the direct scan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from motcua.reports.aggregates import (
    DAILY_NARROW,
    LEVEL_KEY,
    MONTHLY,
    POINTS,
    RECV_MEASURES,
    SNAPSHOT,
    _flag_sql,
    _offset_seconds,
    sql_day,
)
from motcua.reports.models import (
    FULL_KEY,
    MEASURES,
    AggregateState,
    DailyCount,
    DailyLevelCount,
    DossierFacts,
)

#: the tables of the counts (the snapshot apart), finest first
COUNT_MODELS = (
    DailyCount,
    DailyLevelCount,
    *DAILY_NARROW.values(),
    *(m for m, _c in MONTHLY),
)


def _sql_month(expr: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"CAST(date_trunc('month', {expr}) AS date)"
    return f"date({expr}, 'start of month')"


def _greatest(*exprs: str) -> str:
    out = exprs[0]
    for e in exprs[1:]:
        out = f"(CASE WHEN {e} > {out} THEN {e} ELSE {out} END)"
    return out


def _snapshot_sql(vendor: str) -> str:
    off = _offset_seconds()
    day = lambda e: sql_day(e, vendor, off)  # noqa: E731
    r, f, u = "d.received_at", "d.finished_at", "d.due_at"
    res = "d.status = 'resolved'"
    # waiting for a supplement, its clock stopped no later than due: not overdue while it waits
    # (``aggregates.facts_of``, ``selectors.overdue_at``)
    stopped = f"(d.paused_at IS NOT NULL AND d.paused_at <= {u})"
    cols = ", ".join(("dossier_id", *SNAPSHOT))
    true, false = ("TRUE", "FALSE") if vendor == "postgresql" else ("1", "0")
    flag = {k: v.format(id="d.id") for k, v in _flag_sql().items()}
    if vendor != "postgresql":  # SQLite: booleans as integers
        flag = {k: f"CASE WHEN {v} THEN 1 ELSE 0 END" for k, v in flag.items()}
    return f"""
        INSERT INTO {DossierFacts._meta.db_table} ({cols})
        SELECT d.id, d.level, d.channel,
               COALESCE(d.origin_receiving_agency_id, d.receiving_agency_id),
               COALESCE(d.origin_processing_agency_id, d.processing_agency_id),
               d.procedure_id, d.status,
               {day(r)}, {day(f)},
               CASE WHEN {r} IS NOT NULL AND {f} IS NOT NULL THEN {day(_greatest(r, f))} END,
               CASE WHEN {r} IS NOT NULL AND {u} IS NOT NULL AND NOT {stopped}
                    THEN {day(_greatest(r, u))} END,
               CASE WHEN {r} IS NOT NULL AND {u} IS NOT NULL AND {f} IS NOT NULL AND NOT {stopped}
                    THEN {day(_greatest(r, u, f))} END,
               d.digitized, COALESCE(d.online_payment_vnd, 0),
               CASE WHEN {res} AND {f} > {u} THEN {true} ELSE {false} END,
               CASE WHEN {res} AND {day(f)} < {day(u)} THEN {true} ELSE {false} END,
               CASE WHEN {res} AND d.electronic_result THEN {true} ELSE {false} END,
               CASE WHEN {res} THEN COALESCE(d.working_seconds, 0) ELSE 0 END,
               COALESCE(d.apology_breach, ''),
               {day("a.issued_at")},
               CASE WHEN {f} > {u} THEN {true} ELSE {false} END,
               {flag["tracked"]}, {flag["twice"]}, {flag["reused"]},
               {flag["input_electronic"]},
               CASE WHEN {res} AND {flag["result_stored"]} THEN {true} ELSE {false} END,
               NULL, NULL, NULL, NULL, NULL
        FROM dossiers_dossier d LEFT JOIN dossiers_apology a ON a.dossier_id = d.id
        WHERE d.received_at IS NOT NULL OR a.id IS NOT NULL
    """  # noqa: S608 - our table names


def _snapshot_points(cur: Any, snap: str) -> None:
    """The resolved dossiers' index points into the snapshot, set-based, from the scan's own
    expressions (``indices.index_points``, compiled by the ORM: one definition)."""
    from zoneinfo import ZoneInfo

    from motcua.dossiers.models import Dossier
    from motcua.reports.indices import index_points

    qs = (
        index_points(
            Dossier.objects.filter(status="resolved", received_at__isnull=False),
            ZoneInfo(settings.TIME_ZONE),
        )
        .values_list("id", *POINTS)
        .order_by()
    )
    sql, params = qs.query.sql_with_params()
    sets = ", ".join(f"{k} = p.{k}" for k in POINTS)
    cur.execute(
        f"UPDATE {snap} SET {sets} FROM ({sql}) AS p "  # noqa: S608 - our names
        f"WHERE {snap}.dossier_id = p.id",
        params,
    )


def _fact_selects(vendor: str) -> list[tuple[str, str, dict[str, str]]]:
    """(day column, recv_day column, {measure: expression}) of each kind of fact, read from the
    snapshot table aliased ``s`` (the same rules as ``_rows``)."""
    rcv = "s.recv_day IS NOT NULL"
    one = "1"
    int_ = (
        (lambda c: f"CAST({c} AS INTEGER)") if vendor != "postgresql" else (lambda c: f"{c}::int")
    )
    wr = "s.status IN ('withdrawn', 'returned')"
    return [
        (
            "s.recv_day",
            "s.recv_day",
            {
                "received": one,
                "digitized": int_("s.digitized"),
                "paid": "CASE WHEN s.paid_vnd > 0 THEN 1 ELSE 0 END",
                "paid_vnd": "s.paid_vnd",
                "tracked_received": int_("s.tracked"),
                "twice_received": int_("s.twice"),
                "reused": int_("s.reused"),
                "input_electronic": int_("s.input_electronic"),
                "_where": rcv,
            },
        ),
        (
            "s.close_day",
            "s.close_day",
            {
                "closed": one,
                "tracked_closed": int_("s.tracked"),
                "twice_closed": int_("s.twice"),
                "_where": f"{rcv} AND s.close_day IS NOT NULL",
            },
        ),
        (
            "s.fin_day",
            "s.fin_day",
            {
                "finished_late": one,
                "twice_finished_late": int_("s.twice"),
                "_where": f"{rcv} AND s.fin_day IS NOT NULL AND s.finished_late",
            },
        ),
        (
            "s.fin_day",
            "s.fin_day",
            {
                "resolved": one,
                "resolved_late": int_("s.late"),
                "resolved_early": int_("s.early"),
                "electronic": int_("s.electronic"),
                "working_seconds": "s.working_seconds",
                "breach_missing": "CASE WHEN s.breach = 'missing' THEN 1 ELSE 0 END",
                "results_stored": int_("s.result_stored"),
                "resolved_breach_late": "CASE WHEN s.breach = 'late' THEN 1 ELSE 0 END",
                "resolved_breach_missing": "CASE WHEN s.breach = 'missing' THEN 1 ELSE 0 END",
                **{f"idx{k[1:]}": f"COALESCE(s.{k}, 0)" for k in POINTS},
                "_where": f"{rcv} AND s.fin_day IS NOT NULL AND s.status = 'resolved'",
            },
        ),
        (
            "s.fin_day",
            "s.recv_day",
            {
                "withdrawn": "CASE WHEN s.status = 'withdrawn' THEN 1 ELSE 0 END",
                "returned": "CASE WHEN s.status = 'returned' THEN 1 ELSE 0 END",
                "breach_missing": "CASE WHEN s.breach = 'missing' THEN 1 ELSE 0 END",
                "_where": f"{rcv} AND s.fin_day IS NOT NULL AND {wr}",
            },
        ),
        (
            "s.fin_day",
            "s.fin_day",
            {
                "breach_missing": one,
                "_where": f"{rcv} AND s.fin_day IS NOT NULL AND s.breach = 'missing' "
                f"AND s.status NOT IN ('resolved', 'withdrawn', 'returned')",
            },
        ),
        (
            "s.due_in_day",
            "s.due_in_day",
            {
                "overdue_in": one,
                "twice_overdue_in": int_("s.twice"),
                "_where": f"{rcv} AND s.due_in_day IS NOT NULL",
            },
        ),
        (
            "s.due_out_day",
            "s.due_out_day",
            {
                "overdue_out": one,
                "twice_overdue_out": int_("s.twice"),
                "_where": f"{rcv} AND s.due_out_day IS NOT NULL",
            },
        ),
        (
            "s.apology_day",
            "s.apology_day",
            {
                "apologies": one,
                "apologies_late": "CASE WHEN s.breach = 'late' THEN 1 ELSE 0 END",
                "_where": "s.apology_day IS NOT NULL",
            },
        ),
    ]


def rebuild_aggregates(
    from_day: dt.date | None = None, to_day: dt.date | None = None
) -> dict[str, int]:
    """Recompute the daily counts of the days in [from_day, to_day] (every day when None) from
    the dossiers, set-based, in one transaction; the per-dossier snapshot is recomputed whole.
    A rebuild of every day marks the aggregates complete. Returns row counts."""
    vendor = connection.vendor
    full, lvl, snap = (
        DailyCount._meta.db_table,
        DailyLevelCount._meta.db_table,
        DossierFacts._meta.db_table,
    )
    lo = from_day or dt.date(1, 1, 1)
    hi = to_day or dt.date(9999, 12, 31)
    with transaction.atomic(), connection.cursor() as cur:
        if vendor == "postgresql":  # room for the one hash aggregate of each table
            cur.execute("SET LOCAL work_mem = '256MB'")
        whole = vendor == "postgresql" and from_day is None and to_day is None
        if whole:  # every row goes: emptied at once, unique keys built once at the end
            models = COUNT_MODELS
            tables = ", ".join(m._meta.db_table for m in (DossierFacts, *models))
            cur.execute(f"TRUNCATE {tables}")
            for model in models:
                cur.execute(
                    f"ALTER TABLE {model._meta.db_table} "
                    f"DROP CONSTRAINT {model._meta.constraints[0].name}"
                )
        cur.execute(f"DELETE FROM {snap}")  # noqa: S608
        cur.execute(_snapshot_sql(vendor))
        _snapshot_points(cur, snap)
        cur.execute(f"DELETE FROM {full} WHERE day >= %s AND day <= %s", [lo, hi])  # noqa: S608
        # one pass: every kind of fact of every dossier as one UNION ALL, one GROUP BY, one
        # INSERT (the days in range were emptied: nothing to merge with)
        dims = "s.level, s.channel, s.receiving_agency_id, s.processing_agency_id, s.procedure_id"
        branches = []
        params: list[Any] = []
        for day_col, recv_col, measures in _fact_selects(vendor):
            where = measures.pop("_where")
            cols = ", ".join(f"{measures.get(m, '0')} AS {m}" for m in MEASURES)
            branches.append(
                f"SELECT {day_col} AS day, {recv_col} AS recv_day, {dims}, {cols} "  # noqa: S608
                f"FROM {snap} s WHERE {where} AND {day_col} >= %s AND {day_col} <= %s"
            )
            params.extend([lo, hi])
        msum = ", ".join(f"SUM({m})" for m in MEASURES)
        keys = ", ".join(FULL_KEY)
        cur.execute(
            f"INSERT INTO {full} ({keys}, {', '.join(MEASURES)}) "  # noqa: S608
            f"SELECT {keys}, {msum} FROM ({' UNION ALL '.join(branches)}) f "
            # stored in day order: a period's edge days are then a few contiguous pages, which
            # the planner reads by the key's index (hash order made it scan the whole table)
            f"GROUP BY {keys} ORDER BY day",
            params,
        )
        # the per-level table and the narrow daily grains: sums of the full key's rows
        grains = ((DailyLevelCount, ()), *((m, c) for c, m in DAILY_NARROW.items()))
        for model, columns in grains:
            table, key = model._meta.db_table, ", ".join((*LEVEL_KEY, *columns))
            cur.execute(f"DELETE FROM {table} WHERE day >= %s AND day <= %s", [lo, hi])  # noqa: S608
            cur.execute(
                f"INSERT INTO {table} ({key}, {', '.join(MEASURES)}) "  # noqa: S608
                f"SELECT {key}, {msum} FROM {full} WHERE day >= %s AND day <= %s "
                f"GROUP BY {key} ORDER BY day",
                [lo, hi],
            )
        month_lo, month_hi = lo.replace(day=1), hi.replace(day=1)
        m_day = _sql_month("day", vendor)
        # the measures that keep the exact receipt day (RECV_MEASURES) apart: see _monthly
        plain = ", ".join(f"0 AS {m}" if m in RECV_MEASURES else m for m in MEASURES)
        recv_only = ", ".join(m if m in RECV_MEASURES else "0" for m in MEASURES)
        recv_any = " OR ".join(f"{m} <> 0" for m in RECV_MEASURES)
        finest = MONTHLY[-1][0]._meta.db_table
        for model, columns in (MONTHLY[-1], *MONTHLY[:-1]):
            table, column = model._meta.db_table, ", ".join(columns)
            cur.execute(
                f"DELETE FROM {table} WHERE day >= %s AND day <= %s",  # noqa: S608
                [month_lo, month_hi],
            )
            if table != finest:  # the coarser grains: sums of the finest one's monthly rows
                cur.execute(
                    f"INSERT INTO {table} (day, recv_day, level, channel, {column}, "  # noqa: S608
                    f"{', '.join(MEASURES)}) "
                    f"SELECT day, recv_day, level, channel, {column}, {msum} FROM {finest} "
                    f"WHERE day >= %s AND day <= %s GROUP BY day, recv_day, level, channel, "
                    f"{column}",
                    [month_lo, month_hi],
                )
                continue
            rng = f"{m_day} >= %s AND {m_day} <= %s"
            cur.execute(
                f"INSERT INTO {table} (day, recv_day, level, channel, {column}, "  # noqa: S608
                f"{', '.join(MEASURES)}) "
                f"SELECT day, recv_day, level, channel, {column}, {msum} FROM ("
                f"  SELECT {m_day} AS day, {m_day} AS recv_day, level, channel, {column}, {plain} "
                f"  FROM {full} WHERE {rng}"
                f"  UNION ALL"
                f"  SELECT {m_day}, recv_day, level, channel, {column}, {recv_only} "
                f"  FROM {full} WHERE {rng} AND ({recv_any})"
                f") m GROUP BY day, recv_day, level, channel, {column}",
                [month_lo, month_hi, month_lo, month_hi],
            )
        if whole:
            for model in models:
                c = model._meta.constraints[0]
                cur.execute(
                    f"ALTER TABLE {model._meta.db_table} ADD CONSTRAINT {c.name} "
                    f"UNIQUE ({', '.join(c.fields)})"
                )
        counts = {}
        for name, table in (("dossiers", snap), ("daily_rows", full), ("level_rows", lvl)):
            cur.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            counts[name] = int(cur.fetchone()[0])
        if from_day is None and to_day is None:
            AggregateState.objects.update_or_create(
                pk=1, defaults={"complete": True, "rebuilt_at": timezone.now()}
            )
    return counts


def vacuum_counts() -> bool:
    """After a rebuild or a bulk import, once its transaction has committed: on PostgreSQL,
    ``VACUUM (ANALYZE)`` the counts and the snapshot, so that the planner knows their new sizes
    and the evaluation's (agency, procedure) pairs come from an index alone (the visibility map
    set: 43 against 146 ms for a province of 1,000,000 dossiers, BENCHMARKS.md) without waiting
    for autovacuum. Returns whether it ran (not on SQLite, nor inside a transaction, where
    VACUUM cannot run)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    tables = ", ".join(m._meta.db_table for m in (DossierFacts, *COUNT_MODELS))
    with connection.cursor() as cur:
        cur.execute(f"VACUUM (ANALYZE) {tables}")
    return True
